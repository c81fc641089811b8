"""Middleware every response passes through: a request id, and the headers that tell browsers what a page
may do (Content-Security-Policy and Permissions-Policy)."""

import re
import uuid

from csp.middleware import CSPMiddleware
from django.conf import settings

from ops.logs import REQUEST_ID

# What a trusted proxy may send as X-Request-ID: short, and nothing that could forge a log line.
REQUEST_ID_FORMAT = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give each request an id: the load balancer's X-Request-ID when TRUSTED_PROXIES says one is in
    front (so its logs and ours match), a new random one otherwise. Every log line written while the request
    is served carries it (ops.logs), and the response returns it in X-Request-ID.

    The id stays set until the response is finished (ops.apps clears it on request_finished), because
    Django logs a 4xx or 5xx response after the last middleware has returned."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "") if settings.TRUSTED_PROXIES else ""
        request_id = incoming if REQUEST_ID_FORMAT.match(incoming) else uuid.uuid4().hex
        REQUEST_ID.set(request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


def forget_request_id(**kwargs):
    REQUEST_ID.set("-")


def is_admin(request):
    """A page of the admin, or a page previewed inside it: Wagtail renders a preview through the middleware
    with a dummy request for the page's public URL, and shows the result in a frame of the editor."""
    return request.path_info.startswith(f"/{settings.ADMIN_PATH}/") or getattr(request, "is_dummy", False)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (settings.CONTENT_SECURITY_POLICY) on every page; on the Wagtail admin's pages
    the directives in settings.ADMIN_CONTENT_SECURITY_POLICY replace the public ones: the admin needs inline
    scripts and styles and frames its own previews, the public site needs none of that.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and is_admin(request):
            parts.replace = {**settings.ADMIN_CONTENT_SECURITY_POLICY, **(parts.replace or {})}
        return parts


class PermissionsPolicyMiddleware:
    """Permissions-Policy: browser features a campaign site never uses (camera, microphone, location,
    payment…) are denied to the page and anything it embeds, so injected or third-party code cannot ask."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENY)

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.header)
        return response
