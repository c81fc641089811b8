"""Marking a petition delivered: the page says "Delivered to … on …" in every language, at once, even to
visitors served from the page cache; a copy of the campaign (a new petition) is not delivered."""

import datetime

import pytest

from campaigns.models.pages import CampaignPage
from tests.builders import build_campaign, build_index, build_site, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns():
    index = build_index(build_site())
    ring = build_campaign(index)
    translate(index, "de")
    translate(index, "en-gb")
    german = translate(ring, "de", target="Amazon Ring (Deutschland)")
    british = translate(ring, "en-gb")
    return ring, german, british


def deliver(page, **fields):
    fields.setdefault("delivered_on", datetime.date(2026, 3, 3))
    for name, value in fields.items():
        setattr(page, name, value)
    page.save_revision().publish()


def test_every_language_says_the_petition_was_delivered(client, campaigns):
    ring, german, british = campaigns
    for page in (ring, german, british):  # anonymous visitors: these are now in the page cache
        assert "Delivered to" not in client.get(page.url).content.decode()

    deliver(ring, delivered_to="Amazon")

    assert "Delivered to Amazon on March 3, 2026" in client.get(ring.url).content.decode()
    assert "Delivered to Amazon on 3 Mar 2026" in client.get(british.url).content.decode()
    assert "Übergeben an Amazon am 3. März 2026" in client.get(german.url).content.decode()
    for page in (german, british):
        assert CampaignPage.objects.get(pk=page.pk).delivered_to == "Amazon"


def test_without_a_recipient_each_language_names_its_own_target(client, campaigns):
    ring, german, _british = campaigns

    deliver(german)  # any language may say it: the campaign is delivered everywhere

    assert "Übergeben an Amazon Ring (Deutschland) am 3. März 2026" in client.get(german.url).content.decode()
    assert "Delivered to Amazon Ring on March 3, 2026" in client.get(ring.url).content.decode()


def test_a_translation_made_after_the_delivery_keeps_it(client):
    index = build_index(build_site())
    ring = build_campaign(index, delivered_on=datetime.date(2026, 3, 3), delivered_to="Amazon")
    translate(index, "fr")

    french = translate(ring, "fr")

    assert french.delivered_on == datetime.date(2026, 3, 3) and french.delivered_to == "Amazon"
    assert CampaignPage.objects.get(pk=ring.pk).delivered_on == datetime.date(2026, 3, 3)
    assert "Remise à Amazon le 3 mars 2026" in client.get(french.url).content.decode()


def test_a_copy_in_the_admin_is_a_new_petition_not_yet_delivered(admin_client):
    index = build_index(build_site())
    ring = build_campaign(index, delivered_on=datetime.date(2026, 3, 3), delivered_to="Amazon")

    response = admin_client.post(
        f"/admin/pages/{ring.pk}/copy/",
        {"new_title": "Tell Google Nest", "new_slug": "google-nest", "new_parent_page": index.pk},
    )

    assert response.status_code == 302
    copy = CampaignPage.objects.get(slug="google-nest")
    assert copy.delivered_on is None and copy.delivered_to == ""
    assert copy.get_latest_revision_as_object().delivered_on is None
    edit = admin_client.get(f"/admin/pages/{copy.pk}/edit/").content.decode()
    assert "2026-03-03" not in edit
