"""Shared fixtures and the rules that keep CI honest about outside services.

- Tests marked `postgres` need PostgreSQL. On SQLite they are deselected (listed, never "passed"); the
  PostgreSQL pass (`DATABASE_URL=postgres://… make test`, run by .ci/run) runs them, and there a missing
  server is an error, not a skip.
- Tests marked `browser` need Debian's Chromium, tests marked `redis` a Redis server (REDIS_URL, default
  redis://127.0.0.1:6379). Without them they skip locally but fail when CI is set.
"""

import os
import socket
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


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
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of each test go to its own temporary folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
