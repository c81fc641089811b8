"""A translator's day in wagtail-localize: translate a page, export and import PO files, see what is out of
date after the source changes, sync, and keep the per-locale overrides (the UK page's own figures)."""

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.models import Locale
from wagtail.rich_text import RichText
from wagtail_localize.models import OverridableSegment, StringSegment, Translation, TranslationSource

from campaigns.pages import CampaignPage
from tests.builders import build_campaign, build_index, build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def translator(admin_client):
    return admin_client  # a superuser; the Translators group's own limits are tested in test_roles.py


@pytest.fixture
def ring():
    index = build_index(build_site())
    return build_campaign(
        index,
        summary="Amazon works with over 1,300 police departments.",
        signature_goal=50000,
        body=[("paragraph", "<p>Ring shares footage with police.</p>")],
        references=[
            (
                "reference",
                {
                    "title": "Hundreds of Police Departments Partner with Ring",
                    "author": "",
                    "publisher": "EFF",
                    "date": "2020-07-02",
                    "url": "https://www.eff.org/press/releases/ring",
                },
            )
        ],
    )


def submit(client, page, language_code):
    locale = Locale.objects.get(language_code=language_code)
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[page.pk]), {"locales": [locale.pk]}
    )
    assert response.status_code == 302
    source = TranslationSource.objects.get_for_instance(page)
    return Translation.objects.get(source=source, target_locale=locale)


def upload_po(client, translation, translations_by_source_text):
    po = polib.pofile(
        client.get(reverse("wagtail_localize:download_pofile", args=[translation.pk])).content.decode()
    )
    for entry in po:  # British English: most strings stay as they are
        entry.msgstr = translations_by_source_text.get(entry.msgid, entry.msgid)
    upload = SimpleUploadedFile("en-gb.po", str(po).encode(), content_type="text/x-gettext-translation")
    response = client.post(reverse("wagtail_localize:upload_pofile", args=[translation.pk]), {"file": upload})
    assert response.status_code == 302
    return po


def override(client, translation, path_end, value):
    segment = OverridableSegment.objects.get(source=translation.source, context__path__endswith=path_end)
    url = reverse("wagtail_localize:edit_override", args=[translation.pk, segment.pk])
    response = client.put(url, f"value={value}", content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 201), response.content


def sync(client, page):
    source = TranslationSource.objects.get_for_instance(page)
    response = client.post(
        reverse("wagtail_localize:update_translations", args=[source.pk]), {"publish_translations": "on"}
    )
    assert response.status_code == 302


def test_translate_change_source_sync_and_keep_overrides(
    translator, ring, django_capture_on_commit_callbacks
):
    translation = submit(translator, ring, "en-gb")
    po = upload_po(
        translator,
        translation,
        {
            "Amazon works with over 1,300 police departments.": (
                "In London, the Met received nearly £250,000 for 1,000 Ring cameras."
            ),
            "Ring shares footage with police.": "Ring shares footage with the police.",
            "50000": "20 000",  # the UK's own goal
        },
    )
    assert "Amazon works with over 1,300 police departments." in [entry.msgid for entry in po]
    # The UK page cites the UK edition of the source.
    override(translator, translation, ".url", "https://www.eff.org/uk/ring")
    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes on commit
        translation.save_target(publish=True)

    gb = CampaignPage.objects.get(locale__language_code="en-gb", translation_key=ring.translation_key)
    assert gb.live
    assert gb.summary == "In London, the Met received nearly £250,000 for 1,000 Ring cameras."
    assert gb.references[0].value["url"] == "https://www.eff.org/uk/ring"
    assert gb.signature_goal == 20000
    assert translation.get_status_display() == "Up to date"

    # The source changes: a new sentence, a changed publisher (the goal stays).
    ring.body.append(("paragraph", RichText("<p>New facts.</p>")))  # as an editor adds a block
    ring.references[0].value["publisher"] = "Electronic Frontier Foundation"
    ring.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        sync(translator, ring)

    translation.refresh_from_db()
    assert translation.get_status_display() == "Waiting for translations"  # the new strings are out of date
    untranslated = StringSegment.objects.filter(source=translation.source).exclude(
        string__translations__locale=translation.target_locale
    )
    assert sorted(segment.string.data for segment in untranslated) == [
        "Electronic Frontier Foundation",
        "New facts.",
    ]

    gb.refresh_from_db()
    assert gb.summary == "In London, the Met received nearly £250,000 for 1,000 Ring cameras."  # kept
    assert gb.references[0].value["url"] == "https://www.eff.org/uk/ring"  # the override survives the sync
    assert gb.signature_goal == 20000  # so does the UK's own goal
    assert "Ring shares footage with the police." in str(gb.body)
    assert "New facts." in str(gb.body)  # falls back to the source until translated
    # The page the visitor sees is the synced, published one.
    html = translator.get("/en-gb/campaigns/amazon-ring/").content.decode()
    assert "nearly £250,000" in html


def test_translator_sees_the_translation_editor(translator, ring):
    translation = submit(translator, ring, "de")
    page = translation.get_target_instance()
    response = translator.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    assert "wagtail-localize" in response.content.decode() or "localize" in response.content.decode()


def test_closing_one_language_closes_the_campaign_everywhere(
    translator, ring, django_capture_on_commit_callbacks
):
    translation = submit(translator, ring, "en-gb")
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    ring.closed = True
    ring.save_revision().publish()

    gb = CampaignPage.objects.get(locale__language_code="en-gb", translation_key=ring.translation_key)
    assert gb.closed and not gb.is_open
    assert "This petition is closed" in translator.get("/en-gb/campaigns/amazon-ring/").content.decode()


def test_a_changed_source_goal_asks_the_translator_again(
    translator, ring, django_capture_on_commit_callbacks
):
    translation = submit(translator, ring, "en-gb")
    upload_po(translator, translation, {"50000": "20000"})
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    ring.signature_goal = 75000
    ring.save_revision().publish()
    with django_capture_on_commit_callbacks(execute=True):
        sync(translator, ring)
    translation.refresh_from_db()
    # Like any changed text, the new figure is out of date for the translator, who sets the UK's again.
    assert translation.get_status_display() == "Waiting for translations"
    upload_po(translator, translation, {"75000": "30000"})
    with django_capture_on_commit_callbacks(execute=True):
        translation.save_target(publish=True)
    gb = CampaignPage.objects.get(locale__language_code="en-gb", translation_key=ring.translation_key)
    assert gb.signature_goal == 30000
