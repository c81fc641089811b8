"""The clock process (`manage.py run_jobs`) does the recurring work a deployment would otherwise need cron for:
the reminder goes out, a signature whose link expired unopened is deleted, and one failing job stops none of
the others."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from campaigns.models.signature import Signature
from ops.management.commands import run_jobs
from tests.builders import build_signature
from tests.campaigns import test_confirmation

pytestmark = pytest.mark.django_db

campaign = test_confirmation.campaign  # a campaign that asks its signers to confirm by email


def test_one_run_reminds_the_waiting_and_deletes_the_expired(campaign, django_capture_on_commit_callbacks):
    now = timezone.now()
    waiting = build_signature(
        campaign, counted=False, email="late@example.org", submit_time=now - timedelta(hours=25)
    )
    expired = build_signature(
        campaign, counted=False, email="gone@example.org", submit_time=now - timedelta(days=9)
    )

    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # the reminder's event, as after a real commit
        call_command("run_jobs", "--once", stdout=out)

    assert [message.to for message in mail.outbox if "not counted yet" in message.subject] == [
        ["late@example.org"]
    ]
    assert set(Signature.objects.values_list("pk", flat=True)) == {waiting.pk}
    assert "Deleted 1 unconfirmed signature(s)." in out.getvalue()
    assert expired.email not in out.getvalue()


def test_a_failing_job_is_logged_and_the_others_still_run(campaign, monkeypatch, caplog):
    expired = build_signature(campaign, counted=False, submit_time=timezone.now() - timedelta(days=9))
    monkeypatch.setattr(run_jobs, "JOBS", ((("no_such_command",), 60), *run_jobs.JOBS))

    call_command("run_jobs", "--once", stdout=io.StringIO())

    assert "The recurring job no_such_command failed" in caplog.text
    assert not Signature.objects.filter(pk=expired.pk).exists()
