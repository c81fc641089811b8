"""Warm the web server up before it forks its workers, so that no visitor waits while a worker warms itself.

gunicorn loads the app once and forks every worker from it (config/gunicorn.py). Much of what a request needs
is made on first use and kept for the process's life: compiled templates, the URL patterns' expressions, the
site's structure, each language's country list and signing form, the email validator's expressions. A worker
that makes them itself spends its first second or so on them: a page view then takes 100-300 ms instead of a
few, and a first signature 170 ms instead of 2 (measured in-process; `make bench` saw it in its slowest
hundredth, and production sees it after every deploy and every recycled worker).

So before the fork the master renders each language's home page and the pages right below it (the campaign
list), the pages that take posts published last (the petitions: their page and the routes they name in
`warm_up_routes`, the thank-you state) and has the latest one check a typical post (`warm_up_post`: the
signing form validated, nothing stored), through the whole middleware stack, uncached, as an anonymous
visitor. It knows pages only through Wagtail and those two documented attributes, so ops imports no app. The workers inherit the result. Nothing is written: the renders bypass the
page cache, and the form is only validated. If the database is not reachable yet, the workers start cold, as
before, and a warning says so.
"""

import io
import logging
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections
from django.http.request import validate_host
from wagtail.models import Page, get_page_models

logger = logging.getLogger(__name__)

# The pages taking posts (petitions) published last, across languages, that are rendered: a spike lands there.
LATEST = 10
# A query string the page cache does not ignore: the page is rendered, not read from the cache.
UNCACHED = "warm-up=1"


def warm_up(application):
    """Serve `application` (the WSGI app) the requests above; never raises."""
    try:
        latest = _latest_taking_posts()
        for root_url, path in _paths(latest):
            application(_environ(root_url, path), _ignore).close()  # as a server does: request_finished
        for page in latest[:1]:
            _check_a_post(page)
    except Exception:
        logger.warning("Warming up failed: each worker warms itself up as it serves.", exc_info=True)
    finally:
        # The workers must not share the master's database connections; each opens its own.
        connections.close_all()


def _latest_taking_posts():
    models = [model for model in get_page_models() if getattr(model, "takes_posts", False)]
    pages = Page.objects.live().public().type(*models).order_by("-last_published_at")[:LATEST]
    return [page.specific for page in pages] if models else []


def _paths(latest):
    """(root URL, path) of every page to render, each on its own site."""
    paths = []
    taking_posts = {page.pk for page in latest}
    homes_and_lists = Page.objects.live().public().filter(depth__in=(2, 3)).exclude(pk__in=taking_posts)
    for page in [*homes_and_lists.order_by("depth", "path"), *latest]:
        parts = page.get_url_parts()
        if parts is None or not validate_host(urlsplit(parts[1]).hostname or "", settings.ALLOWED_HOSTS):
            continue  # not routable, or on a site this server does not answer for
        _site, root_url, path = parts
        paths.append((root_url, path))
        for route in getattr(page, "warm_up_routes", ()):
            paths.append((root_url, path + page.reverse_subpage(route)))
    return paths


def _environ(root_url, path, method="GET"):
    address = urlsplit(root_url)
    return {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": UNCACHED,
        "SERVER_NAME": address.hostname,
        "SERVER_PORT": str(address.port or (443 if address.scheme == "https" else 80)),
        "HTTP_HOST": address.netloc,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": address.scheme,
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
    }


def _ignore(status, headers, exc_info=None):
    return lambda data: None


def _check_a_post(page):
    parts = page.get_url_parts()
    if parts is None or not hasattr(page, "warm_up_post"):
        return
    _site, root_url, path = parts
    page.warm_up_post(WSGIRequest(_environ(root_url, path, method="POST")))
