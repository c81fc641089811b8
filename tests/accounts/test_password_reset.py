"""Wagtail's "Forgotten password?" mails at most three times an hour per address and five per client, says
so with a 429 and the same words whether or not the address has an account, and keeps no address."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from campaigns import ratelimit

pytestmark = pytest.mark.django_db

RESET = "/admin/password_reset/"


@pytest.fixture
def manager():
    return get_user_model().objects.create_user("boss", "boss@example.org", "pw")


def ask(client, email, address="203.0.113.7"):
    return client.post(RESET, {"email": email}, REMOTE_ADDR=address)


def test_one_address_gets_at_most_three_mails_an_hour_from_anywhere(client, manager):
    for n in range(3):
        assert ask(client, "boss@example.org", address=f"192.0.2.{n}").status_code == 302

    fourth = ask(client, "Boss@Example.org", address="192.0.2.99")

    assert fourth.status_code == 429 and int(fourth["Retry-After"]) > 0
    assert "Too many password reset requests" in fourth.content.decode()
    assert len(mail.outbox) == 3


def test_one_client_gets_at_most_five_requests_an_hour_whatever_the_addresses(client, manager):
    for n in range(5):
        assert ask(client, f"someone{n}@example.org").status_code == 302

    sixth = ask(client, "boss@example.org")

    assert sixth.status_code == 429 and not mail.outbox
    assert ask(client, "boss@example.org", address="198.51.100.1").status_code == 302
    assert len(mail.outbox) == 1


def test_the_answer_is_the_same_for_an_address_without_an_account(client, manager):
    for _ in range(3):
        ask(client, "nobody@example.org")
        ask(client, "boss@example.org", address="198.51.100.1")

    unknown = ask(client, "nobody@example.org").content.decode()
    known = ask(client, "boss@example.org", address="198.51.100.1").content.decode()

    def strip(html):  # the address typed and the CSRF tokens differ; nothing else may
        return re.sub(
            r"[A-Za-z0-9]{64}", "", html.replace("nobody@example.org", "").replace("boss@example.org", "")
        )

    assert strip(unknown) == strip(known)


def test_the_limit_speaks_the_visitors_language(client, manager):
    for _ in range(3):
        ask(client, "boss@example.org")

    response = client.post(
        RESET, {"email": "boss@example.org"}, REMOTE_ADDR="192.0.2.1", HTTP_ACCEPT_LANGUAGE="fr"
    )

    assert response.status_code == 429 and "Trop de demandes" in response.content.decode()


def test_no_address_is_kept(client, manager):
    for _ in range(4):
        ask(client, "boss@example.org")

    counted = " ".join(ratelimit._memory.counts)
    assert "password-reset-client" in counted and "password-reset-address" in counted
    assert "203.0.113.7" not in counted and "boss@example.org" not in counted.lower()


def test_limits_with_different_windows_count_side_by_side_in_memory():
    """Without Redis both the signing limit (10 minutes) and the reset's (an hour) count in this process's
    memory; one moving on to its window must not wipe the other's counts."""
    for _ in range(2):
        assert ratelimit.seconds_until_allowed("client", rate="2/10m", scope="signing") == 0
        assert ratelimit.seconds_until_allowed("client", rate="2/1h", scope="reset") == 0

    assert ratelimit.seconds_until_allowed("client", rate="2/10m", scope="signing") > 0
    assert ratelimit.seconds_until_allowed("client", rate="2/1h", scope="reset") > 0
