"""The cache backend used when REDIS_URL is set: Django's RedisCache, which survives Redis going away.

With Django's own backend an unreachable Redis raises ConnectionError in every view that touches the cache:
the whole public site answers 500. Here an error from Redis is a miss (get returns the default, set and
delete do nothing), so pages are served uncached, only slower. After an error Redis is left alone for
RETRY_INTERVAL seconds (so a Redis that no longer answers does not add a timeout to every request), then
tried again: the cache comes back by itself when Redis does. A warning is logged at most once a minute per
process.

Counters are the exception: `incr`/`decr` raise redis.exceptions.ConnectionError while Redis is away, because
a made-up count would be a lie. A caller that counts (the signing rate limit) decides what an outage means;
`is_available()` says whether Redis answered the last time it was asked.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, RedisError

from ops.throttle import ThrottledWarning

RETRY_INTERVAL = 5.0
# What a failing Redis raises: redis-py's own errors, and also, when a connection breaks during its handshake
# under load, the socket's OSError or a ValueError from redis-py's closed read buffer (seen in `make bench`:
# one signature in 5,000 answered 500 before the rate limit caught it too).
REDIS_FAILURES = (RedisError, OSError, ValueError)

logger = logging.getLogger(__name__)
warning = ThrottledWarning(logger)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0  # monotonic time before which Redis is not asked again
        self._down = False

    def is_available(self):
        return time.monotonic() >= self._down_until

    def _call(self, method, fallback, *args, **kwargs):
        if not self.is_available():
            return fallback
        try:
            result = method(*args, **kwargs)
        except REDIS_FAILURES as error:
            self._down_until = time.monotonic() + RETRY_INTERVAL
            self._down = True
            warning.warn("Cache unavailable (%s): serving pages without it", type(error).__name__)
            return fallback
        if self._down:
            self._down = False
            logger.warning("Cache reachable again")
        return result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call(super().get, default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set, None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, False, key, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, {}, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, None, keys, version)

    def clear(self):
        return self._call(super().clear, False)

    def incr(self, key, delta=1, version=None):
        if not self.is_available():
            raise ConnectionError("Redis is unavailable")
        try:
            return super().incr(key, delta, version)
        except REDIS_FAILURES as error:
            self._down_until = time.monotonic() + RETRY_INTERVAL
            self._down = True
            if isinstance(error, RedisError):
                raise
            raise ConnectionError(f"Redis failed: {error!r}") from error
