"""Two app processes sharing Redis: a publish in one is seen within a second by the other, whose cached copy
of the page (in Redis and in its own memory) is no longer served."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import redis
from django.db import connection

from serving import generation
from tests.builders import build_campaign, build_index, build_site
from tests.conftest import REDIS_URL

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def shared_redis_cache(settings):
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    redis.Redis.from_url(REDIS_URL).flushdb()
    yield
    redis.Redis.from_url(REDIS_URL).flushdb()


@pytest.fixture
def second_process(shared_redis_cache):
    """gunicorn serving the same database and the same Redis from another process."""
    port = free_port()
    db = connection.settings_dict
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": REDIS_URL,
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "1", "-b", f"127.0.0.1:{port}", "config.wsgi"],
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/en-us/", timeout=1)
            break
        except OSError:
            time.sleep(0.05)
    yield base
    server.terminate()
    server.wait(10)


def fetch(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.headers, response.read().decode()


def test_a_publish_here_is_seen_within_a_second_by_another_process(second_process):
    campaign = build_campaign(build_index(build_site()))
    url = second_process + campaign.url
    built = time.monotonic()
    while True:  # the other process learns of the new pages within a second, too
        try:
            fetch(url)
            break
        except urllib.error.HTTPError:
            assert time.monotonic() - built < generation.REFRESH + 1
            time.sleep(0.05)

    headers, html = fetch(url)
    assert "Age" in headers  # the other process served it from the cache
    assert "Tell Amazon Ring" in html

    campaign.title = "Ring: published in another process"
    campaign.save_revision().publish()
    published = time.monotonic()

    # The other process re-reads the generation at most once a second (serving.generation.REFRESH).
    while "Ring: published in another process" not in (html := fetch(url)[1]):
        assert time.monotonic() - published < generation.REFRESH + 1, (
            "the other process still shows the old page"
        )
        time.sleep(0.05)
    headers, html = fetch(url)
    assert "Ring: published in another process" in html
