"""What a visitor gets when the database is unreachable: a 503 in their language that says to come back
shortly, with Retry-After (JSON for petition.js and other JSON clients), never a 500 or a traceback.

Django hands every uncaught exception, from a view or from any middleware, to `handler500`
(config/urls.py); this one answers 503 when the exception says the database cannot be reached and
Django's own 500 otherwise. Nothing here touches the database. Django closes a broken connection at the
end of the request, so the next request connects again: the site recovers by itself when the database
returns, with no restart.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from ops.throttle import ThrottledWarning

RETRY_AFTER = 30  # seconds: long enough for a failover or a restart, short enough to feel like "soon"

logger = logging.getLogger(__name__)
warning = ThrottledWarning(logger)


def is_database_unavailable(error):
    """OperationalError: could not connect, connection lost, server shutting down, a statement cancelled.
    InterfaceError: a connection that was already closed. Programming errors are bugs, and stay 500s."""
    return isinstance(error, OperationalError | InterfaceError)


def server_error(request, template_name="500.html"):
    error = sys.exc_info()[1]  # handler500 runs inside Django's `except` around the failed request
    if not is_database_unavailable(error):
        return defaults.server_error(request, template_name)
    warning.warn("Database unavailable (%s): answering 503", type(error).__name__)
    response = service_unavailable(request)
    response._has_been_logged = True  # logged above, once a minute, instead of a traceback per request
    return response


def wants_json(request):
    """Whether the client prefers JSON to HTML (static/js/petition.js asks for it). Only an Accept header that
    names JSON or all application types can prefer it: petition.js's and any other, a browser's included, are
    answered without parsing them (Django's parsing cost a signature twenty microseconds)."""
    accept = request.META.get("HTTP_ACCEPT", "")
    if accept == "application/json":
        return True  # what petition.js sends
    if "json" not in accept and "application/*" not in accept:
        return False
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def service_unavailable(request):
    language = translation.get_language_from_request(request, check_path=True)
    with translation.override(language):
        if wants_json(request):
            message = _(
                "The site is briefly unavailable, so nothing was saved. Please try again in a minute."
            )
            response = JsonResponse({"ok": False, "errors": {"__all__": [message]}}, status=503)
        else:
            html = render_to_string("503.html")
            response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"  # a CDN keeps serving its stale copy instead (stale-if-error)
    response["Content-Language"] = language
    return response
