"""The cache backend used when REDIS_URL is set: Django's RedisCache, which survives Redis going away.

With Django's own backend an unreachable Redis raises ConnectionError in every view that touches the cache:
the whole public site answers 500. Here an error from Redis is a miss (get returns the default, set and
delete do nothing), so pages are served uncached, only slower. A warning is logged at most once a minute per
process.

A Redis that hangs (accepts connections, never answers) costs more than one that is gone: each command waits
for its socket timeout (REDIS_TIMEOUT, a quarter of a second by default). So every use of Redis in a process
(this cache in each thread, the signing rate limit) goes through one circuit breaker per Redis URL
(`breaker`): after a failure Redis is left alone for RETRY_INTERVAL seconds, then one request alone tries it
again while the others carry on without it; the cache comes back by itself when Redis does. Without it, each
thread's cache object and every signature waited on the timeout by itself.

Counters are the exception: `incr`/`decr` raise redis.exceptions.ConnectionError while Redis is away, because
a made-up count would be a lie. A caller that counts (the signing rate limit) decides what an outage means;
`is_available()` says whether Redis may be asked now.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, RedisError

from ops import process_memory
from ops.throttle import ThrottledWarning

RETRY_INTERVAL = 5.0
# What a failing Redis raises: redis-py's own errors, and also, when a connection breaks during its handshake
# under load, the socket's OSError or a ValueError from redis-py's closed read buffer (seen in `make bench`:
# one signature in 5,000 answered 500 before the rate limit caught it too).
REDIS_FAILURES = (RedisError, OSError, ValueError)

logger = logging.getLogger(__name__)
warning = ThrottledWarning(logger)


class Breaker:
    """Whether this process may ask one Redis now: closed (yes), open after a failure (no, for RETRY_INTERVAL
    seconds), then half-open: the first caller to ask is let through to try, and the interval starts again
    for everyone else, so a Redis still hanging holds up one request per interval and process, not all."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = None  # monotonic time; None while closed

    def allow(self):
        if self._open_until is None:
            return True
        with self._lock:
            now = time.monotonic()
            if self._open_until is None:
                return True
            if now < self._open_until:
                return False
            self._open_until = now + RETRY_INTERVAL  # this caller tries; the others wait for its answer
            return True

    def is_open(self):
        return self._open_until is not None and time.monotonic() < self._open_until

    def failed(self):
        with self._lock:
            self._open_until = time.monotonic() + RETRY_INTERVAL

    def succeeded(self):
        """Close the breaker; True if it was not closed (Redis is reachable again)."""
        if self._open_until is None:
            return False
        with self._lock:
            was_open, self._open_until = self._open_until is not None, None
            return was_open


_breakers = process_memory.remembered("ops.cache.breakers", {})
_breakers_lock = threading.Lock()


def breaker(url):
    """The one breaker of this process for the Redis at `url`, shared by every thread and every caller."""
    try:
        return _breakers[url]
    except KeyError:
        with _breakers_lock:
            return _breakers.setdefault(url, Breaker())


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._breaker = breaker(",".join(self._servers))

    def is_available(self):
        return not self._breaker.is_open()

    def _call(self, method, fallback, *args, **kwargs):
        if not self._breaker.allow():
            return fallback
        try:
            result = method(*args, **kwargs)
        except REDIS_FAILURES as error:
            self._breaker.failed()
            warning.warn("Cache unavailable (%s): serving pages without it", type(error).__name__)
            return fallback
        if self._breaker.succeeded():
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
        if not self._breaker.allow():
            raise ConnectionError("Redis is unavailable")
        try:
            result = super().incr(key, delta, version)
        except REDIS_FAILURES as error:
            self._breaker.failed()
            if isinstance(error, RedisError):
                raise
            raise ConnectionError(f"Redis failed: {error!r}") from error
        self._breaker.succeeded()
        return result
