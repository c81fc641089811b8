"""The page cache: anonymous visitors get public pages whole from the cache, not rendered each time.

After a mailing, thousands of people open the same campaign page within minutes. Rendering it costs tens of
milliseconds; serving it from memory costs a fraction of one. This middleware, the outermost of all, serves a
cached copy when it may and stores the pages a view allows it to store.

Served from the cache (and stored), only when everything here holds:
- the request is a GET or HEAD from someone without a session cookie (editors who logged in always get a
  fresh render, and their pages are never stored), whose query string carries nothing but tracking
  parameters (utm_* and the like, which the page's own script reads in the browser);
- the view marked the request cacheable (`allow(request)`: campaigns.views does it for public pages, never
  for previews), and answered 200 without setting a cookie or varying on one.

Correctness:
- Every entry names the content generation it was rendered in (serving.generation); an entry of another
  generation is never served, so a publish anywhere is seen at once by every process sharing the cache.
- An entry is fresh for FRESH seconds (the count on it is never older than that, plus STALE seconds while one
  request re-renders it and the others keep getting the copy), and never past the next moment a campaign
  closes by date (serving.site_structure.next_change_at): at that moment the form disappears with no publish.
- Responses carry CDN-ready headers: `public, max-age, stale-while-revalidate, stale-if-error` when cached,
  `private, no-store` on anything else that did not say otherwise (personal pages, posts, errors).

Each process keeps the entries it served last in memory too (LOCAL_ENTRIES of them), so a hit costs one small
read of the generation from the shared cache, not a transfer of the page. When the shared cache fails (Redis
down), pages are rendered as if nothing were cached: slower, never wrong.
"""

import hashlib
import threading
import time
from collections import OrderedDict
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control

from ops import process_memory
from serving import generation, site_structure

FRESH = 8  # seconds an entry is served as is
STALE = 2  # seconds more it may be served while one request re-renders it
STALE_IF_ERROR = 24 * 3600  # a CDN may keep serving a copy this long while the site is down
LOCAL_ENTRIES = 200
# Query parameters that only say where a visitor came from: pages render the same without them.
TRACKING_PARAMETERS = frozenset(
    (
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "utm_term",
        "utm_content",
        "fbclid",
        "gclid",
        "mc_cid",
        "mc_eid",
    )
)
SAFE_METHODS = ("GET", "HEAD")
# Response headers kept with an entry; the rest (Date, Content-Length) are made anew when it is served.
KEPT_HEADERS_EXCLUDED = frozenset(("date", "content-length", "cache-control", "etag", "age"))

_local = process_memory.remembered("serving.pagecache", OrderedDict())
_local_lock = threading.Lock()  # threaded gunicorn workers share it


def allow(request):
    """Called by a view: this request's 200 answer is the same for every anonymous visitor and may be stored."""
    request.page_cache_allowed = True


def _cacheable_request(request):
    if request.method not in SAFE_METHODS or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    return all(
        name in TRACKING_PARAMETERS for name, _value in parse_qsl(request.META.get("QUERY_STRING", ""))
    )


def _key(request):
    # Scheme and host: an http:// request must still reach the HTTPS redirect, and sites differ by host.
    return f"page:{request.scheme}://{request.get_host()}{request.path}"


def _cacheable_response(request, response):
    if not getattr(request, "page_cache_allowed", False) or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or response.has_header("Set-Cookie"):
        return False
    vary = response.get("Vary", "").lower()
    cache_control = response.get("Cache-Control", "").lower()
    return "cookie" not in vary and "private" not in cache_control and "no-store" not in cache_control


class Entry:
    """A stored page: what the view answered, and until when it may be served."""

    __slots__ = ("generation", "stored_at", "fresh_until", "expires_at", "status", "headers", "body", "etag")

    def __init__(self, number, stored_at, fresh_until, expires_at, status, headers, body):
        self.generation = number
        self.stored_at = stored_at
        self.fresh_until = fresh_until
        self.expires_at = expires_at
        self.status = status
        self.headers = headers
        self.body = body
        self.etag = f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"'

    def __getstate__(self):
        return tuple(getattr(self, name) for name in self.__slots__)

    def __setstate__(self, state):
        for name, value in zip(self.__slots__, state, strict=True):
            setattr(self, name, value)

    def response(self, request, now):
        if request.headers.get("If-None-Match") == self.etag:
            response = HttpResponseNotModified()
        else:
            response = HttpResponse(b"" if request.method == "HEAD" else self.body, status=self.status)
            for name, value in self.headers:
                response[name] = value
            response["Content-Length"] = str(len(self.body))
        response["ETag"] = self.etag
        _public_headers(response, max(0, int(self.fresh_until - now)))
        response["Age"] = str(max(0, int(now - self.stored_at)))
        response.page_cache = "hit"
        return response


def _public_headers(response, max_age):
    patch_cache_control(
        response,
        public=True,
        max_age=max_age,
        stale_while_revalidate=STALE,
        stale_if_error=STALE_IF_ERROR,
    )


def _lookup(key, number, now):
    entry = _local.get(key)
    if entry is None or entry.generation != number or now >= entry.fresh_until:
        shared = cache.get(key)
        if shared is not None and shared.generation == number and now < shared.expires_at:
            entry = shared
            _remember(key, entry)
    if entry is None or entry.generation != number or now >= entry.expires_at:
        return None
    return entry


def _remember(key, entry):
    with _local_lock:
        _local[key] = entry
        _local.move_to_end(key)
        while len(_local) > LOCAL_ENTRIES:
            _local.popitem(last=False)


def _store(request, key, number, response, now):
    change_at = site_structure.for_request(request).next_change_at(now)
    fresh_until = min(now + FRESH, change_at) if change_at else now + FRESH
    expires_at = min(fresh_until + STALE, change_at) if change_at else fresh_until + STALE
    headers = [(name, value) for name, value in response.items() if name.lower() not in KEPT_HEADERS_EXCLUDED]
    entry = Entry(number, now, fresh_until, expires_at, response.status_code, headers, response.content)
    cache.set(key, entry, timeout=max(1, int(expires_at - now) + 1))
    _remember(key, entry)
    response["ETag"] = entry.etag
    _public_headers(response, max(0, int(fresh_until - now)))


class PageCacheMiddleware:
    """Serve and store anonymous visitors' pages (see the module's docstring). Must come first in MIDDLEWARE,
    so that a stored page carries every header the other middleware add, and a hit skips them all."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self._uncached(request, self.get_response(request))
        key = _key(request)
        number = generation.for_request(request)
        now = time.time()
        entry = _lookup(key, number, now)
        if entry is not None:
            if now < entry.fresh_until or not cache.add(f"{key}:rendering", 1, timeout=STALE):
                return entry.response(request, now)
        response = self.get_response(request)
        if _cacheable_response(request, response):
            _store(request, key, number, response, now)
            response.page_cache = "miss"
            return response
        return self._uncached(request, response)

    @staticmethod
    def _uncached(request, response):
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
