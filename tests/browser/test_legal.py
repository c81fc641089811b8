"""Legal basics in Chromium: a signer in two languages follows the consent link to the privacy notice in their
language; an Editor creating a campaign finds its consent wording already written in the page's language, and
is told when a choice hides the updates box."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.admin_users import log_in, user_in_role
from tests.browser.checks import assert_page_works_for_everyone
from tests.browser.conftest import open_page, screenshot

pytestmark = pytest.mark.browser

NOTICE = {
    "en-gb": ("Privacy notice", "How long we keep your details", "How we use your data"),
    "de": ("Datenschutzerklärung", "Wie lange wir Ihre Daten aufbewahren", "Wie wir Ihre Daten verwenden"),
}


def notice_path(locale):
    from campaigns.models.privacy_page import PrivacyPage

    return PrivacyPage.objects.get(locale__language_code=locale).url


@pytest.mark.parametrize("locale", ["en-gb", "de"])
def test_a_signer_follows_the_consent_link_to_the_notice_in_their_language(chromium, demo_site, locale):
    title, retention_heading, consent_link = NOTICE[locale]
    ring = demo_site.page("amazon-ring", locale)
    with open_page(chromium, demo_site.url, locale=locale) as page:
        page.goto(demo_site.path("amazon-ring", locale))

        # Each consent box the Ring offers (newsletter, updates) and the consent wording link to the notice.
        boxes = page.locator(".petition-form").locator(
            "[name=newsletter_opt_in], [name=updates_opt_in], [name=name_handover]"
        )
        expect(boxes).to_have_count(2)
        links = page.locator(".petition-form a.privacy-link")
        expect(links).to_have_count(3)
        assert {links.nth(i).get_attribute("href") for i in range(3)} == {notice_path(locale)}
        expect(page.locator(".petition-form a.privacy-link--line").first).to_have_text(consent_link)

        page.locator(".petition-form__consent a.privacy-link").click()

        expect(page).to_have_url(re.compile(re.escape(notice_path(locale)) + "$"))
        expect(page.locator("h1")).to_have_text(title)
        expect(page.locator("#retention")).to_have_text(retention_heading)
        # The Ring keeps signers' details 90 days after it closes (its own setting), named in this language.
        expect(page.locator(".privacy-notice li", has_text=ring.title)).to_contain_text("90")
        # Readable and tappable on a phone: the German title, one long word, does not run off the screen.
        assert_page_works_for_everyone(page, where=f"the privacy notice in {locale}")
        screenshot(page, f"privacy-notice-{locale}")


def test_an_editor_starts_a_german_campaign_with_german_consent_and_is_warned_of_a_hidden_box(
    chromium, demo_site
):
    editor = user_in_role(
        "Editors"
    )  # whose admin is in English: the wording follows the page, not the editor
    index = demo_site.page("campaigns", "de")
    with open_page(chromium, demo_site.url, width="desktop") as page:
        log_in(page, editor)
        page.goto(f"/admin/pages/add/campaigns/campaignpage/{index.pk}/")
        page.locator("#id_title").fill("Keine Kameras an Schulen")
        page.locator("#id_summary").fill("Schulen sollen ohne Videoüberwachung auskommen.")
        page.get_by_role("tab", name="Petition").click()

        consent = page.locator("#id_consent_text")
        expect(consent).to_have_value(re.compile(r"^Stand Up For Privacy verwendet Ihren Namen"))
        expect(page.locator("#id_confirmation_required")).to_be_checked()
        consent.scroll_into_view_if_needed()
        screenshot(page, "editor-new-campaign-consent")

        page.locator("#id_target").fill("Kultusministerium")
        page.locator("#id_cta_heading").fill("Unterschreiben Sie an das Kultusministerium")
        page.locator("#id_confirmation_required").uncheck()  # the updates box stays ticked: now hidden
        page.get_by_role("button", name="Save draft").click()

        expect(page.locator(".messages")).to_contain_text("signers will not see it")
        screenshot(page, "editor-hidden-updates-warning")
