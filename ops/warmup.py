"""Warm the web server up before it forks its workers, so that no visitor waits while a worker warms itself.

gunicorn loads the app once and forks every worker from it (config/gunicorn.py). Much of what a request needs
is made on first use and kept for the process's life: compiled templates, the URL patterns' expressions, the
site's structure, each language's country list and signing form, the email validator's expressions. A worker
that makes them itself spends its first second or so on them: a page view then takes 100-300 ms instead of a
few, and a first signature 170 ms instead of 2 (measured in-process; `make bench` saw it in its slowest
hundredth, and production sees it after every deploy and every recycled worker).

So before the fork the master renders each language's home page and campaign list, the campaigns published
last (their page and thank-you state) and validates one signing form, through the whole middleware stack,
uncached, as an anonymous visitor. The workers inherit the result. Nothing is written: the renders bypass the
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

from campaigns.forms import likely_country
from campaigns.pages import CampaignIndexPage, CampaignPage
from home.models import HomePage

logger = logging.getLogger(__name__)

# The campaigns published last, across languages, whose pages are rendered: the ones a spike lands on.
CAMPAIGNS = 10
# A query string the page cache does not ignore: the page is rendered, not read from the cache.
UNCACHED = "warm-up=1"
# What the signing form is validated with: every kind of field a signer fills in.
SIGNER = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "warm-up@example.org",
    "postal_code": "10001",
}


def warm_up(application):
    """Serve `application` (the WSGI app) the requests above; never raises."""
    try:
        campaigns = _campaigns()
        for root_url, path in _paths(campaigns):
            application(_environ(root_url, path), _ignore).close()  # as a server does: request_finished
        for campaign in campaigns[:1]:
            _validate_a_signature(campaign)
    except Exception:
        logger.warning("Warming up failed: each worker warms itself up as it serves.", exc_info=True)
    finally:
        # The workers must not share the master's database connections; each opens its own.
        connections.close_all()


def _campaigns():
    return list(CampaignPage.objects.live().public().order_by("-last_published_at")[:CAMPAIGNS])


def _paths(campaigns):
    """(root URL, path) of every page to render, each on its own site."""
    paths = []
    for page in [*HomePage.objects.live().public(), *CampaignIndexPage.objects.live().public(), *campaigns]:
        parts = page.get_url_parts()
        if parts is None or not validate_host(urlsplit(parts[1]).hostname or "", settings.ALLOWED_HOSTS):
            continue  # not routable, or on a site this server does not answer for
        _site, root_url, path = parts
        paths.append((root_url, path))
        if isinstance(page, CampaignPage):
            paths.append((root_url, path + page.reverse_subpage("thank_you")))
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


def _validate_a_signature(campaign):
    parts = campaign.get_url_parts()
    if parts is None:
        return
    _site, root_url, path = parts
    request = WSGIRequest(_environ(root_url, path, method="POST"))
    data = {**SIGNER, "country": likely_country(campaign.locale.language_code) or "US"}
    campaign.petition_form(request, data).is_valid()
