"""The site's content generation: one number, kept in the shared cache, that changes whenever a page changes.

Everything public pages show depends on more than the page itself: a listing shows other pages, the header
links to each language's home, the language switcher and hreflang links name every translation. Working out
which cached pages one edit touches is error-prone, so the whole site is treated as one unit: any change
that may alter what a visitor sees (serving.invalidation lists them) moves the generation, and every cached page
and every per-process memo of the site's structure (serving.site_structure) names the generation it was built
for. An entry of another generation is never served.

The generation lives in the default cache, shared by every app process when REDIS_URL is set. Each process
reads it at most once every REFRESH seconds (a page view served from the cache then costs no network round
trip at all), so a publish in one process is seen by the others within a second, and by itself at once.
Without Redis each process has its own (local memory): other processes then see a change when their cached
copies expire (serving.pagecache keeps them seconds).
"""

import random
import time

from django.core.cache import cache

from ops import process_memory

KEY = "site-generation"
# The generation never expires; a cache that evicts it anyway makes a fresh one below.
TIMEOUT = None
REFRESH = 1.0  # seconds a process trusts the value it read last


def _fresh():
    """A value no earlier generation can have had, even if the cache lost the key: nanoseconds plus noise."""
    return time.time_ns() + random.randrange(1000)


class Version:
    """A number in the shared cache under `key` that changes (`bump`) whenever what it versions changes. Each
    process reads it at most once every REFRESH seconds. The site's content generation is one (SITE); other
    per-process memories that follow their own data have their own (webhooks.delivery's endpoints), so a
    change there does not empty the page cache."""

    def __init__(self, key):
        self.key = key
        self._known = None  # (value, time.monotonic() when read or set here)
        process_memory.register(f"serving.generation:{key}", self.forget)

    def forget(self):
        self._known = None

    def current(self):
        """The value now (as read at most REFRESH seconds ago). Creates one if the shared cache has none
        (first start, eviction, flush)."""
        now = time.monotonic()
        known = self._known
        if known is not None and now - known[1] < REFRESH:
            return known[0]
        value = cache.get(self.key)
        if value is None:
            value = _fresh()
            if not cache.add(self.key, value, timeout=TIMEOUT):
                value = cache.get(self.key, value)
        self._known = (value, now)
        return value

    def bump(self):
        """Start a new value: everything remembered for the old one is dropped."""
        value = _fresh()
        cache.set(self.key, value, timeout=TIMEOUT)
        self._known = (value, time.monotonic())


SITE = Version(KEY)


def current():
    """The site's content generation now (see Version.current)."""
    return SITE.current()


def for_request(request):
    """The generation, read once per request: a page renders against one consistent view of the site."""
    if request is None:
        return current()
    value = getattr(request, "_site_generation", None)
    if value is None:
        value = request._site_generation = current()
    return value


def bump():
    """Start a new generation: every cached page and structure memo of the old one is dropped."""
    SITE.bump()
