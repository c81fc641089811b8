"""Request handling for the whole site."""

from django.http import QueryDict
from django.urls import reverse

from serving.views import too_large, unreadable

# What the public site takes is a signature (a few hundred bytes of form fields) or the press of a button;
# a body much larger is not a person signing. The admin, which takes uploads, has no such bound.
PUBLIC_BODY_LIMIT = 64 * 1024


class BoundedBodyMiddleware:
    """A request to the public site whose body is larger than PUBLIC_BODY_LIMIT is refused (413) before
    any of it is read; one whose Content-Length is not a length at all is refused (400) anywhere.

    Without it, Django reads a form body of up to DATA_UPLOAD_MAX_MEMORY_SIZE before any view can refuse it,
    and streams a multipart file part of any size to a temporary file (a made-up CSRF cookie is all a client
    needs for that, on any URL). Django reads only as many bytes as the request announces, so a body that
    announces nothing (chunked) is read as empty; an announced length such as `abc` or `-1` would make it
    fail with a 500 when a form is read. Runs after LocaleMiddleware, so refusals are in the URL's language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        announced = request.META.get("CONTENT_LENGTH") or "0"
        try:
            length = int(announced)
        except ValueError:
            length = -1
        if length < 0:
            return unreadable(request)
        if length > PUBLIC_BODY_LIMIT and not request.path_info.startswith(reverse("wagtailadmin_home")):
            return too_large(request)
        return self.get_response(request)


class Utf8FormPostsMiddleware:
    """Form posts are read as UTF-8, and only as UTF-8.

    Django decodes a form post (application/x-www-form-urlencoded) whose bytes are not valid UTF-8 as
    Latin-1, so a misbehaving client's broken bytes would be stored as plausible mojibake ("JosÃ©"). Such
    a body is decoded here as UTF-8 with U+FFFD for each broken sequence, as Django already does for
    broken %-escapes and for multipart fields, so that forms see what could not be read and refuse it with
    a message (campaigns/formfields.py) instead of storing it. A post that names another charset is left
    to Django.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.content_type == "application/x-www-form-urlencoded"
            and (request.encoding or "utf-8").lower().replace("_", "-") in ("utf-8", "utf8")
        ):
            body = request.body
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                request.POST = QueryDict(body.decode("utf-8", errors="replace"), encoding="utf-8")
        return self.get_response(request)
