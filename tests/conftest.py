"""Shared fixtures and the rules that keep CI honest about outside services.

- Tests marked `postgres` need PostgreSQL. On SQLite they are deselected (listed, never "passed"); the
  PostgreSQL pass (`DATABASE_URL=postgres://… make test`, run by .ci/run) runs them, and there a missing
  server is an error, not a skip.
- Tests marked `browser` need Debian's Chromium, tests marked `redis` a Redis server (REDIS_URL, default
  redis://127.0.0.1:6379), tests marked `caddy` Debian's caddy. Without them they skip locally but fail when
  CI is set.
"""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
# Under pytest-xdist (`make test ARGS="-n 2"`, as CI runs it) each worker has a Redis database of its own
# (15, 14…), as it has a test database of its own: one worker's flush never empties another's.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("REDIS_URL") or f"redis://127.0.0.1:6379/{15 - _WORKER}"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    keep, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") and not on_postgres else keep).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = keep


def _redis_answers():
    address = urlsplit(REDIS_URL)
    try:
        socket.create_connection((address.hostname, address.port or 6379), timeout=1).close()
        return True
    except OSError:
        return False


def pytest_runtest_setup(item):
    missing = None
    if item.get_closest_marker("browser") and not os.path.exists(CHROMIUM):
        missing = f"browser test needs {CHROMIUM} (apt-get install -y chromium)"
    if item.get_closest_marker("redis") and not _redis_answers():
        missing = f"test needs Redis at {REDIS_URL}"
    if item.get_closest_marker("caddy") and not shutil.which("caddy"):
        missing = "test needs caddy (apt-get install -y caddy)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: no page, rate-limit window or site generation of another test."""
    from django.core.cache import cache

    from ops import process_memory

    # No Redis taken to be down because another test stopped its own, no page, generation, structure, count
    # or milestone another test left in this process's memory.
    process_memory.forget_all()
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, whatever language the last one left active in this
    thread (a mail rendered in German, a task run for a French page)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _commit_callbacks_after_each_request(monkeypatch):
    """Run what a request defers to `transaction.on_commit` when the request ends, as a real commit would.

    Tests run inside a transaction that is rolled back, so on_commit callbacks (the mails queued after a
    signature is stored, cache invalidation) would never run. Each test-client request runs its own.
    """
    from django.test import Client, TestCase

    request = Client.request

    def request_and_commit(self, **kwargs):
        with TestCase.captureOnCommitCallbacks(execute=True):
            return request(self, **kwargs)

    monkeypatch.setattr(Client, "request", request_and_commit)


@pytest.fixture(autouse=True)
def _integrity_rates_off(request, monkeypatch):
    """Most tests sign many times from the one test client's address, as no real visitor does: the integrity
    rules' rates per address and network (integrity.judge) would flag them. A test of those rates asks for
    the `integrity_rates` fixture (tests/integrity/conftest.py). Browser tests fill the form in a fraction of
    a second, as no person does: the fill-time rule would flag them; a test of it asks for the `fill_time_rule`
    fixture. Every other integrity rule stays on."""
    off = {}
    if "integrity_rates" not in request.fixturenames:
        off.update(address_rates=(), network_rates=())
    if "fill_time_rule" not in request.fixturenames:
        off.update(min_fill_seconds=0)
    # Imported here: the apps are loaded only once pytest-django has set Django up.
    import dataclasses

    from integrity import judge

    compile_settings = judge.compile_settings
    monkeypatch.setattr(
        judge, "compile_settings", lambda values: dataclasses.replace(compile_settings(values), **off)
    )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of each test go to its own temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def sign_data():
    """Form data of a signer; keyword arguments override fields (None leaves a field out)."""

    def make(**overrides):
        data = {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.org",
            "country": "GB",
            "postal_code": "N1 9GU",
        }
        data.update(overrides)
        return {name: value for name, value in data.items() if value is not None}

    return make
