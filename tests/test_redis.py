"""With REDIS_URL set, the signing rate limit lives in Redis, shared by every app process, and signing goes on
when Redis fails."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.test import Client

from campaigns import ratelimit
from campaigns.models.signature import Signature
from ops import cache as resilient
from ops import process_memory
from tests.builders import build_campaign, build_index, build_site
from tests.conftest import REDIS_URL

pytestmark = [pytest.mark.redis, pytest.mark.django_db]

ORIGIN = "http://testserver"


def sign(client, campaign, n, address="198.51.100.7"):
    data = {"first_name": "Ada", "last_name": "L", "email": f"a{n}@example.org", "country": "GB"}
    return client.post(campaign.url, data, HTTP_ORIGIN=ORIGIN, REMOTE_ADDR=address)


@pytest.fixture
def shared_redis(settings):
    settings.REDIS_URL = REDIS_URL
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    yield client
    client.flushdb()


def test_the_rate_limit_is_shared_by_processes_through_redis(shared_redis, settings):
    settings.SIGN_RATE_LIMIT = "2/10m"
    campaign = build_campaign(build_index(build_site()))
    # Two app processes behind a load balancer: two clients, one Redis, nothing in either's memory.
    first, second = Client(), Client()

    assert sign(first, campaign, 1).status_code == 303
    process_memory.forget_all()
    assert sign(second, campaign, 2).status_code == 303
    process_memory.forget_all()
    assert sign(first, campaign, 3).status_code == 429
    assert Signature.objects.count() == 2

    # What Redis holds names no address: the client key is a keyed hash, and it expires with its window.
    keys = shared_redis.keys("sign-attempts:*")  # (the page cache may share this Redis database)
    assert keys and not any(b"198.51.100.7" in key for key in keys)
    assert all(0 < shared_redis.ttl(key) <= 600 for key in keys)


def test_a_reply_lost_midway_never_shifts_the_counts_that_follow(shared_redis, settings, monkeypatch):
    """The rate limit sends two commands and reads two replies on a pooled connection. When the exchange breaks
    between them, that connection is dropped: a later attempt must never read the reply left behind."""
    from redis.connection import Connection

    settings.SIGN_RATE_LIMIT = "3/10m"
    # Redis is tried again at once after the broken exchange, not after the pause ops/cache.py gives it.
    monkeypatch.setattr(resilient, "RETRY_INTERVAL", 0)
    assert ratelimit.seconds_until_allowed("client-a") == 0  # 1 attempt
    reads = []
    real_read = Connection.read_response

    def breaks_on_the_second_reply(self, *args, **kwargs):
        reads.append(1)
        if len(reads) == 2:
            raise redis.ConnectionError("the connection broke")
        return real_read(self, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(Connection, "read_response", breaks_on_the_second_reply)
        assert (
            ratelimit.seconds_until_allowed("client-a") == 0
        )  # 2 attempts, counted in Redis; memory meanwhile
    process_memory.forget_all()

    assert ratelimit.seconds_until_allowed("client-b") == 0  # Redis's answer for client-b, not the lost one
    assert ratelimit.seconds_until_allowed("client-a") == 0  # 3 attempts
    assert ratelimit.seconds_until_allowed("client-a") > 0  # 4: over the limit
    assert [int(shared_redis.get(key)) for key in sorted(shared_redis.keys("sign-attempts:client-*"))] == [
        4,
        1,
    ]


def test_nothing_in_redis_names_the_client(shared_redis, settings):
    """The rate limit's counters and the cached pages, both in Redis: no key or value holds the address."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    campaign = build_campaign(build_index(build_site()))
    client = Client()

    client.get(campaign.url, REMOTE_ADDR="192.0.2.77")
    assert sign(client, campaign, 1, address="192.0.2.77").status_code == 303

    keys = shared_redis.keys("*")
    assert any(key.startswith(b"sign-attempts:") for key in keys)  # the attempt was counted here
    assert any(b"sign-attempts:" not in key for key in keys)  # and the page cached here
    values = [shared_redis.dump(key) for key in keys]
    assert not any(b"192.0.2.77" in text for text in keys + values)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_we_can_stop():
    """A Redis server of this test's own, on a port of its own, that the test can kill and start again."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")  # a failure in CI (tests/conftest.py marks `redis`)
    port = free_port()
    processes = []

    def start():
        process = subprocess.Popen(
            [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        processes.append(process)
        for _ in range(100):
            try:
                redis.Redis(port=port, socket_timeout=0.2).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("Redis did not start")

    def stop():
        processes[-1].terminate()
        processes[-1].wait(5)

    yield port, start, stop
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(5)


def test_signatures_are_taken_while_redis_is_down_and_it_is_used_again_when_back(
    redis_we_can_stop, settings, caplog, monkeypatch
):
    port, start, stop = redis_we_can_stop
    monkeypatch.setattr(resilient, "RETRY_INTERVAL", 0)  # Redis is tried again as soon as it is back
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    settings.SIGN_RATE_LIMIT = "3/10m"
    process_memory.forget_all()
    campaign = build_campaign(build_index(build_site()))
    client = Client()

    start()
    assert sign(client, campaign, 1).status_code == 303
    stop()

    with caplog.at_level("WARNING", logger="campaigns.ratelimit"):
        down = [sign(client, campaign, n).status_code for n in range(2, 6)]
    # Signing went on, limited by this process's memory (3 attempts) while Redis was away...
    assert down == [303, 303, 303, 429]
    assert Signature.objects.count() == 4
    # ...and the operator heard about it once, not once per request.
    assert len([r for r in caplog.records if "Redis is unreachable" in r.getMessage()]) == 1

    start()
    process_memory.forget_all()
    assert sign(client, campaign, 6, address="198.51.100.8").status_code == 303
    assert redis.Redis(port=port).keys("sign-attempts:*")  # counting in Redis again
