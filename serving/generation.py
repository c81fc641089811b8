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

KEY = "site-generation"
# The generation never expires; a cache that evicts it anyway makes a fresh one below.
TIMEOUT = None
REFRESH = 1.0  # seconds a process trusts the value it read last

_known = None  # (value, time.monotonic() when read or set here)


def _fresh():
    """A value no earlier generation can have had, even if the cache lost the key: nanoseconds plus noise."""
    return time.time_ns() + random.randrange(1000)


def current():
    """The generation now (as read at most REFRESH seconds ago). Creates one if the shared cache has none
    (first start, eviction, flush)."""
    global _known
    now = time.monotonic()
    if _known is not None and now - _known[1] < REFRESH:
        return _known[0]
    value = cache.get(KEY)
    if value is None:
        value = _fresh()
        if not cache.add(KEY, value, timeout=TIMEOUT):
            value = cache.get(KEY, value)
    _known = (value, now)
    return value


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
    global _known
    value = _fresh()
    cache.set(KEY, value, timeout=TIMEOUT)
    _known = (value, time.monotonic())
