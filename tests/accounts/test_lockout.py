"""Wrong admin passwords: a client is locked out of an account after five, even the right password is then
refused with a page that says so (429, in the visitor's language), the lock lifts after the cool-off, and
nothing anywhere keeps the client's address."""

import logging
import time

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import get_user_model
from django.core.cache import cache

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
ADDRESS = "203.0.113.7"


@pytest.fixture
def manager():
    return get_user_model().objects.create_superuser("boss", "boss@example.org", "the right one")


def sign_in(client, password, address=ADDRESS, username="boss", **headers):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address, **headers
    )


def signed_in(client):
    return client.get("/admin/").status_code == 200


def test_five_wrong_passwords_lock_the_client_out_even_with_the_right_one(client, manager):
    for _ in range(4):
        response = sign_in(client, "a guess")
        assert response.status_code == 200  # the form again, with Wagtail's own error
        assert "Your username and password didn" in response.content.decode()

    fifth = sign_in(client, "a guess")
    right = sign_in(client, "the right one")

    assert fifth.status_code == 429 and right.status_code == 429
    assert "Too many failed sign-ins" in right.content.decode()
    assert "Try again in 15 minutes" in right.content.decode()
    assert int(right["Retry-After"]) == 15 * 60
    assert not signed_in(client)


def test_the_lock_is_per_client_so_the_owner_elsewhere_still_gets_in(client, manager):
    for _ in range(5):
        sign_in(client, "a guess", address="198.51.100.66")

    response = sign_in(client, "the right one", address=ADDRESS)

    assert response.status_code == 302 and signed_in(client)


def test_the_lock_lifts_after_the_cool_off(client, manager, monkeypatch):
    for _ in range(5):
        sign_in(client, "a guess")
    assert sign_in(client, "the right one").status_code == 429

    later = time.time() + 16 * 60  # the cache forgets the count: 15 minutes after the last try
    monkeypatch.setattr(time, "time", lambda: later)

    assert sign_in(client, "the right one").status_code == 302
    assert signed_in(client)


def test_many_clients_guessing_one_account_lock_the_account(client, manager, settings):
    settings.LOGIN_ACCOUNT_FAILURE_LIMIT = 3
    for n in range(3):
        assert sign_in(client, "a guess", address=f"192.0.2.{n}").status_code in (200, 429)

    response = sign_in(client, "the right one", address="192.0.2.200")

    assert response.status_code == 429 and "Try again in 60 minutes" in response.content.decode()
    assert not signed_in(client)


def test_the_lockout_page_speaks_the_visitors_language(client, manager):
    for _ in range(5):
        response = sign_in(client, "ein Versuch", HTTP_ACCEPT_LANGUAGE="de")

    assert response.status_code == 429
    assert '<html lang="de"' in response.content.decode()
    assert "Versuchen Sie es in 15 Minuten erneut" in response.content.decode()


def test_a_sign_in_after_a_few_typos_starts_again_from_nothing(client, manager):
    for _ in range(4):
        sign_in(client, "typo")
    assert sign_in(client, "the right one").status_code == 302
    client.post("/admin/logout/")

    for _ in range(4):
        assert sign_in(client, "typo").status_code == 200
    assert sign_in(client, "the right one").status_code == 302


def test_no_address_is_kept_in_the_database_the_cache_or_the_log(client, manager, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(6):
        sign_in(client, "a guess")
    sign_in(client, "the right one", address="198.51.100.23")

    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()
    assert not AccessLog.objects.exists()
    stored = cache._cache  # the locmem cache: key → pickled value
    assert stored, "the failures were counted in the cache"
    for address in (ADDRESS, "198.51.100.23"):
        assert not any(address in key for key in stored)
        assert not any(address.encode() in value for value in stored.values())
        assert not any(address in record.getMessage() for record in caplog.records)
    assert any("Locking out" in record.getMessage() for record in caplog.records)


@pytest.fixture
def redis_gone(settings):
    """The shared cache is a Redis that does not answer (nothing listens on port 1)."""
    from axes.handlers.proxy import AxesProxyHandler

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.ResilientRedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    AxesProxyHandler.get_implementation(force=True)
    yield
    AxesProxyHandler.implementation = None  # made again, on the cache the next test has, when next needed


def test_with_redis_gone_failures_are_counted_in_memory_and_the_lock_holds(client, manager, redis_gone):
    statuses = [sign_in(client, "a guess").status_code for _ in range(5)]
    right = sign_in(client, "the right one")

    assert statuses == [200, 200, 200, 200, 429]
    assert right.status_code == 429 and not signed_in(client)
    assert sign_in(client, "the right one", address="198.51.100.5").status_code == 302
