"""Warnings about an outage, at most once a minute per process, saying how often it happened meanwhile.

While Redis or the database is down every request meets the failure; one warning per request would bury
the logs (and cost more than the request). The first failure is logged at once, then one line a minute.
"""

import threading
import time
import weakref

from ops import process_memory

INTERVAL = 60.0

_throttles = weakref.WeakSet()


def _forget_all_warnings():
    for throttle in list(_throttles):
        throttle.forget()


process_memory.register("ops.throttle", _forget_all_warnings)


class ThrottledWarning:
    """The one throttle for warnings: `warn(message, *args)` logs a message at most once per `interval`."""

    def __init__(self, logger, interval=INTERVAL):
        self.logger = logger
        self.interval = interval
        self._lock = threading.Lock()
        self._last = {}  # message → (monotonic time of the last warning, occurrences since)
        _throttles.add(self)

    def forget(self):
        with self._lock:
            self._last.clear()

    def warn(self, message, *args):
        now = time.monotonic()
        with self._lock:
            last, since = self._last.get(message, (None, 0))
            if last is not None and now - last < self.interval:
                self._last[message] = (last, since + 1)
                return
            self._last[message] = (now, 0)
        suffix = f" ({since} more since the last warning)" if since else ""
        self.logger.warning(message + suffix, *args)
