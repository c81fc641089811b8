"""Editors launch a new petition by copying the last one: the copy keeps the settings, not the signatures."""

import pytest

from campaigns.pages import CampaignFormField, CampaignPage
from campaigns.signatures import signature_count
from tests.builders import build_campaign, build_index, build_signature, build_site

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
    from campaigns.goals import Milestone, record_milestones

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
