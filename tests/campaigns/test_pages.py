"""Page types: where each may be created, and an editor creating a campaign through the admin."""

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from campaigns.models.pages import CampaignIndexPage, CampaignPage
from campaigns.models.privacy_page import PrivacyPage
from home.models import HomePage
from tests.builders import build_campaign, build_index, build_site, log_in

pytestmark = pytest.mark.django_db


def test_parent_and_child_rules_are_strict():
    assert HomePage.allowed_parent_page_models() == [Page]
    assert HomePage.allowed_subpage_models() == [CampaignIndexPage, PrivacyPage]
    assert CampaignIndexPage.allowed_parent_page_models() == [HomePage]
    assert CampaignIndexPage.allowed_subpage_models() == [CampaignPage]
    assert CampaignPage.allowed_parent_page_models() == [CampaignIndexPage]
    assert CampaignPage.allowed_subpage_models() == []
    assert PrivacyPage.allowed_parent_page_models() == [HomePage]
    assert PrivacyPage.allowed_subpage_models() == []


def test_campaigns_can_only_go_under_a_campaign_index():
    home = build_site()
    index = build_index(home)
    campaign = build_campaign(index)
    assert CampaignPage.can_create_at(index)
    assert not CampaignPage.can_create_at(home)
    assert not CampaignPage.can_create_at(campaign)
    assert not CampaignIndexPage.can_create_at(index)
    assert not HomePage.can_create_at(home)


def campaign_form_data(**overrides):
    data = {
        "title": "Stop face recognition in shops",
        "slug": "face-recognition-shops",
        "summary": "Shops scan our faces without asking. Tell them to stop.",
        "body": streamfield(
            [
                ("heading", {"text": "What is happening", "level": "h2"}),
                ("paragraph", rich_text("<p>Cameras in shops match faces against watchlists.[1]</p>")),
            ]
        ),
        "references": streamfield(
            [
                (
                    "reference",
                    {
                        "title": "Facial recognition in retail",
                        "author": "",
                        "publisher": "Example Watchdog",
                        "date": "2024-01-02",
                        "url": "https://example.org/report",
                    },
                )
            ]
        ),
        "target": "Retailers",
        "cta_heading": "Sign the letter to retailers",
        "ask": rich_text("<p>Stop scanning our faces.</p>"),
        "signature_goal": "5000",
        "first_name_field": "required",
        "last_name_field": "optional",
        "country_field": "required",
        "postal_code_field": "hidden",
        "comment_field": "hidden",
        "newsletter_opt_in": "on",
        "consent_text": "We will email you about this campaign.",
        "thank_you_text": rich_text(""),
        "confirmation_reminder_hours": "24",
        "form_fields": inline_formset([]),
        "embed_partners": inline_formset([]),
        "share_text": "",
    }
    data.update(overrides)
    return nested_form_data(data)


def test_an_editor_creates_a_campaign_in_the_admin(admin_client):
    index = build_index(build_site())
    response = admin_client.post(
        f"/admin/pages/add/campaigns/campaignpage/{index.pk}/", campaign_form_data(), follow=False
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = CampaignPage.objects.get(slug="face-recognition-shops")
    assert page.get_parent().pk == index.pk
    assert page.target == "Retailers"
    assert page.references[0].value["publisher"] == "Example Watchdog"
    assert [block.block_type for block in page.body] == ["heading", "paragraph"]


def test_the_campaign_editor_has_content_petition_and_promote_tabs(admin_client):
    campaign = build_campaign(build_index(build_site()))
    response = admin_client.get(f"/admin/pages/{campaign.pk}/edit/")
    assert response.status_code == 200
    html = response.content.decode()
    for tab in ("content", "petition", "promote"):
        assert f'id="tab-label-{tab}"' in html
    assert "Who the petition is addressed to" in html  # help text written for editors


def test_a_campaign_cannot_be_added_under_the_home_page(admin_client):
    home = build_site()
    # Under a home page go a campaign list and a privacy notice, never a campaign.
    choices = admin_client.get(f"/admin/pages/{home.pk}/add_subpage/").content.decode()
    assert f"/admin/pages/add/campaigns/campaignindexpage/{home.pk}/" in choices
    assert f"/admin/pages/add/campaigns/privacypage/{home.pk}/" in choices
    assert "/admin/pages/add/campaigns/campaignpage/" not in choices
    response = admin_client.post(
        f"/admin/pages/add/campaigns/campaignpage/{home.pk}/", campaign_form_data(), follow=False
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert not CampaignPage.objects.exists()


LEGAL_AND_OPERATIONS = ("retention_days", "to_address", "from_address", "subject")


def test_only_administrators_set_retention_and_the_team_notification_addresses(client, admin_client):
    """How long signers' details are kept and who is mailed each signer's details are decisions for an
    administrator: an Editor neither sees these fields nor changes them by posting them anyway."""
    campaign = build_campaign(build_index(build_site()), retention_days=90, to_address="team@example.org")
    url = f"/admin/pages/{campaign.pk}/edit/"
    admin_form = admin_client.get(url).context["form"]
    assert set(LEGAL_AND_OPERATIONS) <= set(admin_form.fields)

    editor = log_in(client, "Editors")
    response = editor.get(url)
    assert not set(LEGAL_AND_OPERATIONS) & set(response.context["form"].fields)
    assert "keep signers&#x27; details for" not in response.content.decode().lower()
    data = campaign_form_data(
        title=campaign.title,
        slug=campaign.slug,
        retention_days="",
        to_address="harvest@evil.example",
        from_address="harvest@evil.example",
        subject="All of them",
    )
    data["action-publish"] = "action-publish"
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    campaign.refresh_from_db()
    assert campaign.target == "Retailers"  # the edit went through
    assert (campaign.retention_days, campaign.to_address, campaign.from_address) == (
        90,
        "team@example.org",
        "",
    )
