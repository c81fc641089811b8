"""After signing the Ring demo petition in Chromium (it asks to confirm by email, asks for a donation and names a
next action): the steps in order, the browser's share menu and "copy link" with JavaScript, plain links without,
and "send the email again" both ways. Each state passes axe-core, scrolls nowhere sideways and has big targets."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_page_works_for_everyone
from tests.browser.conftest import open_page
from tests.browser.test_page_states import fill_petition, petition_form, without_scripts

pytestmark = pytest.mark.browser

# A share menu and a clipboard that record what they are given: headless Chromium on Linux has no share menu,
# and a test must not depend on the machine's clipboard.
RECORDING_SHARE_AND_CLIPBOARD = """
    window.__shared = [];
    window.__copied = [];
    Object.defineProperty(navigator, "share", {value: (data) => { window.__shared.push(data); return Promise.resolve(); }});
    Object.defineProperty(navigator, "clipboard", {value: {writeText: (text) => { window.__copied.push(text); return Promise.resolve(); }}});
"""


def steps(page):
    return page.locator(".petition-step").evaluate_all("steps => steps.map(step => step.dataset.step)")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_with_javascript_share_menu_copy_link_donate_next_and_send_again(chromium, demo_site, width):
    ring = demo_site.page("amazon-ring")
    with open_page(chromium, demo_site.url, width=width) as page:
        page.add_init_script(RECORDING_SHARE_AND_CLIPBOARD)
        page.goto(demo_site.path("amazon-ring"))
        fill_petition(page)
        petition_form(page).locator("[type=submit]").click()
        expect(page.locator("[data-petition-thanks-heading]")).to_be_focused()

        assert steps(page) == ["share", "donate", "next"]
        expect(page.get_by_role("link", name="Donate")).to_have_attribute("href", ring.donate_url)
        assert_page_works_for_everyone(page, where=f"thank-you state with JavaScript ({width})")

        page.get_by_role("button", name="Share…").click()
        shared = page.evaluate("() => window.__shared")
        assert shared == [
            {"title": ring.title, "text": ring.share_text, "url": demo_site.page_url("amazon-ring")}
        ]

        page.get_by_role("button", name="Copy link").click()
        expect(page.locator("[data-copy-status]")).to_have_text("Link copied.")
        assert page.evaluate("() => window.__copied") == [demo_site.page_url("amazon-ring")]

        page.get_by_role("button", name="Send the email again").click()
        expect(page.locator("[data-resend-status]")).to_contain_text("we have sent the email again")
        assert page.url == demo_site.page_url("amazon-ring")  # all on the page, no reload


def test_without_a_share_menu_the_links_and_the_address_are_there(chromium, demo_site):
    with open_page(chromium, demo_site.url) as page:
        page.add_init_script("Object.defineProperty(navigator, 'share', {value: undefined});")
        page.goto(demo_site.path("amazon-ring"))
        fill_petition(page)
        petition_form(page).locator("[type=submit]").click()
        expect(page.locator("[data-petition-thanks-heading]")).to_be_focused()
        expect(page.get_by_role("button", name="Share…")).to_be_hidden()
        share = page.locator("[data-step=share]")
        for network in ("WhatsApp", "Mastodon", "Bluesky", "X", "Facebook"):
            expect(share.get_by_role("link", name=f"Share on {network} (opens in a new tab)")).to_be_visible()
        expect(share.get_by_role("link", name="Share by email")).to_be_visible()


def test_without_javascript_every_step_is_a_plain_page(chromium, demo_site):
    with open_page(chromium, demo_site.url) as page:
        without_scripts(page)  # as a browser without JavaScript, while axe-core can still run
        page.goto(demo_site.path("amazon-ring"))
        fill_petition(page)
        petition_form(page).locator("[type=submit]").click()
        page.wait_for_url(re.compile(r"/thank-you/#petition-state$"))

        assert steps(page) == ["share", "donate", "next"]
        expect(page.get_by_role("button", name="Share…")).to_be_hidden()
        expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
        expect(page.get_by_role("textbox", name="Or copy the link to the petition")).to_have_value(
            demo_site.page_url("amazon-ring")
        )
        assert_page_works_for_everyone(page, where="thank-you page without JavaScript")

        page.get_by_role("button", name="Send the email again").click()
        page.wait_for_url(re.compile(r"/sign/confirm/again/$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Check your inbox")
        expect(page.get_by_text("we have sent the email again")).to_be_visible()
        assert_page_works_for_everyone(page, where="'sent again' page without JavaScript")


def test_the_german_thank_you_state_is_german_and_accessible(chromium, demo_site):
    with open_page(chromium, demo_site.url, locale="de") as page:
        page.goto(demo_site.path("amazon-ring", "de"))
        fill_petition(page)
        petition_form(page).locator("[type=submit]").click()
        expect(page.locator("[data-petition-thanks-heading]")).to_be_focused()
        expect(page.get_by_role("button", name="E-Mail noch einmal senden")).to_be_visible()
        expect(page.get_by_role("link", name="Spenden")).to_be_visible()
        assert_page_works_for_everyone(page, where="German thank-you state")
