"""/healthz and /readyz: JSON, never cached, outside the language prefix, answered to a load balancer that
probes a process by its address over plain HTTP, and saying what is wrong without personal data."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from campaigns import emails
from tests.builders import build_campaign, build_index, build_site

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def production_like(settings):
    """What production sets that could get in a health check's way."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["campaigns.example.org"]


def probe(client, path, **headers):
    # A load balancer's probe: plain HTTP, the instance's own address as Host.
    return client.get(path, HTTP_HOST="10.0.3.7:8000", **headers)


def test_healthz_says_the_process_answers(client, production_like):
    response = probe(client, "/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"


def test_readyz_checks_the_database_the_cache_and_the_queue(client, production_like):
    response = probe(client, "/readyz/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())
    assert response["Cache-Control"] == "no-store"


def test_health_checks_are_not_under_a_language_prefix(client):
    build_site()
    assert client.get("/en-us/healthz/").status_code == 404
    assert client.get("/healthz").status_code == 200


def test_only_get_and_head_are_health_checks(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code != 200


def test_readyz_reports_the_oldest_waiting_task_and_failing_mails(client, settings):
    settings.TASKS = DATABASE_QUEUE
    campaign = build_campaign(build_index(build_site()))
    now = timezone.now()
    waiting = emails.send_confirmation.enqueue(1)
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=now - timedelta(minutes=7))
    retrying = emails.notify_team.enqueue(2)
    DBTaskResult.objects.filter(pk=retrying.id).update(
        run_after=now + timedelta(minutes=2),
        worker_ids=["w1"],
        exception_class_path="smtplib.SMTPServerDisconnected",
        traceback="smtplib.SMTPServerDisconnected: Connection unexpectedly closed: ada@example.org",
    )

    body = client.get("/readyz").json()

    tasks = body["checks"]["tasks"]
    assert body["status"] == "degraded"
    assert tasks["ok"] is False
    assert 415 < tasks["oldest_waiting_seconds"] < 430  # the retry is not due yet: it is not waiting
    assert (tasks["retrying"], tasks["failed_last_day"]) == (1, 0)
    assert tasks["last_error"] == "SMTPServerDisconnected"
    assert "ada@example.org" not in json.dumps(body)
    assert campaign.title not in json.dumps(body)


def test_a_queue_without_trouble_is_healthy(client, settings):
    settings.TASKS = DATABASE_QUEUE
    emails.send_confirmation.enqueue(1)  # just queued: a worker will take it within a second

    tasks = client.get("/readyz").json()["checks"]["tasks"]

    assert tasks["ok"] is True
    assert tasks["oldest_waiting_seconds"] < 5
    assert (tasks["retrying"], tasks["failed_last_day"]) == (0, 0)
