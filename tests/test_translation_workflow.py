"""A translator's day in wagtail-localize: translate a page, export and import PO files, see what is out of
date after the source changes, sync, and keep the per-locale overrides (the UK page's own figures)."""

import polib
import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale
from wagtail.rich_text import RichText
from wagtail.users.models import UserProfile
from wagtail_localize.models import OverridableSegment, StringSegment, Translation, TranslationSource

from campaigns.models.pages import CampaignPage
from tests.builders import build_campaign, build_index, build_site, log_in, translate
from tests.campaigns.test_pages import campaign_form_data

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


# The review of a translation (campaigns/admin/translation_review.py, home/migrations/0003_editor_review.py):
# as the Translators and Editors groups, not as a superuser.
GERMAN = {
    "Tell Amazon Ring: stop sharing footage with police": "Sagen Sie Amazon Ring: Schluss mit dem Teilen",
    "Sign the letter to Amazon Ring": "Unterschreiben Sie den Brief an Amazon Ring",
    "We will keep you updated about this campaign.": "Wir halten Sie über diese Kampagne auf dem Laufenden.",
}


@pytest.fixture
def translators(client):
    return log_in(client, "Translators")


@pytest.fixture
def editors():
    return log_in(Client(), "Editors")


def act(client, page, action):
    """Press a button of the translation editor's footer."""
    return client.post(f"/admin/pages/{page.pk}/edit/", {"action": action}, follow=True)


def messages_of(response):
    return [str(message).strip() for message in response.context["messages"]]


def public_status(page):
    return Client().get(page.get_url()).status_code  # an anonymous visitor's


def test_a_translation_is_public_only_once_an_editor_approves_it(translators, editors, ring):
    translation = submit(translators, ring, "de")
    german = translation.get_target_instance()
    assert not german.live and public_status(german) == 404  # not live in English the moment it is made

    editor_html = translators.get(f"/admin/pages/{german.pk}/edit/").content.decode()
    assert "Submit to Editor review" in editor_html
    assert "Publish in Deutsch" not in editor_html and "Convert to alias" not in editor_html
    response = act(translators, german, "publish")  # a translator may not publish, even by a crafted post
    assert "Sorry, you do not have permission to access this area." in messages_of(response)
    german.refresh_from_db()
    assert not german.live

    upload_po(translators, translation, GERMAN)
    response = act(translators, german, "submit")
    assert "has been submitted for review" in " ".join(messages_of(response))
    german.refresh_from_db()
    assert german.current_workflow_state.status == "in_progress"
    assert not german.live and public_status(german) == 404  # submitted is not published
    assert "Awaiting review: Approval by an editor" in response.content.decode()

    assert "Approve and publish in Deutsch" in editors.get(f"/admin/pages/{german.pk}/edit/").content.decode()
    response = act(editors, german, "approve")
    assert "Approved" in " ".join(messages_of(response))
    german.refresh_from_db()
    assert german.live and german.title == GERMAN["Tell Amazon Ring: stop sharing footage with police"]
    assert german.current_workflow_state is None
    html = Client().get(german.get_url()).content.decode()
    assert "Wir halten Sie über diese Kampagne auf dem Laufenden." in html


def test_an_editor_can_send_a_translation_back(translators, editors, ring):
    translation = submit(translators, ring, "de")
    german = translation.get_target_instance()
    upload_po(translators, translation, GERMAN)
    act(translators, german, "submit")
    act(editors, german, "reject")
    german.refresh_from_db()
    assert german.current_workflow_state.status == "needs_changes" and not german.live
    html = translators.get(f"/admin/pages/{german.pk}/edit/").content.decode()
    assert "Resubmit to Approval by an editor" in html
    act(translators, german, "submit")
    german.refresh_from_db()
    assert german.current_workflow_state.status == "in_progress"


