"""A worker killed (SIGKILL) while it sends a webhook loses nothing: a real `manage.py db_worker` process
sends to a receiver that takes its time, is killed mid-delivery, and a new worker delivers the event."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from campaigns import signing
from tests.builders import build_campaign, build_index, build_site
from webhooks.models import EVENTS, Delivery, Endpoint

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ROOT = Path(__file__).resolve().parents[2]


def start_worker():
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.webhooks.worker_settings",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "WEBHOOKS_ALLOW_INTERNAL": "true",
        "WEBHOOK_TIMEOUT": "5",
        "WEBHOOK_RETRY_DELAY": "1",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_worker_killed_mid_delivery_loses_nothing(receiver, settings_for_queue):
    endpoint = Endpoint.objects.create(name="CRM", url=receiver.url, events=list(EVENTS))
    campaign = build_campaign(build_index(build_site()))
    form = campaign.get_form(
        {"email": "ada@example.org", "first_name": "A", "last_name": "L", "country": "GB"}, page=campaign
    )
    signing.sign(campaign, form)
    receiver.delay = 3  # the first delivery hangs in the receiver while we kill its worker

    worker = start_worker()
    try:
        wait_for(lambda: receiver.requests, 30, "the worker to start sending")
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        worker.kill()
    assert Delivery.objects.get().status == "pending"  # the answer never reached the dead worker
    receiver.delay = 0

    worker = start_worker()
    try:
        wait_for(lambda: Delivery.objects.get().status == "delivered", 60, "a new worker to deliver it")
    finally:
        worker.terminate()
        worker.wait(10)
        _close_workers_connections()

    ids = {request["headers"]["webhook-id"] for request in receiver.requests}
    assert len(ids) == 1 and len(receiver.requests) == 2  # the same event, sent again: at least once
    assert Delivery.objects.get().attempts == 2
    assert endpoint.deliveries.count() == 1


def _close_workers_connections():
    """The killed worker's database session may linger a moment: end it, so the test database can be dropped."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture
def settings_for_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WEBHOOK_TIMEOUT = 5
    assert settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
