"""Editors launch a new petition by copying the last one: the copy keeps the settings, not the signatures."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from campaigns.models.counter import signature_count
from campaigns.models.pages import CampaignFormField, CampaignPage
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in
from tests.campaigns.test_pages import campaign_form_data

pytestmark = pytest.mark.django_db


def test_copying_a_campaign_in_the_admin_keeps_its_questions_and_starts_at_zero(admin_client):
    index = build_index(build_site())
    ring = build_campaign(index, signature_goal=50000, confirmation_required=True)
    CampaignFormField.objects.create(
        page=ring, locale=ring.locale, label="Do you own a Ring camera?", field_type="singleline"
    )
    build_signature(ring, email="ada@example.org", counted=True)

    response = admin_client.post(
        f"/admin/pages/{ring.pk}/copy/",
        {
            "new_title": "Tell Google Nest: stop sharing footage",
            "new_slug": "google-nest",
            "new_parent_page": index.pk,
        },
    )
    assert response.status_code == 302

    copy = CampaignPage.objects.get(slug="google-nest")
    assert copy.translation_key != ring.translation_key  # its own campaign, its own count
    assert copy.signature_goal == 50000 and copy.confirmation_required
    assert [field.label for field in copy.form_fields.all()] == ["Do you own a Ring camera?"]
    assert signature_count(copy.translation_key) == 0
    assert not copy.get_submission_class().objects.filter(page=copy).exists()
    assert signature_count(ring.translation_key) == 1


def test_a_copy_keeps_the_follow_through_settings_and_reaches_no_goal_yet(admin_client):
    from campaigns.milestones import record_milestones
    from campaigns.models.milestone import Milestone

    index = build_index(build_site())
    ring = build_campaign(
        index,
        signature_goal=100,
        goal_steps_up=True,
        confirmation_required=True,
        confirmation_reminder_hours=12,
        donate_url="https://example.org/donate",
        donate_text="Chip in €5?",
    )
    record_milestones(ring, 100)

    admin_client.post(
        f"/admin/pages/{ring.pk}/copy/",
        {"new_title": "Tell Google Nest", "new_slug": "google-nest", "new_parent_page": index.pk},
    )

    copy = CampaignPage.objects.get(slug="google-nest")
    assert (copy.goal_steps_up, copy.confirmation_reminder_hours, copy.share_step) == (True, 12, True)
    assert (copy.donate_url, copy.donate_text) == ("https://example.org/donate", "Chip in €5?")
    assert not Milestone.objects.filter(campaign_key=copy.translation_key).exists()


def test_a_new_campaign_starts_with_sensible_follow_through_defaults():
    page = CampaignPage()
    assert page.share_step and page.confirmation_reminder_hours == 24
    assert not page.goal_steps_up and page.donate_url == ""


# An editor launches the next campaign from the last one: the copy must not go out in the old one's words.


def copy_as_editor(client, source, title, slug=""):
    """Fill in Wagtail's Copy form as an editor does: a new title, the address as the form leaves it."""
    return client.post(
        f"/admin/pages/{source.pk}/copy/",
        {"new_title": title, "new_slug": slug, "new_parent_page": source.get_parent().pk},
    )


def test_the_copys_address_follows_its_new_title_and_the_message_names_the_copy(client):
    ring = build_campaign(build_index(build_site()))
    log_in(client, "Editors")

    form = client.get(f"/admin/pages/{ring.pk}/copy/").content.decode()
    # The slug starts empty and the title keeps it in step as the editor types (Wagtail's w-sync).
    assert 'name="new_slug"' in form and 'name="new_slug" value=' not in form
    assert 'data-w-sync-target-value="#id_new_slug"' in form
    # A copy is a draft until its words are checked: no "publish the copy" or "alias" choices.
    assert 'name="publish_copies"' not in form and 'name="alias"' not in form

    response = copy_as_editor(client, ring, "Tell Google Nest: stop sharing footage")

    copy = CampaignPage.objects.get(slug="tell-google-nest-stop-sharing-footage")
    assert response["Location"] == f"/admin/pages/{copy.pk}/edit/"
    assert not copy.live and copy.copied_from_id == ring.pk
    edit_view = client.get(response["Location"]).content.decode()
    assert (
        "“Tell Google Nest: stop sharing footage” was copied from “Tell Amazon Ring: stop sharing footage with "
        "police”." in edit_view
    )
    assert "Page &#x27;Tell Amazon Ring" not in edit_view  # Wagtail's message, naming only the source