@pytest.mark.parametrize("action, who", [("publish", "editors"), ("submit", "translators")])
def test_untranslated_consent_or_call_to_action_is_refused(translators, editors, ring, action, who):
    translation = submit(translators, ring, "de")
    german = translation.get_target_instance()
    # The title is translated; the consent wording and the call to action are not.
    upload_po(translators, translation, {"Tell Amazon Ring: stop sharing footage with police": "Amazon Ring"})
    client = {"editors": editors, "translators": translators}[who]
    response = act(client, german, action)
    assert (
        "“Amazon Ring” cannot be published in Deutsch yet: its call to action and consent wording still read "
        "as on the English (US) page. Translate them, then publish or submit it again."
    ) in messages_of(response)
    german.refresh_from_db()
    assert not german.live and german.current_workflow_state is None

    upload_po(translators, translation, GERMAN)
    act(client, german, action)
    german.refresh_from_db()
    assert german.live if action == "publish" else german.current_workflow_state is not None


def test_a_british_translation_may_keep_the_american_wording(editors, ring):
    translation = submit(editors, ring, "en-gb")
    british = translation.get_target_instance()
    response = act(editors, british, "publish")
    assert "Published" in " ".join(messages_of(response))
    british.refresh_from_db()
    assert british.live and british.consent_text == ring.consent_text


def test_a_translation_cannot_become_an_alias_of_its_source(editors, ring):
    translation = submit(editors, ring, "de")
    german = translation.get_target_instance()
    response = editors.post(reverse("wagtail_localize:convert_to_alias", args=[german.pk]), follow=True)
    assert "cannot become an alias" in " ".join(messages_of(response))
    german.refresh_from_db()
    assert german.alias_of_id is None and not german.live


