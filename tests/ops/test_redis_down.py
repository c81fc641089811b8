"""Redis goes away: pages are still served (uncached) instead of 500s, signatures are still taken, one warning is logged a minute rather
than one a request, /readyz says the cache is down, and the cache works again when Redis returns. A Redis
that hangs instead holds up one request now and then, not every request.

The outage is real: a redis-server of the test's own, on its own port, killed and started again, or a TCP
server that accepts connections and never answers.
"""

import logging
import threading

import pytest
from django.core.cache import caches
from django.test import Client
from redis import exceptions as redis_errors

from campaigns.models.signature import Signature
from ops import cache as resilient
from tests.builders import build_campaign, build_index, build_site
from tests.services import HungServer, RedisServer, wait_for

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


@pytest.fixture
def hung_redis(settings, monkeypatch):
    server = HungServer()
    settings.CACHES = {
        "default": {
            "BACKEND": "ops.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    settings.REDIS_URL = server.url
    settings.REDIS_TIMEOUT = 0.25
    # Long enough that Redis is not tried again while the test runs, however slow the machine.
    monkeypatch.setattr(resilient, "RETRY_INTERVAL", 600)
    monkeypatch.setattr(resilient.warning, "_last", {})
    yield server
    server.close()


def test_a_hung_redis_holds_up_one_request_not_every_one(hung_redis):
    """Each request that asks a hung Redis waits its timeout; after the first, pages and signatures alike go
    on without Redis. Counted as the connections the hung server received: one."""
    campaign = build_campaign(build_index(build_site()))
    client = Client()

    pages = [client.get(path) for path in (campaign.url, "/en-us/", campaign.url, "/en-us/campaigns/")]
    signed = [
        client.post(
            campaign.url,
            {"first_name": "Ada", "last_name": "L", "email": f"ada{n}@example.org", "country": "GB"},
            HTTP_ORIGIN="http://testserver",
        )
        for n in range(3)
    ]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert [answer.status_code for answer in signed] == [303, 303, 303]
    assert Signature.objects.count() == 3
    assert hung_redis.connections == 1


def test_after_the_pause_one_thread_tries_the_hung_redis_again_while_the_others_go_on(
    hung_redis, monkeypatch
):
    """A gunicorn worker serves from several threads, each with its own cache object: they share what one
    learnt, and when Redis is due to be tried again only one of them waits on it."""
    cache = caches["default"]
    monkeypatch.setattr(resilient, "RETRY_INTERVAL", 0.3)
    assert cache.get("page") is None
    assert hung_redis.connections == 1
    wait_for(cache.is_available, timeout=10, message="Redis to be due for another try")
    monkeypatch.setattr(resilient, "RETRY_INTERVAL", 600)

    threads = 8
    start = threading.Barrier(threads)
    answers = []

    def visitor():
        start.wait()
        thread_cache = caches["default"]  # this thread's own cache object, as in a gunicorn thread
        answers.extend(thread_cache.get("page", "uncached") for _ in range(5))

    workers = [threading.Thread(target=visitor) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    assert answers == ["uncached"] * threads * 5
    assert hung_redis.connections == 2
