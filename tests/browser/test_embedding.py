"""A partner's page embeds a demo petition in Chromium (campaigns/embedding.py).

The partner's page is served by a tiny http.server of its own: `http://localhost:<port>` is the listed partner
(another site than the demo's `http://127.0.0.1:<port>`, so the frame is a third-party context where this
site's SameSite cookies are not sent), and the very same page at `http://127.0.0.1:<port>` is a site nobody
listed. The partner's page holds exactly the snippet the admin shows an editor.
"""

import re
import threading
import uuid
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from campaigns.embedding import EmbedPartner, snippets
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import Signature
from tests.browser.checks import assert_accessible
from tests.browser.conftest import open_page, screenshot

pytestmark = pytest.mark.browser

PARTNER_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Privacy Alliance</title></head>
<body><h1>Privacy Alliance</h1><p>Our members back this petition.</p>
{snippet}
<p id="below">After the petition.</p>
</body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def partner_site(tmp_path):
    """A second web server on this machine: its port, serving whatever the test writes to partner.html."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.folder = tmp_path
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def embedded_ring(demo_site, partner_site):
    """The demo's Ring petition, embeddable by the partner's http://localhost:<port> only; off again after."""
    port = partner_site.server_address[1]
    page = demo_site.page("amazon-ring")
    page.embed_enabled = True
    page.embed_partners = [EmbedPartner(name="Privacy Alliance", origin=f"http://localhost:{port}")]
    page.save_revision().publish()
    page = CampaignPage.objects.get(pk=page.pk)
    (snippet,) = [s for s in snippets(page) if s.language_code == "en-us"]
    (partner_site.folder / "partner.html").write_text(PARTNER_PAGE.format(snippet=snippet.code))
    try:
        yield page, f"http://localhost:{port}", f"http://127.0.0.1:{port}"
    finally:
        page.embed_enabled = False
        page.embed_partners = []
        page.save_revision().publish()


def fill_form(frame, email):
    frame.get_by_role("textbox", name="First name").fill("Jane")
    frame.get_by_role("textbox", name="Last name").fill("Doe")
    frame.get_by_role("textbox", name="Email").fill(email)


def frame_heights(page):
    """(the iframe's height on the partner's page, the height of the petition inside it)."""
    outer = page.locator("iframe[data-campaigns-embed]").evaluate(
        "frame => frame.getBoundingClientRect().height"
    )
    inner = (
        page.frame_locator("iframe[data-campaigns-embed]")
        .locator("html")
        .evaluate("html => Math.ceil(html.getBoundingClientRect().height)")
    )
    return round(outer), inner


def test_a_visitor_signs_in_the_partners_frame_which_fits_the_petition(chromium, demo_site, embedded_ring):
    ring, partner, _unlisted = embedded_ring
    email = f"jane-{uuid.uuid4().hex[:8]}@example.org"
    with open_page(chromium, demo_site.url, allow=[partner]) as page:
        page.goto(f"{partner}/partner.html?utm_source=alliance-newsletter")
        frame = page.frame_locator("iframe[data-campaigns-embed]")
        expect(frame.get_by_role("button", name="Sign the petition")).to_be_visible()
        # The frame grew from the snippet's 760 px to the whole form: nothing scrolls inside it.
        page.wait_for_function(
            "() => document.querySelector('iframe[data-campaigns-embed]').style.height !== ''"
        )
        outer, inner = frame_heights(page)
        assert outer == inner and outer != 760
        screenshot(page, "embed-partner-form")
        (inner,) = [f for f in page.frames if f != page.main_frame]
        assert_accessible(inner, where="the embedded petition's form")
        assert frame.locator("header, footer").count() == 0  # the petition alone, not the site

        fill_form(frame, email)
        frame.get_by_role("button", name="Sign the petition").click()

        expect(frame.get_by_role("heading", name="Thank you for signing!")).to_be_visible()
        page.wait_for_function(
            """(before) => {
                const frame = document.querySelector('iframe[data-campaigns-embed]');
                return Math.round(frame.getBoundingClientRect().height) !== before;
            }""",
            arg=outer,
        )
        outer_after, inner_after = frame_heights(page)
        assert outer_after == inner_after  # resized again for the thank-you state
        screenshot(page, "embed-partner-thanks")
        assert_accessible(inner, where="the embedded petition's thank-you state")
        assert page.url == f"{partner}/partner.html?utm_source=alliance-newsletter"  # the visitor stayed

    signature = Signature.objects.get(email=email)
    assert signature.campaign_key == ring.translation_key
    assert signature.source["partner"] == "Privacy Alliance"
    assert signature.source["partner_origin"] == partner
    assert signature.consent_text == ring.consent_text


def test_without_javascript_the_frame_still_signs_and_thanks_inside_it(chromium, demo_site, embedded_ring):
    ring, partner, _unlisted = embedded_ring
    email = f"jane-{uuid.uuid4().hex[:8]}@example.org"
    with open_page(chromium, demo_site.url, allow=[partner], java_script_enabled=False) as page:
        page.goto(f"{partner}/partner.html")
        frame = page.frame_locator("iframe[data-campaigns-embed]")
        fill_form(frame, email)
        frame.get_by_role("button", name="Sign the petition").click()

        expect(frame.get_by_role("heading", name="Thank you for signing!")).to_be_visible()
        (inner,) = [f for f in page.frames if f != page.main_frame]
        assert re.search(r"/en-us/embed/[0-9a-f-]+/from/localhost-\d+/thank-you/#petition-state$", inner.url)
        assert page.url == f"{partner}/partner.html"
    assert Signature.objects.get(email=email).source["partner"] == "Privacy Alliance"


def test_a_site_nobody_listed_cannot_frame_the_petition(chromium, demo_site, embedded_ring):
    _ring, partner, unlisted = embedded_ring
    refused = []
    with open_page(chromium, demo_site.url, allow=[unlisted]) as page:
        page.on(
            "console",
            lambda message: refused.append(message.text) if "frame-ancestors" in message.text else None,
        )
        page.goto(f"{unlisted}/partner.html")
        page.wait_for_load_state("load")
        expect(page.locator("#below")).to_be_visible()

        (inner,) = [f for f in page.frames if f != page.main_frame]
        assert inner.locator("form").count() == 0
        assert "Sign the petition" not in inner.content()
    assert refused and partner in refused[0]
