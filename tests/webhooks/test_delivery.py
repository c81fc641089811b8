"""Webhooks as the organisation's CRM receives them, from a real HTTP server on a local port: signed, in
OSDI's field names, in order per signature, retried until they arrive, never sent again once they have, and
carrying signers' details only to endpoints allowed to receive them."""

import json
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from campaigns import events, privacy
from campaigns.models.signature import Signature
from tests.builders import build_campaign, build_index, build_site
from tests.campaigns.conftest import ORIGIN
from tests.webhooks.conftest import run_worker
from webhooks import delivery, signing
from webhooks.models import (
    EVENTS,
    SIGNATURE_CONFIRMED,
    SIGNATURE_CREATED,
    SIGNATURE_ERASED,
    SIGNATURES_ANONYMISED,
    Delivery,
    Endpoint,
    new_secret,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SIGNER = {
    "first_name": "Zofia",
    "last_name": "Quarrington",
    "email": "zofia.quarrington@example.org",
    "country": "PL",
    "postal_code": "00-950",
}


@pytest.fixture
def campaign():
    return build_campaign(build_index(build_site()), confirmation_required=True)


def endpoint(receiver, **kwargs):
    kwargs.setdefault("name", "Coalition CRM")
    kwargs.setdefault("events", list(EVENTS))
    return Endpoint.objects.create(url=receiver.url, **kwargs)


def sign(client, campaign, **changes):
    """Sign, and let the worker take the task that follows every signing (campaigns.signing.follow_up), as it
    does long before the signer can confirm: it queues the deliveries and sends none of them."""
    response = client.post(campaign.url, {**SIGNER, **changes}, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 303
    run_worker(rounds=1, max_tasks=1)
    return Signature.objects.get(email=changes.get("email", SIGNER["email"]))


def test_signing_queues_deliveries_and_waits_for_none_of_them(client, campaign, receiver, database_queue):
    crm = endpoint(receiver)

    client.post(campaign.url, SIGNER, HTTP_ORIGIN=ORIGIN)

    # The request only queued what follows a signature, as it does for a repeat (the reply must not differ).
    assert receiver.requests == [] and not Delivery.objects.exists()
    run_worker(rounds=1, max_tasks=1)
    assert receiver.requests == []  # the worker sends each delivery as a task of its own
    assert list(Delivery.objects.values_list("endpoint", "event", "status")) == [
        (crm.pk, SIGNATURE_CREATED, "pending")
    ]


def test_a_signature_confirmed_then_erased_arrives_signed_and_in_order(
    client, campaign, receiver, database_queue
):
    crm = endpoint(receiver, personal_data=True)
    signature = sign(client, campaign, comment="")
    with transaction.atomic():
        events.emit(events.confirmed, signature=signature)  # as the confirmation link does
    privacy.forget_person(SIGNER["email"])

    run_worker()

    assert [kind for kind, _body, _headers in receiver.events()] == [
        SIGNATURE_CREATED,
        SIGNATURE_CONFIRMED,
        SIGNATURE_ERASED,
    ]
    for request in receiver.requests:
        headers = {name.lower(): value for name, value in request["headers"].items()}
        assert signing.verify(crm.secret, headers, request["body"])
        assert not signing.verify(new_secret(), headers, request["body"])  # another endpoint's secret
    created, confirmed, erased = (body for _kind, body, _headers in receiver.events())
    identifier = f"campaigns:signature:{signature.pk}"
    assert created["data"]["identifiers"] == [identifier]
    # The signer's details were erased before the worker sent anything: no event carries them any more.
    assert SIGNER["email"].encode() not in b"".join(r["body"] for r in receiver.requests)
    assert erased["data"] == {
        "identifiers": [identifier],
        "petition": {"identifiers": [f"campaigns:{campaign.translation_key}"]},
    }
    assert Delivery.objects.filter(status="delivered").count() == 3


def test_an_endpoint_allowed_personal_data_gets_the_signer_in_osdi_fields(
    client, campaign, receiver, database_queue
):
    endpoint(receiver, personal_data=True)

    signature = sign(client, campaign, newsletter_opt_in="on", utm_source="newsletter-42")
    run_worker()

    [(kind, body, _headers)] = receiver.events()
    assert kind == SIGNATURE_CREATED
    data = body["data"]
    assert data["person"] == {
        "given_name": "Zofia",
        "family_name": "Quarrington",
        "email_addresses": [{"address": SIGNER["email"], "primary": True, "status": "subscribed"}],
        "postal_addresses": [{"primary": True, "postal_code": "00-950", "country": "PL"}],
        "preferred_language": "en-us",
        "custom_fields": {},
    }
    assert data["referrer_data"]["source"] == "newsletter-42"
    assert data["petition"]["browser_url"] == campaign.get_full_url()
    assert data["action_date"] == signature.submit_time.isoformat().replace("+00:00", "Z")
    assert data["counted"] is False and data["confirmed_date"] is None


def test_an_endpoint_without_personal_data_gets_ids_and_source_only(
    client, campaign, receiver, database_queue
):
    endpoint(receiver, personal_data=False)

    sign(client, campaign, comment="Stop it, Amazon")
    run_worker()

    [request] = receiver.requests
    for detail in ("Zofia", "Quarrington", "zofia.quarrington", "00-950", "Stop it"):
        assert detail.encode() not in request["body"]
    assert "person" not in json.loads(request["body"])["data"]


def test_a_receiver_that_fails_three_times_still_gets_the_event_and_never_twice(
    client, campaign, receiver, database_queue
):
    endpoint(receiver)
    receiver.failures = 3

    signature = sign(client, campaign)
    with transaction.atomic():
        events.emit(events.confirmed, signature=signature)
    run_worker()
    run_worker()  # the queue holds tasks for attempts that are no longer needed: they send nothing

    kinds = [kind for kind, _body, _headers in receiver.events()]
    assert kinds == [SIGNATURE_CREATED] * 4 + [SIGNATURE_CONFIRMED]  # the confirmation waited its turn
    assert len({headers["webhook-id"] for _kind, _body, headers in receiver.events()[:4]}) == 1
    created = Delivery.objects.get(event=SIGNATURE_CREATED)
    assert (created.status, created.attempts, created.last_status) == ("delivered", 4, 204)
    assert delivery.send_due(timezone.now() + timedelta(days=2)) == 0  # nothing left to send, ever


def test_a_failure_is_logged_with_its_answer_and_retried_later(client, campaign, receiver, settings):
    settings.WEBHOOK_RETRY_DELAY = 30
    endpoint(receiver)
    receiver.failures = 1

    sign(client, campaign)  # the immediate backend sends at once, and cannot wait to retry

    failed = Delivery.objects.get()
    assert (failed.status, failed.attempts, failed.last_status) == ("pending", 1, 500)
    assert failed.last_error == "HTTP 500 Internal Server Error: database locked"
    assert failed.next_attempt_at > timezone.now() + timedelta(seconds=25)
    assert delivery.send_due() == 0  # not due yet
    assert delivery.send_due(timezone.now() + timedelta(seconds=31)) == 1
    assert Delivery.objects.get().status == "delivered"


def test_after_a_day_of_failures_it_gives_up_and_an_administrator_can_retry(
    client, campaign, receiver, settings
):
    endpoint(receiver)
    receiver.failures = 1000
    sign(client, campaign)
    failed = Delivery.objects.get()

    delivery.attempt(failed.pk, now=failed.created_at + timedelta(days=1, seconds=1))

    failed.refresh_from_db()
    assert failed.status == "failed" and failed.attempts == 2

    receiver.failures = 0
    delivery.retry_now(failed)
    failed.refresh_from_db()
    assert failed.status == "delivered" and failed.attempts == 3


def test_each_endpoint_gets_only_the_events_and_campaigns_it_asked_for(
    client, campaign, receiver, database_queue
):
    other = build_campaign(campaign.get_parent(), slug="other", title="Another campaign")
    endpoint(receiver, name="Only erasures", events=[SIGNATURE_ERASED])
    endpoint(receiver, name="Only the other campaign", campaigns=[str(other.translation_key)])

    sign(client, campaign)
    run_worker()

    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_retention_sends_one_anonymised_event_per_campaign(client, campaign, receiver, database_queue):
    endpoint(receiver, events=[SIGNATURES_ANONYMISED])
    first = sign(client, campaign)
    second = sign(client, campaign, email="second@example.org")

    privacy.anonymise_signatures(Signature.objects.all())
    run_worker()

    [(kind, body, _headers)] = receiver.events()
    assert kind == SIGNATURES_ANONYMISED
    assert sorted(s["identifiers"][0] for s in body["data"]["signatures"]) == sorted(
        f"campaigns:signature:{s.pk}" for s in (first, second)
    )


def test_a_paused_endpoint_gets_nothing(client, campaign, receiver, database_queue):
    endpoint(receiver, active=False)

    sign(client, campaign)

    assert not Delivery.objects.exists()
