"""Wagtail's audit log ("Logs" report, each campaign's history) records who exported or erased how many
signatures of which campaign, and when, and never whose."""

import pytest
from django.urls import reverse
from wagtail.models import PageLogEntry

from campaigns.models.counter import signature_count
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in

pytestmark = pytest.mark.django_db

LISTING = "/admin/campaigns/signature/"


@pytest.fixture
def campaigns(db):
    index = build_index(build_site())
    return build_campaign(index), build_campaign(index, title="Stop the dragnet", slug="dragnet")


def entries(action):
    return list(PageLogEntry.objects.filter(action=action).select_related("user").order_by("page_id"))


def no_signer_in(entries_, *marks):
    return not any(
        mark in f"{entry.message} {entry.data} {entry.label}" for entry in entries_ for mark in marks
    )


def test_an_export_is_logged_per_campaign_with_its_number_of_rows(client, campaigns):
    ring, dragnet = campaigns
    for n in range(3):
        build_signature(ring, email=f"ring{n}@example.org")
    build_signature(dragnet, email="zeb@example.net")
    log_in(client, "Signature managers")

    b"".join(client.get(f"{LISTING}?export=csv").streaming_content)

    logged = entries("campaigns.export_signatures")
    assert [(e.page_id, e.data["count"], e.user.username) for e in logged] == [
        (ring.pk, 3, "signature-managers"),
        (dragnet.pk, 1, "signature-managers"),
    ]
    assert logged[0].message == "Exported 3 signatures (CSV)"
    assert no_signer_in(logged, "example.org", "example.net", "Ada")


def test_forgetting_a_person_is_logged_on_each_campaign_they_signed_without_their_address(client, campaigns):
    ring, dragnet = campaigns
    build_signature(ring, email="zeb@example.net", first_name="Zebediah")
    build_signature(dragnet, email="zeb@example.net", first_name="Zebediah")
    build_signature(ring, email="ada@example.org")
    log_in(client, "Signature managers")

    client.post(reverse("campaigns_signature_forget"), {"email": "Zeb@example.net", "confirm": "1"})

    logged = entries("campaigns.erase_signatures")
    assert [(e.page_id, e.data["count"]) for e in logged] == [(ring.pk, 1), (dragnet.pk, 1)]
    assert logged[0].message == "Erased 1 signature on request"
    assert no_signer_in(logged, "zeb", "Zebediah")
    assert signature_count(ring.translation_key) == 1


def test_deleting_submissions_is_logged_as_an_erasure(client, campaigns):
    ring, _dragnet = campaigns
    chosen = [build_signature(ring, email=f"gone{n}@example.org") for n in range(2)]
    log_in(client, "Signature managers")
    url = reverse("wagtailforms:delete_submissions", args=[ring.pk])

    client.post(url + "?" + "&".join(f"selected-submissions={s.pk}" for s in chosen))

    [entry] = entries("campaigns.erase_signatures")
    assert entry.page_id == ring.pk and entry.data["count"] == 2
    assert no_signer_in([entry], "gone")
