"""Signing on a page served from the page cache (serving/pagecache.py), in Chromium, with and without JavaScript.

The cached HTML is the same for everyone: no CSRF token, no visitor's utm_* parameters. Signing must still
work, and the source of a signer who came from a newsletter link must still be recorded (petition.js reads
the page's own URL).
"""

import re

import pytest
from playwright.sync_api import expect

from campaigns.models.counter import signature_count
from campaigns.models.signature import Signature
from tests.builders import build_campaign, build_index, build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def cached_campaign(live_server):
    ring = build_campaign(build_index(build_site()))
    url = f"{live_server.url}{ring.url}"
    # Someone else opened the page first: it is now in the cache, as it is for everyone after a mailing.
    import urllib.request

    for _ in range(2):
        with urllib.request.urlopen(url) as response:
            cache_control = response.headers["Cache-Control"]
    assert "public" in cache_control
    return ring, url


def fill_form(page, email):
    page.get_by_role("textbox", name="First name").fill("Jane")
    page.get_by_role("textbox", name="Last name").fill("Doe")
    page.get_by_role("textbox", name="Email").fill(email)


def test_signing_with_javascript_on_a_cached_page_records_where_the_signer_came_from(phone, cached_campaign):
    ring, url = cached_campaign
    response = phone.goto(f"{url}?utm_source=newsletter&utm_campaign=ring-mailing")
    assert "age" in response.headers  # served from the cache (a fresh render has no Age)

    fill_form(phone, "jane@example.org")
    phone.get_by_role("button", name="Sign the petition").click()

    expect(phone.locator("[data-petition-thanks]")).to_be_visible()
    expect(phone.locator("[data-petition] [data-signature-count]")).to_have_text("1")
    signature = Signature.objects.get()
    assert signature.source == {"utm_source": "newsletter", "utm_campaign": "ring-mailing"}
    assert signature_count(ring.translation_key) == 1


def test_signing_without_javascript_on_a_cached_page(no_js, cached_campaign):
    ring, url = cached_campaign
    response = no_js.goto(url)
    assert "age" in response.headers

    fill_form(no_js, "joe@example.org")
    no_js.get_by_role("button", name="Sign the petition").click()

    no_js.wait_for_url(re.compile(r"/thank-you/#petition-state$"))
    expect(no_js.get_by_text("Thank you for signing!")).to_be_visible()
    assert Signature.objects.get().email == "joe@example.org"
    assert signature_count(ring.translation_key) == 1
