"""Quarantine: a signature a rule flags is stored and answered and mailed like any other, does not count, and
counts exactly once when a Signature manager releases it; the stored count and `reconcile_counts` agree
throughout (on PostgreSQL too: run with DATABASE_URL)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from campaigns import privacy, quarantine
from campaigns.models.counter import reconcile_counts, signature_count
from campaigns.models.signature import Signature
from integrity.models import IntegritySettings
from tests.builders import build_campaign, build_index, build_site
from tests.campaigns.conftest import ORIGIN
from tests.campaigns.test_confirmation import link_path, press_the_button
from tests.campaigns.test_signing_tells_nothing import visible
from webhooks.models import SIGNATURE_CONFIRMED, SIGNATURE_CREATED, Delivery, Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return build_campaign(build_index(build_site()))


@pytest.fixture(autouse=True)
def blocked_domain(db):
    values = IntegritySettings.load()
    values.blocked_domains = "spam.example\n**.spam.example"
    values.save()


def post(client, campaign, sign_data, address, **headers):
    return client.post(campaign.url, sign_data(email=address), HTTP_ORIGIN=ORIGIN, **headers)


def count(campaign):
    return signature_count(campaign.translation_key)


@pytest.mark.parametrize("confirmation_required", [True, False], ids=["confirming", "counting-at-once"])
@pytest.mark.parametrize("way", [{}, {"HTTP_ACCEPT": "application/json"}], ids=["form", "json"])
def test_a_flagged_signer_gets_the_reply_and_mails_anyone_gets(
    client, campaign, sign_data, confirmation_required, way
):
    campaign.confirmation_required = confirmation_required
    campaign.save_revision().publish()

    plain = post(client, campaign, sign_data, "bob@example.org", **way)
    plain_mails = [message.subject for message in mail.outbox]
    mail.outbox.clear()
    flagged = post(client, campaign, sign_data, "ada@mx.spam.example", **way)

    if confirmation_required:
        assert visible(flagged) == visible(plain)
    else:
        assert (flagged.status_code, flagged.content) == (plain.status_code, plain.content)
    assert [message.subject for message in mail.outbox] == plain_mails
    signature = Signature.objects.get(email="ada@mx.spam.example")
    assert signature.flag_reasons == [
        {"rule": "blocked_domain", "reason": "the email domain matches the blocked entry **.spam.example"}
    ]
    assert (signature.held, signature.counted) == (True, False)
    assert count(campaign) == (0 if confirmation_required else 1)


def test_release_counts_a_flagged_signature_exactly_once(client, campaign, sign_data):
    post(client, campaign, sign_data, "bob@example.org")
    post(client, campaign, sign_data, "ada@spam.example")
    post(client, campaign, sign_data, "eve@spam.example")
    assert count(campaign) == 1
    assert reconcile_counts() == {}

    ada = Signature.objects.filter(email="ada@spam.example")
    assert quarantine.release(ada) == (1, 1)
    assert quarantine.release(ada) == (0, 0)  # a second manager, or a second press
    assert quarantine.release(Signature.objects.all()) == (1, 1)  # only Eve was still held

    assert count(campaign) == 3
    assert reconcile_counts() == {}
    assert Signature.objects.filter(counted=True).count() == 3


def test_a_flagged_signature_confirmed_counts_only_once_released(client, campaign, sign_data):
    campaign.confirmation_required = True
    campaign.save_revision().publish()
    post(client, campaign, sign_data, "ada@spam.example")

    reply = press_the_button(client, link_path(mail.outbox[0]))

    assert "your signature is confirmed" in reply.content.decode()  # what anyone is told
    signature = Signature.objects.get()
    assert signature.confirmed_at is not None and not signature.counted
    assert count(campaign) == 0
    assert (
        "You have already confirmed your signature" in client.get(link_path(mail.outbox[0])).content.decode()
    )

    assert quarantine.release(Signature.objects.all()) == (1, 1)
    assert count(campaign) == 1
    assert reconcile_counts() == {}


def test_released_before_confirming_it_counts_when_confirmed(client, campaign, sign_data):
    campaign.confirmation_required = True
    campaign.save_revision().publish()
    post(client, campaign, sign_data, "ada@spam.example")

    assert quarantine.release(Signature.objects.all()) == (1, 0)
    assert count(campaign) == 0
    press_the_button(client, link_path(mail.outbox[0]))

    assert count(campaign) == 1
    assert reconcile_counts() == {}


def test_webhooks_hear_of_a_flagged_signature_only_once_released(
    client, campaign, sign_data, django_capture_on_commit_callbacks
):
    Endpoint.objects.create(
        name="CRM", url="https://crm.example.org/hook", events=[SIGNATURE_CREATED, SIGNATURE_CONFIRMED]
    )
    post(client, campaign, sign_data, "bob@example.org")
    post(client, campaign, sign_data, "ada@spam.example")
    assert Delivery.objects.filter(event=SIGNATURE_CREATED).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        quarantine.release(Signature.objects.filter(email="ada@spam.example"))

    assert Delivery.objects.filter(event=SIGNATURE_CONFIRMED).count() == 1


def test_a_held_signature_is_kept_for_a_manager_not_deleted_as_unconfirmed(client, campaign, sign_data):
    post(client, campaign, sign_data, "ada@spam.example")
    later = timezone.now() + timedelta(days=30)
    assert not privacy.unconfirmed_expired(later).exists()


def test_a_signer_who_corrects_a_mistake_is_not_taken_for_a_second_signature(
    client, campaign, sign_data, integrity_rates
):
    """The per-address rate (1 a minute as shipped) counts signatures, not attempts: a form sent back for a
    mistake and sent again at once is one person signing once. A second signature from that address within
    the minute is still flagged."""
    refused = client.post(campaign.url, sign_data(email="ada@example"), HTTP_ORIGIN=ORIGIN)
    assert refused.status_code == 400
    post(client, campaign, sign_data, "ada@example.org")
    post(client, campaign, sign_data, "bob@example.org")

    ada, bob = (Signature.objects.get(email=email) for email in ("ada@example.org", "bob@example.org"))
    assert ada.flag_reasons == []
    assert [reason["rule"] for reason in bob.flag_reasons] == ["address_rate"]
