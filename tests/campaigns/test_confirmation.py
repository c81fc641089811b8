"""Confirmation by email: a signed, expiring link in the signer's language; a signature counts once opened."""

import re
import time
from unittest import mock

import pytest
from django.core import mail

from campaigns.signatures import Signature, signature_count
from tests.builders import translate
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/sign/confirm/\S+/")


@pytest.fixture
def campaign(campaign):
    campaign.confirmation_required = True
    campaign.save_revision().publish()
    return campaign


def sign(client, page, data, **headers):
    return client.post(page.url, data, HTTP_ORIGIN=ORIGIN, **headers)


def link_path(message):
    """The confirmation link's path, for the test client (the mail's link is absolute, on BASE_URL)."""
    url = LINK.search(message.body).group(0)
    return "/" + url.split("/", 3)[3]


def test_the_mail_is_in_the_signers_language_and_nothing_counts_before_the_link(client, campaign, sign_data):
    german = translate(campaign, "de", title="Amazon Ring: Schluss mit der Polizei-Partnerschaft")

    response = sign(client, german, sign_data())

    assert response.status_code == 303
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "Amazon Ring: Schluss mit der Polizei-Partnerschaft" in message.subject
    assert link_path(message).startswith("/de/sign/confirm/")
    signature = Signature.objects.get()
    assert (signature.counted, signature.confirmed_at) == (False, None)
    assert signature_count(campaign.translation_key) == 0


def test_the_thank_you_state_asks_the_signer_to_check_their_inbox(client, campaign, sign_data):
    thank_you = client.get(sign(client, campaign, sign_data())["Location"])
    as_json = sign(client, campaign, sign_data(email="grace@example.org"), HTTP_ACCEPT="application/json")

    assert "Please check your inbox." in thank_you.content.decode()
    assert "Please check your inbox." in as_json.json()["html"]


def test_opening_the_link_confirms_and_counts_once_then_says_so_kindly(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    path = link_path(mail.outbox[0])

    first = client.get(path)
    again = client.get(path)

    assert first.status_code == 200
    assert "your signature is confirmed" in first.content.decode()
    signature = Signature.objects.get()
    assert signature.counted is True
    assert signature.confirmed_at is not None
    assert again.status_code == 200
    assert "You have already confirmed your signature" in again.content.decode()
    assert signature_count(campaign.translation_key) == 1


def test_a_tampered_link_gets_a_clear_404_page(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    path = link_path(mail.outbox[0])
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    for url in (forged, "/en-us/sign/confirm/not-a-token/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert signature_count(campaign.translation_key) == 0


def test_an_expired_link_gets_a_clear_400_page(client, campaign, sign_data):
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("time.time", return_value=eight_days_ago):
        sign(client, campaign, sign_data())

    response = client.get(link_path(mail.outbox[0]))

    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert signature_count(campaign.translation_key) == 0


def test_the_link_of_an_erased_signature_no_longer_works(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    Signature.objects.all().delete()

    assert client.get(link_path(mail.outbox[0])).status_code == 404


def test_a_repeat_signer_still_unconfirmed_gets_a_new_link_at_most_daily(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    sign(client, campaign, sign_data())
    sign(client, campaign, sign_data())

    assert len(mail.outbox) == 2
    assert all(LINK.search(message.body) for message in mail.outbox)
    client.get(link_path(mail.outbox[1]))
    assert signature_count(campaign.translation_key) == 1