def test_a_copy_with_the_sources_title_is_refused_with_a_message_saying_why(client):
    ring = build_campaign(build_index(build_site()), slug="tell-amazon-ring-stop-sharing-footage-with-police")
    log_in(client, "Editors")

    response = copy_as_editor(client, ring, ring.title)

    assert response.status_code == 200
    assert "already has this address: give the copy its own title." in response.content.decode()
    assert CampaignPage.objects.count() == 1


def test_an_abandoned_copy_gives_its_address_to_the_next_attempt(client):
    ring = build_campaign(build_index(build_site()))
    log_in(client, "Editors")
    copy_as_editor(client, ring, "Tell Google Nest")
    abandoned = CampaignPage.objects.get(slug="tell-google-nest")

    response = copy_as_editor(client, ring, "Tell Google Nest")

    copy = CampaignPage.objects.get(slug="tell-google-nest")
    assert response["Location"] == f"/admin/pages/{copy.pk}/edit/"
    assert copy.pk != abandoned.pk and not CampaignPage.objects.filter(pk=abandoned.pk).exists()


def test_a_draft_someone_worked_on_keeps_its_address_and_the_error_leads_to_it(client):
    ring = build_campaign(build_index(build_site()))
    log_in(client, "Editors")
    copy_as_editor(client, ring, "Tell Google Nest")
    draft = CampaignPage.objects.get(slug="tell-google-nest")
    client.post(f"/admin/pages/{draft.pk}/edit/", edit_form_data(draft, target="Google"))
    assert CampaignPage.objects.get(pk=draft.pk).get_latest_revision_as_object().target == "Google"

    response = copy_as_editor(client, ring, "Tell Google Nest")

    html = response.content.decode()
    assert (
        response.status_code == 200 and "a draft that was never published, already has this address" in html
    )
    assert f'<a href="/admin/pages/{draft.pk}/edit/">Continue editing it</a>' in html
    delete_link = f'<a href="/admin/pages/{draft.pk}/delete/?next=%2Fadmin%2Fpages%2F{ring.pk}%2Fcopy%2F">'
    assert delete_link in html
    assert CampaignPage.objects.filter(pk=draft.pk).exists()

    # Deleting it through that link frees the address for the next attempt.
    client.post(f"/admin/pages/{draft.pk}/delete/")
    assert copy_as_editor(client, ring, "Tell Google Nest").status_code == 302


def test_someone_elses_untouched_copy_is_not_deleted_under_them(client, django_user_model):
    ring = build_campaign(build_index(build_site()))
    log_in(client, "Editors")
    copy_as_editor(client, ring, "Tell Google Nest")
    theirs = CampaignPage.objects.get(slug="tell-google-nest")
    other = django_user_model.objects.create_user("other-editor")
    other.groups.add(Group.objects.get(name="Editors"))
    client.force_login(other)

    response = copy_as_editor(client, ring, "Tell Google Nest")

    assert response.status_code == 200 and "Continue editing it" in response.content.decode()
    assert CampaignPage.objects.filter(pk=theirs.pk).exists()


