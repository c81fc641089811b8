"""A signature manager marks the petition delivered in the admin: every language's page says so, at once, and
an editor's unpublished draft stays unpublished and keeps the delivery when it is published later."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import PageLogEntry

from campaigns.models.pages import CampaignPage
from tests.builders import build_campaign, build_index, build_site, log_in, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def ring():
    index = build_index(build_site())
    page = build_campaign(index)
    translate(index, "de")
    return page, translate(page, "de", target="Amazon Ring (Deutschland)")


def mark(client, page, **data):
    data.setdefault("delivered_on", "2026-03-03")
    data.setdefault("delivered_to", "Amazon")
    return client.post(f"/admin/campaigns/deliver/{page.pk}/", {"mark_delivered": "1", **data})


def test_marking_it_delivered_shows_on_every_language(client, ring):
    english, german = ring
    for page in (english, german):  # anonymous visitors: now in the page cache
        assert "Delivered to" not in client.get(page.url).content.decode()
    manager = log_in(client.__class__(), "Signature managers")

    response = mark(manager, english)

    assert response.status_code == 302
    assert "Delivered to Amazon on March 3, 2026" in client.get(english.url).content.decode()
    assert "Übergeben an Amazon am 3. März 2026" in client.get(german.url).content.decode()
    assert (
        "Delivered to Amazon on March 3, 2026"
        in manager.get(f"/admin/campaigns/deliver/{german.pk}/").content.decode()
    )
    # The page history says who: the manager published each language.
    published_by = PageLogEntry.objects.filter(action="wagtail.publish", user__username="signature-managers")
    assert set(published_by.values_list("page_id", flat=True)) == {english.pk, german.pk}


def test_an_editors_draft_stays_a_draft_and_keeps_the_delivery(client, ring):
    english, german = ring
    draft = CampaignPage.objects.get(pk=german.pk)
    draft.title = "Unfertiger Entwurf"
    draft.save_revision()
    manager = log_in(client.__class__(), "Signature managers")

    mark(manager, english)

    live = CampaignPage.objects.get(pk=german.pk)
    assert live.title != "Unfertiger Entwurf" and live.has_unpublished_changes
    latest = live.get_latest_revision_as_object()
    assert latest.title == "Unfertiger Entwurf" and latest.delivered_on == datetime.date(2026, 3, 3)
    assert "Unfertiger Entwurf" not in client.get(german.url).content.decode()

    live.get_latest_revision().publish()  # the editor publishes the draft: the delivery stays

    assert "Übergeben an Amazon am 3. März 2026" in client.get(german.url).content.decode()
    assert CampaignPage.objects.get(pk=english.pk).delivered_on == datetime.date(2026, 3, 3)


def test_a_day_in_the_future_is_refused(client, ring):
    english, _german = ring
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    manager = log_in(client, "Signature managers")

    response = mark(manager, english, delivered_on=tomorrow.isoformat())

    assert response.status_code == 400
    assert "cannot be delivered in the future" in response.content.decode()
    assert CampaignPage.objects.get(pk=english.pk).delivered_on is None
