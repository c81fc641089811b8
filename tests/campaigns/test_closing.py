"""Closing: by date or by hand, the form gives way to "This petition is closed" and the final count."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models.counter import signature_count
from campaigns.models.signature import Signature
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db


def close_by_hand(page):
    page.closed = True
    page.save_revision().publish()


def close_by_date(page):
    page.closing_date = timezone.now() - timedelta(minutes=1)
    page.save_revision().publish()


@pytest.mark.parametrize("close", [close_by_hand, close_by_date], ids=["by-hand", "by-date"])
def test_a_closed_petition_shows_the_final_count_instead_of_the_form(client, campaign, sign_data, close):
    client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN)
    close(campaign)

    html = client.get(campaign.url).content.decode()

    assert "This petition is closed" in html
    assert "Final count:" in html
    assert 'data-signature-count="1"' in html
    assert "data-petition-form" not in html


@pytest.mark.parametrize("close", [close_by_hand, close_by_date], ids=["by-hand", "by-date"])
def test_posts_to_a_closed_petition_are_refused_politely(client, campaign, sign_data, close):
    close(campaign)

    page = client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN)
    as_json = client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN, HTTP_ACCEPT="application/json")

    assert page.status_code == 409
    assert "This petition is closed" in page.content.decode()
    assert as_json.status_code == 409
    assert as_json.json()["ok"] is False
    assert "This petition is closed" in as_json.json()["errors"]["__all__"][0]
    assert not Signature.objects.exists()
    assert signature_count(campaign.translation_key) == 0


def test_a_closing_date_still_ahead_keeps_the_form(client, campaign, sign_data):
    campaign.closing_date = timezone.now() + timedelta(days=1)
    campaign.save_revision().publish()

    assert "data-petition-form" in client.get(campaign.url).content.decode()
    assert client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN).status_code == 303


def test_the_count_endpoint_still_answers_for_a_closed_petition(client, campaign):
    close_by_hand(campaign)

    response = client.get(f"/en-us/api/campaigns/{campaign.translation_key}/count/")

    assert response.json() == {"count": 0, "goal": campaign.signature_goal}
