"""The site's content generation: one number, kept in the shared cache, that changes whenever a page changes.

Everything public pages show depends on more than the page itself: a listing shows other pages, the header
links to each language's home, the language switcher and hreflang links name every translation. Working out
which cached pages one edit touches is error-prone, so the whole site is treated as one unit: any change
that may alter what a visitor sees (home.invalidation lists them) moves the generation, and every cached page
and every per-process memo of the site's structure (home.site_structure) names the generation it was built
for. An entry of another generation is never served.

The generation lives in the default cache, shared by every app process when REDIS_URL is set, so a publish
in one process is seen by all at their next request. Without Redis each process has its own (local memory):
other processes then see a change when their cached copies expire (home.pagecache keeps them seconds).
"""

import random
import time

from django.core.cache import cache

KEY = "site-generation"
# The generation never expires; a cache that evicts it anyway makes a fresh one below.
TIMEOUT = None


def _fresh():
    """A value no earlier generation can have had, even if the cache lost the key: nanoseconds plus noise."""
    return time.time_ns() + random.randrange(1000)


def current():
    """The generation now. Creates one if the shared cache has none (first start, eviction, flush)."""
    value = cache.get(KEY)
    if value is None:
        value = _fresh()
        if not cache.add(KEY, value, timeout=TIMEOUT):
            value = cache.get(KEY, value)
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
    cache.set(KEY, _fresh(), timeout=TIMEOUT)
