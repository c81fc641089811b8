"""Redis goes away: pages are still served (uncached) instead of 500s, signatures are still taken, one warning is logged a minute rather
than one a request, /readyz says the cache is down, and the cache works again when Redis returns.

The outage is real: a redis-server of the test's own, on its own port, killed and started again.
"""

import logging

import pytest
from django.core.cache import caches
from django.test import Client
from redis import exceptions as redis_errors

from campaigns.signatures import Signature
from ops import cache as resilient
from tests.builders import build_campaign, build_index, build_site
from tests.services import RedisServer, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def redis(settings, monkeypatch):
    server = RedisServer().start()
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.REDIS_URL = server.url  # the signing rate limit counts there too (campaigns.ratelimit)
    monkeypatch.setattr(resilient, "RETRY_INTERVAL", 0.2)  # try Redis again sooner than in production
    monkeypatch.setattr(resilient.warning, "_last", {})
    yield server
    server.kill()


def test_pages_are_served_while_redis_is_down_and_the_cache_returns_with_it(redis, caplog):
    campaign = build_campaign(build_index(build_site()))
    client = Client()
    cache = caches["default"]
    cache.set("greeting", "hello")
    assert cache.get("greeting") == "hello"

    redis.kill()
    with caplog.at_level(logging.WARNING, logger="ops.cache"):
        pages = [client.get(path) for path in (campaign.url, "/en-us/", campaign.url, "/en-us/campaigns/")]
        ready = client.get("/readyz")

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    signer = {"first_name": "Ada", "last_name": "L", "email": "ada@example.org", "country": "GB"}
    assert client.post(campaign.url, signer, HTTP_ORIGIN="http://testserver").status_code == 303
    assert Signature.objects.filter(email="ada@example.org").exists()
    assert cache.get("greeting") is None  # a miss, not an error
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}
    warnings = [record.getMessage() for record in caplog.records if record.name == "ops.cache"]
    assert warnings == ["Cache unavailable (ConnectionError): serving pages without it"]

    redis.start()  # the same port: Redis is back

    def cache_works():
        cache.set("greeting", "hello again")
        return cache.get("greeting") == "hello again"

    wait_for(cache_works, timeout=5, message="the cache to use Redis again")  # within RETRY_INTERVAL
    assert client.get("/readyz").json()["checks"]["cache"]["ok"] is True
    assert client.get(campaign.url).status_code == 200


def test_counters_do_not_pretend_while_redis_is_down(redis):
    cache = caches["default"]
    cache.set("attempts", 1)
    redis.kill()

    with pytest.raises(redis_errors.ConnectionError):
        cache.incr("attempts")
    assert cache.is_available() is False


@pytest.mark.parametrize("failure", [OSError(104, "Connection reset"), ValueError("I/O on closed file")])
def test_a_connection_that_breaks_mid_handshake_is_an_outage_not_a_500(redis, monkeypatch, failure):
    """Under load a connection to Redis can break while redis-py reads its handshake, and redis-py then raises
    the socket's OSError or a ValueError from its closed buffer instead of one of its own errors (`make bench`
    saw one such 500 in 5,000 signatures). Both the page cache and the signing rate limit take it as Redis
    being away."""
    from redis.connection import ConnectionPool

    campaign = build_campaign(build_index(build_site()))
    client = Client()

    def broken(*args, **kwargs):
        raise failure

    monkeypatch.setattr(ConnectionPool, "get_connection", broken)
    page = client.get(campaign.url)
    signer = {"first_name": "Ada", "last_name": "L", "email": "ada@example.org", "country": "GB"}
    signed = client.post(campaign.url, signer, HTTP_ORIGIN="http://testserver")

    assert page.status_code == 200
    assert signed.status_code == 303
    assert Signature.objects.filter(email="ada@example.org").exists()
    with pytest.raises(redis_errors.ConnectionError):  # counters still refuse to pretend
        caches["default"].incr("attempts")
