"""A visitor signs the Ring petition in Chromium: on a phone with JavaScript, and with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.signatures import Signature, signature_count
from tests.builders import build_campaign, build_index, build_site

# The live server runs in another thread, so the test's data must be committed (tests/builders.py
# recreates what a flush removes: the root page and the locales).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign_url(live_server):
    ring = build_campaign(build_index(build_site()), signature_goal=1000)
    return ring, f"{live_server.url}/en-us/campaigns/amazon-ring/"


def fill_form(page, email="jane@example.org"):
    page.get_by_role("textbox", name="First name").fill("Jane")
    page.get_by_role("textbox", name="Last name").fill("Doe")
    page.get_by_role("textbox", name="Email").fill(email)


def test_signing_with_javascript_stays_on_the_page_and_updates_the_count(phone, campaign_url):
    ring, url = campaign_url
    phone.goto(url)
    expect(phone.locator("[data-signature-count]")).to_have_text("0")
    # The honeypot is off-screen: people never see it (bots that fill every field do).
    box = phone.locator(".petition-form__honeypot").bounding_box()
    assert box["x"] + box["width"] <= 0

    fill_form(phone)
    phone.get_by_role("button", name="Sign the petition").click()

    expect(phone.locator("[data-petition-thanks]")).to_be_visible()
    expect(phone.locator("[data-signature-count]")).to_have_text("1")
    assert phone.url == url  # no reload, no redirect
    assert Signature.objects.get().email == "jane@example.org"
    assert signature_count(ring.translation_key) == 1


def test_mistakes_are_shown_next_to_their_field_without_a_reload(phone, campaign_url):
    _, url = campaign_url
    phone.goto(url)
    fill_form(phone, email="not-an-address")
    # Let the server judge the address, as it would for a browser without validation.
    phone.locator("form[data-petition-form]").evaluate("form => form.noValidate = true")
    phone.get_by_role("button", name="Sign the petition").click()

    email = phone.get_by_role("textbox", name="Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    error_id = email.get_attribute("aria-describedby").split()[-1]
    expect(phone.locator(f"#{error_id}")).to_contain_text(re.compile("email", re.I))
    assert not Signature.objects.exists()


def test_signing_without_javascript_posts_and_lands_on_the_thank_you_page(no_js, campaign_url):
    ring, url = campaign_url
    no_js.goto(url)
    fill_form(no_js)
    no_js.get_by_role("button", name="Sign the petition").click()

    no_js.wait_for_url(re.compile(r"/thank-you/$"))
    expect(no_js.get_by_text("Thank you for signing!")).to_be_visible()
    assert signature_count(ring.translation_key) == 1


def test_the_confirmation_link_opens_a_page_whose_button_confirms(no_js, live_server, campaign_url):
    """What a mail scanner fetches changes nothing; the person's press counts. The page hides its address
    from everyone (no-referrer), so Chromium posts the button with `Origin: null`, and it still works."""
    from django.core import mail

    ring, url = campaign_url
    ring.confirmation_required = True
    ring.save_revision().publish()
    no_js.goto(url)
    fill_form(no_js)
    no_js.get_by_role("button", name="Sign the petition").click()
    no_js.wait_for_url(re.compile(r"/thank-you/$"))
    link = re.search(r"https?://\S+(/en-us/sign/confirm/\S+/)", mail.outbox[0].body).group(1)

    no_js.goto(live_server.url + link)
    expect(no_js.get_by_role("heading", name="Confirm your signature")).to_be_visible()
    assert signature_count(ring.translation_key) == 0
    with no_js.expect_request(lambda request: request.method == "POST") as posted:
        no_js.get_by_role("button", name="Confirm my signature").click()

    expect(no_js.get_by_text("your signature is confirmed")).to_be_visible()
    sent = posted.value.all_headers()  # as they went on the wire
    assert (sent.get("origin"), sent.get("sec-fetch-site"), sent.get("referer")) == (
        "null",
        "same-origin",
        None,
    )
    assert signature_count(ring.translation_key) == 1
