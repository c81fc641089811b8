"""The site's page view and the refusals that come before any page is involved.

`serve_page` is Wagtail's page view with two changes every public page needs: a cross-site post is refused by
its origin (serving.origin) rather than a CSRF token, which a cached, shared page cannot carry, and the page
is found in the site structure's memory (serving.site_structure) rather than by a query per level. The
refusals answer JSON to static/js/petition.js (`Accept: application/json`) and a short page to a browser.
"""

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from wagtail.views import serve as wagtail_serve

from ops.errors import wants_json
from serving import origin, pagecache, site_structure

# Methods that change nothing (RFC 9110): the only ones a post-taking check lets through without looking.
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
READ_METHODS = ("GET", "HEAD")


def refusal(request, status, message, template="campaigns/forbidden.html"):
    """A refusal before any page is involved: JSON for petition.js, a short page for a browser."""
    if wants_json(request):
        return JsonResponse({"ok": False, "errors": {"__all__": [message]}}, status=status)
    return render(request, template, {"message": message}, status=status)


def not_allowed(request, allowed):
    """405, naming the methods the address takes."""
    response = refusal(request, 405, _("This page cannot be used that way."))
    response["Allow"] = ", ".join(allowed)
    return response


@csrf_exempt
def serve_page(request, path):
    """Wagtail's page view, protected against cross-site posts by their origin instead of a CSRF token.

    Campaign pages are cached and shared between visitors, so their form cannot carry a per-visitor token
    (serving.origin explains the check that replaces it). The check covers every page served here, so no
    page loses protection by sharing this route. Only pages that take posts (`takes_posts`) take anything
    but GET and HEAD (a post's body was bounded before it was read: serving.middleware.BoundedBodyMiddleware).
    """
    if request.method not in SAFE_METHODS and not origin.is_same_origin(request):
        return refusal(request, 403, _("This form was sent from another website, so it was not accepted."))
    # Wagtail's serve() takes the route found here (Page.route_for_request reads this attribute), so the
    # page comes from the site structure's memory in one query instead of one per level of the tree.
    structure = site_structure.for_request(request)
    try:
        request._wagtail_route_for_request = structure.route(request, path)
    except Http404:
        request._wagtail_route_for_request = None
        return wagtail_serve(request, path)  # Wagtail's 404 (and the redirects middleware after it)
    page = request._wagtail_route_for_request[0]
    if request.method in READ_METHODS:
        if structure.is_public(page):
            pagecache.allow(request)
    elif request.method != "POST" or not getattr(page, "takes_posts", False):
        return not_allowed(
            request, ["GET", "HEAD", "POST"] if getattr(page, "takes_posts", False) else READ_METHODS
        )
    return wagtail_serve(request, path)


def too_large(request):
    """The refusal of a body far larger than a signature (serving.middleware.BoundedBodyMiddleware, before any
    of it is read)."""
    return refusal(request, 413, _("What was sent is far too large for a signature, so it was not accepted."))


def unreadable(request):
    """The refusal of a request whose announced length is no length (serving.middleware.BoundedBodyMiddleware)."""
    return refusal(request, 400, _("What was sent could not be read, so it was not accepted."))
