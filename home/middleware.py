"""Request handling for the whole site."""

from django.http import QueryDict


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