def test_wagtails_own_editor_refuses_to_publish_untranslated_consent_but_saves_the_draft(client):
    """A translation edited by hand (not synced, so Wagtail's editor, not wagtail-localize's)."""
    index = build_index(build_site())
    english = build_campaign(index, consent_text="We will email you about this campaign.")
    translate(index, "de")
    german = translate(english, "de", title="Gesichtserkennung", consent_text="Wir schreiben Ihnen.")
    editors = log_in(client, "Editors")
    url = f"/admin/pages/{german.pk}/edit/"
    data = campaign_form_data(
        title="Gesichtserkennung",
        slug=german.slug,
        cta_heading="Unterschreiben Sie",
        consent_text="We will email you about this campaign.",  # pasted back from the English page
    )
    response = editors.post(url, {**data, "action-publish": "action-publish"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "consent_text": ["This is still the source page's text: translate it before publishing."]
    }
    german.refresh_from_db()
    assert german.consent_text == "Wir schreiben Ihnen."  # the live page is untouched

    assert editors.post(url, data).status_code == 302  # a draft may be unfinished
    german.refresh_from_db()
    assert german.has_unpublished_changes and german.consent_text == "Wir schreiben Ihnen."


def test_a_translators_sync_brings_the_changes_and_publishes_nothing(translators, editors, ring):
    translation = submit(translators, ring, "de")
    german = translation.get_target_instance()
    upload_po(translators, translation, GERMAN)
    ring.summary = "Ring shares footage with police, and more."
    ring.save_revision().publish()
    source = TranslationSource.objects.get_for_instance(ring)
    url = reverse("wagtail_localize:update_translations", args=[source.pk])
    assert "Publish immediately" not in translators.get(url).content.decode()
    assert "Publish immediately" in editors.get(url).content.decode()

    response = translators.post(url, {"publish_translations": "on"})  # posted anyway
    assert response.status_code == 302
    german.refresh_from_db()
    assert not german.live
    # The translator finds the new sentence to translate in the editor.
    strings = StringSegment.objects.filter(source=source).values_list("string__data", flat=True)
    assert "Ring shares footage with police, and more." in strings


def test_an_editors_sync_publishes_only_translations_whose_wording_is_translated(translators, editors, ring):
    german_translation = submit(translators, ring, "de")
    upload_po(translators, german_translation, GERMAN)
    british_translation = submit(translators, ring, "en-gb")
    german, british = german_translation.get_target_instance(), british_translation.get_target_instance()
    act(editors, german, "publish")
    act(editors, british, "publish")
    # New consent wording on the source: until translated, the German page would show it in English.
    ring.consent_text = "We will email you about this campaign and related ones."
    ring.summary = "Amazon works with over 2,000 police departments."
    ring.save_revision().publish()
    source = TranslationSource.objects.get_for_instance(ring)
    url = reverse("wagtail_localize:update_translations", args=[source.pk])
    response = editors.post(url, {"publish_translations": "on"}, follow=True)
    assert (
        "“Sagen Sie Amazon Ring: Schluss mit dem Teilen” cannot be published in Deutsch yet: its consent "
        "wording still read as on the English (US) page. Translate them, then publish or submit it again."
    ) in messages_of(response)
    german.refresh_from_db()
    british.refresh_from_db()
    assert german.consent_text == "Wir halten Sie über diese Kampagne auf dem Laufenden."  # as published
    assert british.summary == "Amazon works with over 2,000 police departments."  # English may keep it


def test_a_change_to_a_live_translation_stays_out_of_sight_until_approved(translators, editors, ring):
    translation = submit(translators, ring, "de")
    upload_po(translators, translation, GERMAN)
    german = translation.get_target_instance()
    act(editors, german, "publish")
    german.refresh_from_db()
    assert german.live

    new_title = "Sagen Sie Amazon Ring: Schluss damit"
    upload_po(
        translators, translation, {**GERMAN, "Tell Amazon Ring: stop sharing footage with police": new_title}
    )
    act(translators, german, "submit")
    german.refresh_from_db()
    assert german.current_workflow_state.status == "in_progress" and german.has_unpublished_changes
    assert german.title == GERMAN["Tell Amazon Ring: stop sharing footage with police"]  # what visitors get
    assert new_title not in Client().get(german.get_url()).content.decode()

    act(editors, german, "approve")
    german.refresh_from_db()
    assert german.title == new_title and not german.has_unpublished_changes
    assert new_title in Client().get(german.get_url()).content.decode()


def test_the_refusal_speaks_the_translators_admin_language(translators, ring):
    user = get_user_model().objects.get(username="translators")
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "de"
    profile.save()
    translation = submit(translators, ring, "de")
    german = translation.get_target_instance()
    assert (
        "Einreichen: Prüfung durch die Redaktion"
        in translators.get(f"/admin/pages/{german.pk}/edit/").content.decode()
    )
    response = act(translators, german, "submit")
    assert (
        "„Tell Amazon Ring: stop sharing footage with police“ kann noch nicht auf Deutsch veröffentlicht werden: "
        "Handlungsaufruf und Einwilligungstext lauten noch wie auf der Seite auf English (US)."
    ) in " ".join(messages_of(response))


def test_an_editor_can_approve_from_the_dashboard(translators, editors, ring):
    translation = submit(translators, ring, "de")
    german = translation.get_target_instance()
    upload_po(translators, translation, GERMAN)
    act(translators, german, "submit")
    german.refresh_from_db()
    task_state = german.current_workflow_task_state
    assert german.title in editors.get("/admin/").content.decode()  # "Awaiting your review"
    url = reverse("wagtailadmin_pages:workflow_action", args=[german.pk, "approve", task_state.pk])
    assert editors.post(url, {"comment": ""}).status_code == 302
    german.refresh_from_db()
    assert german.live and german.title == GERMAN["Tell Amazon Ring: stop sharing footage with police"]


def test_wagtails_own_editor_of_a_stopped_translation_offers_no_alias(editors, ring):
    translation = submit(editors, ring, "de")
    german = translation.get_target_instance()
    editors.post(reverse("wagtail_localize:stop_translation", args=[translation.pk]))
    html = editors.get(f"/admin/pages/{german.pk}/edit/").content.decode()
    assert "Start Synced translation" in html  # Wagtail's own editor, with wagtail-localize's menu items
    assert "Convert to alias page" not in html
