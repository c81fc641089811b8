"""The site's people at work, end to end in Chromium, on a phone and on a laptop.

One journey a width, each step by the person who does it, in a browser of their own:
1. an editor copies the Ring campaign in the Wagtail admin, changes its title, its target (Petition tab) and
   adds an extra question, and publishes the copy, confirming that the rest keeps Ring's words; a visitor signs it and confirms from the mail;
2. a translator translates the copy into German in wagtail-localize (downloads the PO file, translates it,
   uploads it), an editor publishes the German page, a German visitor signs it, and the one total moves;
3. a visitor on the English copy switches to German and lands on the same campaign;
4. a signature manager exports the new petition's signatures as CSV and finds both signatures in it.

Each key state is saved as a screenshot (var/screenshots/, named in the test output) and the visitor's
pages are checked for sideways scrolling on the way.
"""

import csv
import re
import uuid
from pathlib import Path

import polib
import pytest
from django.core import mail
from playwright.sync_api import expect
from wagtail.models import Locale, Page

from campaigns.models.counter import signature_count
from campaigns.models.signature import Signature
from tests.browser.admin_users import log_in, user_in_role
from tests.browser.checks import assert_no_horizontal_overflow
from tests.browser.conftest import open_page, screenshot

pytestmark = pytest.mark.browser

QUESTION = "Which doorbell do you own?"
# What the translator writes, by the segment's context in the PO file; the rest they leave as it is.
GERMAN = {
    "title": "Sagen Sie Amazon Ring: Schluss mit der Türklingel-Rasterfahndung",
    "target": "Amazons Vorstand",
    "cta_heading": "Unterschreiben Sie den Brief an Amazon",
}
GERMAN_QUESTION = "Welche Türklingel haben Sie?"
DEMO_GERMAN_RING = (
    Path(__file__).resolve().parents[2] / "home" / "demo" / "translations" / "de" / "amazon-ring.po"
)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_copied_campaign_is_edited_translated_signed_in_two_languages_and_exported(
    chromium, demo_site, width
):
    key = uuid.uuid4().hex[:6]
    title = f"Tell Amazon Ring: stop the doorbell dragnet ({key})"
    ring = demo_site.page("amazon-ring")

    def browser(locale="en-us"):
        return open_page(chromium, demo_site.url, width=width, locale=locale)

    # 1. The editor copies the Ring campaign, changes it and publishes it.
    with browser() as editor:
        log_in(editor, user_in_role("Editors"))
        editor.goto(f"/admin/pages/{ring.pk}/edit/")
        editor.locator("header").get_by_role("button", name="Actions").first.click()
        editor.locator("a[href*='/copy/']:visible").click()
        editor.locator("#id_new_title").fill(title)
        editor.locator("#id_new_slug").fill(f"ring-dragnet-{key}")
        expect(editor.locator("#id_publish_copies")).to_have_count(0)  # a copy starts as a draft
        editor.get_by_role("button", name="Copy this page").click()
        expect(editor.locator(".messages")).to_contain_text("copied")
        copy = Page.objects.get(slug=f"ring-dragnet-{key}").specific
        assert copy.live is False and copy.translation_key != ring.translation_key

        editor.goto(f"/admin/pages/{copy.pk}/edit/")
        editor.get_by_role("tab", name="Petition").click()
        editor.locator("#id_target").fill("Amazon's board of directors")
        editor.get_by_role("button", name="Add question").click()
        editor.locator("#id_form_fields-0-label").fill(QUESTION)
        editor.locator("#id_form_fields-0-field_type").select_option("singleline")
        screenshot(editor, "journey-1-editor-petition-tab")
        # The rest of Ring's words stay on purpose: the editor says so (tests/browser/test_copying.py).
        editor.get_by_role("tab", name="Content").click()
        editor.locator("#id_confirm_copied_words").check()
        editor.get_by_role("button", name="More actions").last.click()
        editor.get_by_role("button", name="Publish", exact=True).click()
        expect(editor.locator(".messages")).to_contain_text("has been published")
    copy.refresh_from_db()
    assert (copy.live, copy.title, copy.target) == (True, title, "Amazon's board of directors")

    # A visitor signs the new petition, answering the new question, and confirms from the mail.
    english_email = f"doorbell-{key}@example.org"
    with browser() as visitor:
        visitor.goto(copy.url)
        expect(visitor.locator("h1")).to_have_text(title)
        expect(visitor.locator(".campaign-hero__target")).to_contain_text("Amazon's board of directors")
        assert_no_horizontal_overflow(visitor, where=f"the copied campaign at {width}")
        sign(visitor, english_email, answer="Ring Video Doorbell 4")
        screenshot(visitor, "journey-2-visitor-signed")
        confirm_from_the_mail(visitor, english_email)
        screenshot(visitor, "journey-3-visitor-confirmed")
    signature = Signature.objects.get(email=english_email)
    assert signature.page_id == copy.pk and signature.confirmed_at is not None
    assert list(signature.form_data.values()) == ["Ring Video Doorbell 4"]
    assert signature_count(copy.translation_key) == 1

    # 2. The translator translates the copy into German; an editor publishes it.
    with browser() as translator:
        log_in(translator, user_in_role("Translators"))
        translator.goto(f"/admin/pages/{copy.pk}/edit/")
        translator.locator("header").get_by_role("button", name="Actions").first.click()
        translator.locator("a[href*='/localize/submit/']:visible").click()
        translator.get_by_label("Deutsch").check()
        translator.get_by_role("button", name="Submit").click()
        expect(translator.locator(".messages")).to_contain_text("submitted for translation into Deutsch")
        german = copy.get_translation(Locale.objects.get(language_code="de"))
        with translator.expect_download() as download:
            translator.get_by_role("link", name="Download PO file").click()
        translated = translate_po_file(download.value.path())
        with translator.expect_navigation():
            translator.locator("input[type=file]").first.set_input_files(translated)
        expect(translator.locator(".messages")).to_contain_text("Successfully imported translations")
        screenshot(translator, "journey-4-translator-editor")
        # A translator may not publish.
        expect(translator.get_by_role("button", name="Publish in Deutsch")).to_have_count(0)

    with browser() as editor:
        log_in(editor, user_in_role("Editors"))
        editor.goto(f"/admin/pages/{german.pk}/edit/")
        editor.get_by_role("button", name="Publish in Deutsch").click()
        expect(editor.locator(".messages")).to_contain_text("Published")
    german.refresh_from_db()
    assert (german.title, german.target) == (GERMAN["title"], GERMAN["target"])

    # A German visitor signs the German page; the one total of the campaign moves.
    german_email = f"klingel-{key}@example.org"
    with browser("de") as visitor:
        visitor.goto(german.url)
        expect(visitor.locator("h1")).to_have_text(GERMAN["title"])
        assert_no_horizontal_overflow(visitor, where=f"the German copy at {width}")
        screenshot(visitor, "journey-5-german-campaign")
        sign(visitor, german_email, answer="Keine")
        confirm_from_the_mail(visitor, german_email)
        expect(visitor.locator(".petition-message__count")).to_contain_text("2")
        screenshot(visitor, "journey-6-german-visitor-confirmed")
    assert Signature.objects.get(email=german_email).locale == "de"
    assert signature_count(copy.translation_key) == 2

    # 3. On the English page the count says 2 too; the visitor switches to German, on the same campaign.
    with browser() as visitor:
        visitor.goto(copy.url)
        expect(visitor.locator("[data-petition] [data-signature-count]")).to_have_attribute(
            "data-signature-count", "2"
        )
        visitor.locator(".language-switcher summary").click()
        visitor.locator(".language-switcher a[hreflang=de]").click()
        visitor.wait_for_url(f"**{german.url}")
        expect(visitor.locator("h1")).to_have_text(GERMAN["title"])
        screenshot(visitor, "journey-7-switched-to-german")

    # 4. A signature manager exports the new petition's signatures as CSV and finds both signers.
    with browser() as manager:
        log_in(manager, user_in_role("Signature managers"))
        manager.goto("/admin/campaigns/signature/")
        manager.get_by_role("link", name=title, exact=True).click()  # the filter "By campaign"
        manager.wait_for_url(f"**campaign={copy.translation_key}**")
        assert_no_horizontal_overflow(manager, where=f"the Signatures listing at {width}")
        expect(manager.get_by_text(english_email)).to_be_visible()
        expect(manager.get_by_text(german_email)).to_be_visible()
        screenshot(manager, "journey-8-signatures-listing")
        manager.locator(".w-dropdown__toggle:near(:text('Download XLSX'))").first.click()
        with manager.expect_download() as download:
            manager.get_by_role("link", name="Download CSV").click()
        with open(download.value.path(), newline="", encoding="utf-8-sig") as exported:
            rows = list(csv.DictReader(exported))
    by_email = {row["Email"]: row for row in rows}
    assert set(by_email) == {english_email, german_email}
    assert by_email[german_email]["Language"] == "de"
    assert "Ring Video Doorbell 4" in by_email[english_email].values()  # the extra question's column