def launched_campaign(index, **kwargs):
    """A campaign with every word and figure a copy should not keep unseen."""
    image = Image.objects.create(title="Doorbell", file=get_test_image_file(size=(1200, 630)))
    kwargs.setdefault("hero_image", image)
    kwargs.setdefault("social_image", image)
    kwargs.setdefault("ask", "<p>Stop sharing our footage with police.</p>")
    kwargs.setdefault("share_text", "Ring shares doorbell footage with police. Tell Amazon to stop!")
    kwargs.setdefault("thank_you_heading", "Thank you for standing up to Ring")
    kwargs.setdefault("thank_you_text", "<p>Now ask a neighbour to sign.</p>")
    kwargs.setdefault("signature_goal", 50000)
    kwargs.setdefault("closing_date", timezone.now() + timedelta(days=30))
    kwargs.setdefault(
        "body",
        [
            ("paragraph", RichText("<p>Ring cameras film our streets.</p>")),
            ("sign_cta", {"heading": "Tell Ring to stop", "text": "Add your name.", "button_label": "Sign"}),
        ],
    )
    return build_campaign(index, **kwargs)


def edit_form_data(page, **overrides):
    """The edit form as the editor sees it for `page` (its latest draft), with `overrides` typed in."""
    page = page.get_latest_revision_as_object()
    image = page.social_image_id or ""
    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "hero_image": page.hero_image_id or "",
        "body": streamfield([(block.block_type, _block_form_value(block)) for block in page.body]),
        "references": streamfield([]),
        "target": page.target,
        "cta_heading": page.cta_heading,
        "ask": rich_text(page.ask),
        "signature_goal": str(page.signature_goal),
        "closing_date": timezone.localtime(page.closing_date).strftime("%Y-%m-%d %H:%M")
        if page.closing_date
        else "",
        "first_name_field": "required",
        "last_name_field": "required",
        "country_field": "required",
        "postal_code_field": "optional",
        "comment_field": "hidden",
        "consent_text": page.consent_text,
        "thank_you_heading": page.thank_you_heading,
        "thank_you_text": rich_text(page.thank_you_text),
        "confirmation_reminder_hours": "24",
        "form_fields": inline_formset([]),
        "embed_partners": inline_formset([]),
        "share_text": page.share_text,
        "social_image": image,
    }
    data.update(overrides)
    return nested_form_data(data)


def _block_form_value(block):
    if block.block_type == "paragraph":
        return rich_text(block.value.source)
    return dict(block.value)


CHECKLIST = [
    ("summary", "Summary"),
    ("hero_image", "Hero image"),
    ("sign_buttons", "Sign buttons in the body"),
    ("target", "Target"),
    ("cta_heading", "Call to action"),
    ("ask", "Petition text (the letter)"),
    ("signature_goal", "Signature goal"),
    ("closing_date", "Closing date"),
    ("thank_you_heading", "Thank-you heading"),
    ("thank_you_text", "Thank-you text"),
    ("share_text", "Share text"),
    ("social_image", "Social image"),
]


def checklist(html):
    """The checklist's items as (name, label, link), in order."""
    return re.findall(r'<li data-copied-word="([a-z_]+)"><a href="#([^"]+)"[^>]*>([^<]+)</a>', html)


def test_the_copys_edit_view_lists_every_field_still_as_in_the_source_with_a_link_to_it(client):
    ring = launched_campaign(build_index(build_site()))
    log_in(client, "Editors")

    edit_view = client.get(copy_as_editor(client, ring, "Tell Google Nest")["Location"])

    html = edit_view.content.decode()
    items = checklist(html)
    assert [(name, label) for name, _link, label in items] == CHECKLIST
    assert "This campaign is a copy of “Tell Amazon Ring: stop sharing footage with police”." in html
    for _name, link, _label in items:
        assert f'id="{link}"' in html  # each link leads to its field's label (or the body's heading)
    # Each says what it still says, short, so the editor recognises it.
    for shown in (
        "Amazon Ring",
        "Tell Ring to stop",
        "Stop sharing our footage with police.",
        "Doorbell",
    ):
        assert f"<q>{shown}</q>" in html
    assert "Signature goal</a>: 50,000</li>" in html  # a figure, not words: no quotation marks

    # What the editor rewrites leaves the list, even after a round trip through the form's rich text editor.
    copy = CampaignPage.objects.get(slug="tell-google-nest")
    saved = client.post(
        f"/admin/pages/{copy.pk}/edit/",
        edit_form_data(copy, target="Google", share_text="Nest shares footage too."),
    )
    assert saved.status_code == 302
    remaining = [name for name, _link, _label in checklist(client.get(saved["Location"]).content.decode())]
    assert remaining == [name for name, _label in CHECKLIST if name not in ("target", "share_text")]


