"""A translation's way to the public in Chromium, as the people who do it (campaigns/admin/translation_review.py):
a Translator translates a new campaign into German from its ⋯ menu, finds it a draft nobody can see, is
refused while the consent wording and the call to action are still English, translates them and submits the
page for review; an Editor approves it, and only then do visitors see the German page."""

import uuid

import polib
import pytest
from playwright.sync_api import expect
from wagtail.models import Locale

from campaigns.models.pages import CampaignPage
from tests.browser.admin_users import log_in, user_in_role
from tests.browser.conftest import open_page, screenshot
from tests.builders import build_campaign

pytestmark = pytest.mark.browser


def test_a_translator_submits_a_translation_and_it_is_public_only_once_an_editor_approves_it(
    chromium, demo_site
):
    key = uuid.uuid4().hex[:6]
    campaign = build_campaign(
        demo_site.page("campaigns"),
        title=f"Stop face surveillance in schools ({key})",
        slug=f"schools-{key}",
        cta_heading=f"Sign the letter to the school board ({key})",
        consent_text=f"We will email you about this campaign ({key}).",
    )
    german_title = f"Keine Gesichtserkennung an Schulen ({key})"

    def browser(width="desktop"):
        return open_page(chromium, demo_site.url, width=width)

    with browser() as translator:
        log_in(translator, user_in_role("Translators"))
        # The campaign's ⋯ menu in the page listing offers one way to translate: wagtail-localize's.
        translator.goto(f"/admin/pages/{campaign.get_parent().pk}/")
        row = translator.locator("tr", has_text=campaign.title)
        row.get_by_role("button", name="More options").click()
        screenshot(translator, "translation-0-translator-page-menu")
        expect(row.get_by_role("link", name="Translate", exact=True)).to_have_count(0)  # simple_translation's
        row.get_by_role("link", name="Translate this page").click()
        translator.get_by_label("Deutsch").check()
        translator.get_by_role("button", name="Submit").click()
        expect(translator.locator(".messages")).to_contain_text("submitted for translation into Deutsch")
        german = CampaignPage.objects.get(
            translation_key=campaign.translation_key, locale=Locale.objects.get(language_code="de")
        )
        assert german.live is False

        # The translation editor: its main action submits for review; no publishing, no alias.
        footer = translator.locator("footer.page-translation__footer")
        submit = footer.get_by_role("button", name="Submit to Editor review")
        expect(submit).to_be_visible()
        expect(translator.get_by_role("button", name="Publish in Deutsch")).to_have_count(0)
        expect(translator.get_by_text("Convert to alias page")).not_to_be_visible()
        screenshot(translator, "translation-1-translator-editor")

        # Still English where it matters: refused, with the reason.
        submit.click()
        expect(translator.locator(".messages")).to_contain_text(
            "cannot be published in Deutsch yet: its call to action and consent wording still read as on the "
            "English (US) page"
        )
        screenshot(translator, "translation-2-refused")

        with translator.expect_download() as download:
            translator.get_by_role("link", name="Download PO file").click()
        translated = translate_po_file(download.value.path(), german_title)
        with translator.expect_navigation():
            translator.locator("input[type=file]").first.set_input_files(translated)
        expect(translator.locator(".messages")).to_contain_text("Successfully imported translations")
        translator.locator("footer.page-translation__footer").get_by_role(
            "button", name="Submit to Editor review"
        ).click()
        expect(translator.locator(".messages")).to_contain_text("has been submitted for review")
        expect(translator.locator("footer.page-translation__footer")).to_contain_text("Awaiting review")
        screenshot(translator, "translation-3-submitted")

    german.refresh_from_db()
    assert german.live is False and german.current_workflow_state.status == "in_progress"
    german_url = german.get_url()  # where it will be: the address of a draft does not answer yet
    with browser("phone") as visitor:
        assert visitor.goto(german_url).status == 404  # submitted is not published

    with browser() as editor:
        log_in(editor, user_in_role("Editors"))
        editor.goto(f"/admin/pages/{german.pk}/edit/")
        footer = editor.locator("footer.page-translation__footer")
        footer.get_by_role("button", name="More actions").click()
        expect(footer.get_by_role("button", name="Request changes")).to_be_visible()
        screenshot(editor, "translation-4-editor-reviews")
        footer.get_by_role("button", name="Approve and publish in Deutsch").click()
        expect(editor.locator(".messages")).to_contain_text("Approved")

    with browser("phone") as visitor:
        assert visitor.goto(german_url).status == 200
        expect(visitor.locator("h1")).to_have_text(german_title)
        expect(visitor.get_by_text(f"Wir schreiben Ihnen zu dieser Kampagne ({key}).")).to_be_visible()
        screenshot(visitor, "translation-5-german-page-live")


def translate_po_file(path, german_title):
    """The translator's work: the title, the call to action and the consent wording in German."""
    po = polib.pofile(path)
    for entry in po:
        entry.msgstr = entry.msgid
        if entry.msgctxt == "title":
            entry.msgstr = german_title
        elif entry.msgctxt == "cta_heading":
            entry.msgstr = entry.msgid.replace(
                "Sign the letter to the school board", "Unterschreiben Sie den Brief"
            )
        elif entry.msgctxt == "consent_text":
            entry.msgstr = entry.msgid.replace(
                "We will email you about this campaign", "Wir schreiben Ihnen zu dieser Kampagne"
            )
    translated = f"{path}.de.po"
    po.save(translated)
    return translated
