"""With a CDN configured, publishing purges the page in every language and the pages that list it."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.builders import build_campaign, build_index, build_site, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def purge_server():
    """A real HTTP server standing in for Varnish: it records every PURGE it receives."""
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
            received.append((self.headers["Host"], self.path))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, received
    server.shutdown()
    server.server_close()


def test_publishing_purges_every_language_of_the_page_and_its_listings(
    settings, purge_server, django_capture_on_commit_callbacks
):
    server, received = purge_server
    home = build_site()
    index = build_index(home)
    campaign = build_campaign(index)
    translate(home, "de", slug="start")
    translate(index, "de", slug="kampagnen")
    translate(campaign, "de", slug="amazon-ring-de")
    settings.WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": f"http://127.0.0.1:{server.server_port}",
        }
    }

    with django_capture_on_commit_callbacks(execute=True):
        campaign.title = "Ring: new title"
        campaign.save_revision().publish()

    paths = {path for _host, path in received}
    assert {
        "/en-us/campaigns/amazon-ring/",
        "/en-us/campaigns/amazon-ring/thank-you/",
        "/de/kampagnen/amazon-ring-de/",
        "/de/kampagnen/amazon-ring-de/thank-you/",
        "/en-us/campaigns/",
        "/en-us/",
        "/de/kampagnen/",
        "/de/",
    } <= paths
    assert all(host == "localhost" for host, _path in received)