def sign(page, email, answer):
    """Fill in and send the petition as a visitor does, by the labels they read (in any language)."""
    form = page.locator("[data-petition-form]")
    form.locator("[name=first_name]").fill("Robin")
    form.locator("[name=last_name]").fill("Klingel")
    form.locator("[name=email]").fill(email)
    form.locator("select[name=country]").select_option("DE")
    question = form.get_by_label(re.compile(f"^({re.escape(QUESTION)}|{re.escape(GERMAN_QUESTION)})"))
    question.fill(answer)
    form.locator("[type=submit]").click()
    thanks = page.locator("[data-petition-thanks-heading]")
    expect(thanks).to_be_focused()
    expect(thanks).to_be_in_viewport()  # where the form was: the visitor sees the thanks, not the footer


def confirm_from_the_mail(page, email):
    message = next(message for message in reversed(mail.outbox) if message.to == [email])
    link = re.search(r"https?://\S+?(/[a-z-]+/\S*confirm/\S+/)", message.body).group(1)
    page.goto(link)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator(".petition-message__count")).to_be_visible()


def translate_po_file(path):
    """The translator's work on the downloaded PO file: the title, the target, the call to action, the letter,
    the consent wording and the question in German; the rest as it stands. Returns where the translated file is."""
    po = polib.pofile(path)
    # The letter and the consent wording as the demo's German Ring page has them: a translation may not be
    # published with them in English (campaigns/translation_wording.py).
    demo = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in polib.pofile(DEMO_GERMAN_RING)
        if entry.msgctxt in ("ask", "consent_text")
    }
    for entry in po:
        entry.msgstr = GERMAN.get(entry.msgctxt) or demo.get((entry.msgctxt, entry.msgid), entry.msgid)
        if entry.msgid == QUESTION:
            entry.msgstr = GERMAN_QUESTION
    translated = f"{path}.de.po"
    po.save(translated)
    return translated
