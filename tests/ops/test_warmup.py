"""Warming up before gunicorn forks its workers (ops/warmup.py): the master renders the pages a spike lands on
and checks a signing form, stores nothing, and never stops the server from starting."""

import logging

import pytest
from django.db import connections
from django.db.utils import OperationalError

from campaigns.models.signature import Signature
from config.wsgi import application
from ops import warmup
from tests.builders import build_campaign, build_index, build_site

# Transactional: the warm-up closes the database connections, as it must before the fork.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def recording(seen):
    """The site's WSGI app, noting each path it answered and the status."""

    def app(environ, start_response):
        def record(status, headers, exc_info=None):
            seen.append((environ["PATH_INFO"], status.split()[0]))
            return start_response(status, headers, exc_info)

        return application(environ, record)

    return app


@pytest.fixture
def site(settings):
    settings.ALLOWED_HOSTS = ["localhost"]
    home = build_site()
    index = build_index(home)
    older = build_campaign(index, slug="older", title="An older petition")
    return home, index, older, build_campaign(index)


def test_the_master_renders_the_homes_campaign_lists_and_latest_campaigns_with_their_thank_you(site, client):
    home, index, older, latest = site
    seen = []

    warmup.warm_up(recording(seen))

    assert seen == [
        (home.url, "200"),
        (index.url, "200"),
        (latest.url, "200"),
        (latest.url + "thank-you/", "200"),
        (older.url, "200"),
        (older.url + "thank-you/", "200"),
    ]
    # Rendered as a visitor would get them, yet nothing was stored: the first visitor still fills the cache.
    assert client.get(latest.url, HTTP_HOST="localhost").page_cache == "miss"
    assert not Signature.objects.exists()


@pytest.mark.postgres  # SQLite's in-memory test database ignores being closed
def test_the_workers_get_no_database_connection_of_the_master(site):
    warmup.warm_up(application)

    assert all(connection.connection is None for connection in connections.all())


def test_pages_of_hosts_this_server_does_not_answer_for_are_left_out(site, settings):
    settings.ALLOWED_HOSTS = ["campaigns.example.org"]  # the site's pages live on "localhost"
    seen = []

    warmup.warm_up(recording(seen))

    assert seen == []


def test_a_server_whose_database_is_not_up_yet_still_starts_cold(site, monkeypatch, caplog):
    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(warmup, "_latest_taking_posts", unreachable)

    with caplog.at_level(logging.WARNING, logger="ops.warmup"):
        warmup.warm_up(application)  # no exception: gunicorn goes on forking its workers

    assert "each worker warms itself up" in caplog.text
