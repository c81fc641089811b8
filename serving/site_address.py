"""The default Wagtail Site's address follows BASE_URL.

Wagtail builds every absolute URL (canonical, og:url, hreflang, links in mails) from the Site row's
hostname and port, not from the request, so that row must say where the site really is. Wagtail derives
the scheme from the port: 80 is http, 443 is https, any other port is http.
"""

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Site

DEFAULT_PORTS = {"http": 80, "https": 443}


def address_of(base_url):
    """(hostname, port) of a BASE_URL such as https://campaigns.example.org or http://127.0.0.1:8600.

    Raises ValueError for an address a Wagtail Site cannot represent, with a message saying why.
    """
    parts = urlsplit(base_url or "")
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"BASE_URL must look like https://campaigns.example.org, not {base_url!r}.")
    if parts.path.strip("/"):
        raise ValueError(f"BASE_URL must be the site's root, without a path: {base_url!r}.")
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    if parts.scheme == "https" and port != 443:
        raise ValueError(
            f"BASE_URL {base_url!r}: Wagtail serves https only on port 443 (any other port means http)."
        )
    if parts.scheme == "http" and port == 443:
        raise ValueError(f"BASE_URL {base_url!r}: port 443 means https to Wagtail.")
    return parts.hostname, port


def point_default_site_at(base_url=None):
    """Give the default Site BASE_URL's hostname and port. Returns (site, changed); site is None when there
    is no default site yet (an empty database: the demo loader or an editor makes one, and this runs again
    at the next release or `make run`)."""
    hostname, port = address_of(base_url or settings.BASE_URL)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return site, False
    site.hostname, site.port = hostname, port
    site.save(
        update_fields=["hostname", "port"]
    )  # Wagtail's post_save handler clears its cached site root paths
    return site, True
