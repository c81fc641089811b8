"""A visitor signs a demo petition in Chromium: on a phone with JavaScript, and with JavaScript off.

Face surveillance counts a signature at once (no confirmation mail), so the count moves while one watches.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from campaigns.models.counter import signature_count
from campaigns.models.signature import Signature
from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser


def fill_form(page, email):
    page.get_by_role("textbox", name="First name").fill("Jane")
    page.get_by_role("textbox", name="Last name").fill("Doe")
    page.get_by_role("textbox", name="Email").fill(email)


def test_signing_with_javascript_stays_on_the_page_and_updates_the_count(chromium, demo_site):
    campaign = demo_site.page("face-surveillance")
    email = f"jane-{uuid.uuid4().hex[:8]}@example.org"
    with open_page(chromium, demo_site.url) as page:
        page.goto(demo_site.path("face-surveillance"))
        before = signature_count(campaign.translation_key)
        expect(page.locator("[data-petition] [data-signature-count]")).to_have_attribute(
            "data-signature-count", str(before)
        )
        # The honeypot is off-screen: people never see it (bots that fill every field do).
        box = page.locator(".petition-form__honeypot").bounding_box()
        assert box["x"] + box["width"] <= 0

        fill_form(page, email)
        page.get_by_role("button", name="Sign the petition").click()

        expect(page.locator("[data-petition-thanks]")).to_be_visible()
        expect(page.locator("[data-petition] [data-signature-count]")).to_have_attribute(
            "data-signature-count", str(before + 1)
        )
        # The count at the top of the page moves with the petition's.
        expect(page.locator(".campaign-hero [data-signature-count]")).to_have_attribute(
            "data-signature-count", str(before + 1)
        )
        assert page.url == demo_site.page_url("face-surveillance")  # no reload, no redirect
    assert Signature.objects.get(email=email).page_id == campaign.pk
    assert signature_count(campaign.translation_key) == before + 1


def test_signing_without_javascript_posts_and_lands_on_the_thank_you_page(chromium, demo_site):
    campaign = demo_site.page("face-surveillance")
    before = signature_count(campaign.translation_key)
    with open_page(chromium, demo_site.url, java_script_enabled=False) as page:
        page.goto(demo_site.path("face-surveillance"))
        fill_form(page, f"jane-{uuid.uuid4().hex[:8]}@example.org")
        page.get_by_role("button", name="Sign the petition").click()

        page.wait_for_url(re.compile(r"/thank-you/#petition-state$"))
        expect(page.get_by_text("Thank you for signing!")).to_be_visible()
    assert signature_count(campaign.translation_key) == before + 1


def test_the_confirmation_link_opens_a_page_whose_button_confirms(chromium, demo_site):
    """What a mail scanner fetches changes nothing; the person's press counts. The page hides its address
    from everyone (no-referrer), so Chromium posts the button with `Origin: null`, and it still works."""
    from django.core import mail

    ring = demo_site.page("amazon-ring")  # asks signers to confirm by email
    email = f"jane-{uuid.uuid4().hex[:8]}@example.org"
    with open_page(chromium, demo_site.url, java_script_enabled=False) as page:
        page.goto(demo_site.path("amazon-ring"))
        fill_form(page, email)
        page.get_by_role("button", name="Sign the petition").click()
        page.wait_for_url(re.compile(r"/thank-you/#petition-state$"))
        before = signature_count(ring.translation_key)
        message = next(message for message in mail.outbox if message.to == [email])
        link = re.search(r"https?://\S+(/en-us/sign/confirm/\S+/)", message.body).group(1)

        page.goto(link)
        expect(page.get_by_role("heading", name="Confirm your signature")).to_be_visible()
        assert signature_count(ring.translation_key) == before
        with page.expect_request(lambda request: request.method == "POST") as posted:
            page.get_by_role("button", name="Confirm my signature").click()

        expect(page.get_by_text("your signature is confirmed")).to_be_visible()
        sent = posted.value.all_headers()  # as they went on the wire
        assert (sent.get("origin"), sent.get("sec-fetch-site"), sent.get("referer")) == (
            "null",
            "same-origin",
            None,
        )
    assert signature_count(ring.translation_key) == before + 1