def test_a_copy_of_a_campaign_with_a_draft_on_top_still_shows_its_checklist(client):
    """Wagtail copies the source's revisions, so the copy opens with one that still carries the source's first
    publication date: the checklist asks the page's own row whether it was ever published."""
    ring = launched_campaign(build_index(build_site()))
    ring.summary = "A draft nobody published yet."
    ring.save_revision()
    log_in(client, "Editors")

    edit_view = client.get(copy_as_editor(client, ring, "Tell Google Nest")["Location"])

    names = [name for name, _link, _label in checklist(edit_view.content.decode())]
    assert "target" in names and "ask" in names


def test_publishing_a_copy_with_the_sources_words_asks_for_a_confirmation(client):
    ring = launched_campaign(build_index(build_site()))
    log_in(client, "Editors")
    copy_as_editor(client, ring, "Tell Google Nest")
    copy = CampaignPage.objects.get(slug="tell-google-nest")

    refused = client.post(f"/admin/pages/{copy.pk}/edit/", edit_form_data(copy, **{"action-publish": "1"}))

    assert refused.status_code == 200
    assert "Some of this campaign still says what “Tell Amazon Ring" in refused.content.decode()
    assert not CampaignPage.objects.get(pk=copy.pk).live
    # A draft is always saved, words unchanged or not.
    assert client.post(f"/admin/pages/{copy.pk}/edit/", edit_form_data(copy)).status_code == 302

    published = client.post(
        f"/admin/pages/{copy.pk}/edit/",
        edit_form_data(copy, confirm_copied_words="on", **{"action-publish": "1"}),
    )

    assert published.status_code == 302
    copy = CampaignPage.objects.get(pk=copy.pk)
    assert copy.live and copy.target == "Amazon Ring"
    # Launched: the checklist has done its job and is gone.
    assert checklist(client.get(f"/admin/pages/{copy.pk}/edit/").content.decode()) == []


def test_a_copy_whose_words_were_all_rewritten_publishes_without_a_question(client):
    ring = build_campaign(build_index(build_site()), signature_goal=50000)
    log_in(client, "Editors")
    copy_as_editor(client, ring, "Tell Google Nest")
    copy = CampaignPage.objects.get(slug="tell-google-nest")
    rewritten = {
        "summary": "Nest shares footage with police. Ask Google to stop.",
        "target": "Google",
        "cta_heading": "Sign the letter to Google",
        "signature_goal": "20000",
    }
    html = client.get(f"/admin/pages/{copy.pk}/edit/").content.decode()
    assert [name for name, _link, _label in checklist(html)] == list(rewritten)

    response = client.post(
        f"/admin/pages/{copy.pk}/edit/", edit_form_data(copy, **rewritten, **{"action-publish": "1"})
    )

    assert response.status_code == 302 and CampaignPage.objects.get(pk=copy.pk).live


def test_a_campaign_that_is_not_a_copy_shows_no_checklist_and_publishes_as_before(client):
    ring = launched_campaign(build_index(build_site()))
    log_in(client, "Editors")

    assert checklist(client.get(f"/admin/pages/{ring.pk}/edit/").content.decode()) == []
    response = client.post(f"/admin/pages/{ring.pk}/edit/", edit_form_data(ring, **{"action-publish": "1"}))
    assert response.status_code == 302


