"""Where an unsafe request comes from: the site's protection against cross-site posts, without a CSRF token."""

from urllib.parse import urlsplit

from django.conf import settings


def is_same_origin(request, *, withheld_origin_ok=False):
    """Whether an unsafe request (a POST) was sent by a page of this site: CSRF protection without a token.

    Django's CSRF token cannot protect a page whose HTML is cached and shared: the cached form carries
    the token of whoever filled the cache, matching nobody else's cookie, so real signers would get 403.
    Instead we check where the request comes from, as browsers report it and a forging page cannot change:
    1. `Origin`, sent by every current browser on a cross-origin POST (and on same-origin POSTs from
       forms and fetch), must be this site's scheme and host, or one of CSRF_TRUSTED_ORIGINS.
       `Origin: null` means the browser withheld it: a page of ours whose Referrer-Policy is no-referrer
       (the confirmation page) posts so, but so do a sandboxed frame and a data: URL anywhere. Then
       `Sec-Fetch-Site` must say same-origin; a browser too old to send it is refused, unless the caller
       says `withheld_origin_ok` because the request carries its own proof (a confirmation link's token).
    2. Without `Origin`, `Sec-Fetch-Site` must say same-origin (or none: the person typed it).
    3. Without either, a `Referer`, if sent, must point at this site.
    A request carrying none of the three does not come from a browser a forger could steer (it is curl, a
    test, or a very old browser); it is let through, and the rate limit and the one-signature-per-address
    rule apply to it as to anyone. Signing reads no cookie, so there is no ambient authority to abuse.
    """
    here = f"{request.scheme}://{request.get_host()}"
    trusted = {here, *settings.CSRF_TRUSTED_ORIGINS}
    origin = request.headers.get("Origin")
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if origin == "null":
        return fetch_site == "same-origin" if fetch_site is not None else withheld_origin_ok
    if origin is not None:
        return origin in trusted
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" in trusted
    return True