def test_the_checklist_speaks_the_editors_language(client):
    ring = launched_campaign(build_index(build_site()))
    editor = log_in(client, "Editors")
    copy_as_editor(client, ring, "Sagen Sie Google Nest: Schluss damit")
    profile = UserProfile.get_for_user(get_user_model().objects.get(username="editors"))
    profile.preferred_language = "de"
    profile.save()
    copy = CampaignPage.objects.get(slug="sagen-sie-google-nest-schluss-damit")

    html = editor.get(f"/admin/pages/{copy.pk}/edit/").content.decode()

    assert "Noch wie in der kopierten Kampagne" in html
    assert [label for _name, _link, label in checklist(html)][:4] == [
        "Zusammenfassung",
        "Titelbild",
        "Unterschreiben-Schaltflächen im Text",
        "Adressat",
    ]


def test_a_new_page_left_as_a_draft_does_not_silently_block_the_next_attempts_address(client):
    index = build_index(build_site())
    log_in(client, "Editors")
    add_url = f"/admin/pages/add/campaigns/campaignpage/{index.pk}/"
    assert client.post(add_url, campaign_form_data()).status_code == 302  # saved as a draft, then left
    draft = CampaignPage.objects.get(slug="face-recognition-shops")

    response = client.post(add_url, campaign_form_data())

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        "“Stop face recognition in shops”, a draft that was never published, already has this address."
        in html
    )
    assert f'<a href="/admin/pages/{draft.pk}/edit/">Continue editing it</a>' in html
    assert f'<a href="/admin/pages/{draft.pk}/delete/?next={quote(add_url, safe="")}">delete it</a>' in html
    client.post(f"/admin/pages/{draft.pk}/delete/")
    assert client.post(add_url, campaign_form_data()).status_code == 302


def test_an_untouched_copy_gives_its_address_to_a_page_made_from_scratch(client):
    ring = build_campaign(build_index(build_site()))
    log_in(client, "Editors")
    copy_as_editor(client, ring, "Stop face recognition in shops")
    abandoned = CampaignPage.objects.get(slug="stop-face-recognition-in-shops")

    response = client.post(
        f"/admin/pages/add/campaigns/campaignpage/{ring.get_parent().pk}/",
        campaign_form_data(slug="stop-face-recognition-in-shops"),
    )

    assert response.status_code == 302
    page = CampaignPage.objects.get(slug="stop-face-recognition-in-shops")
    assert page.pk != abandoned.pk and page.copied_from_id is None


def test_publishing_pages_in_bulk_leaves_an_unchecked_copy_unpublished(client):
    ring = launched_campaign(build_index(build_site()))
    log_in(client, "Editors")
    copy_as_editor(client, ring, "Tell Google Nest")
    copy = CampaignPage.objects.get(slug="tell-google-nest")
    explorer = f"/admin/pages/{ring.get_parent().pk}/"

    response = client.post(
        f"/admin/bulk/wagtailcore/page/publish/?id={copy.pk}&next={quote(explorer, safe='')}", follow=True
    )

    assert not CampaignPage.objects.get(pk=copy.pk).live
    assert "“Tell Google Nest” still says what the campaign it was copied from says in places." in (
        response.content.decode()
    )


def test_a_copy_that_keeps_the_sources_title_lists_it_first(client):
    ring = build_campaign(build_index(build_site()))
    log_in(client, "Editors")

    edit_view = client.get(copy_as_editor(client, ring, ring.title, slug="ring-again")["Location"])

    html = edit_view.content.decode()
    assert checklist(html)[0] == ("title", "id_title-label", "Title")
    assert 'id="id_title-label"' in html


def test_a_copy_of_a_closed_petition_starts_open_and_its_past_closing_date_is_flagged(client):
    ring = launched_campaign(
        build_index(build_site()), closed=True, closing_date=timezone.now() - timedelta(days=3)
    )
    log_in(client, "Editors")

    edit_view = client.get(copy_as_editor(client, ring, "Tell Google Nest")["Location"])

    copy = CampaignPage.objects.get(slug="tell-google-nest")
    assert not copy.closed and not copy.get_latest_revision_as_object().closed
    assert "already past: the petition would open closed" in edit_view.content.decode()
