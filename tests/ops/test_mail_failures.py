"""Mails when the mail server or the worker fails, with real processes: `manage.py db_worker` under
production settings, a real SMTP server (aiosmtpd) that is down, says "try later" or hangs.

The signature is stored and counted whatever happens to its mail; the mail is tried again with backoff
until the server takes it; an operator sees the trouble on /readyz and the admin dashboard; a worker killed
in the middle of a mail leaves the task to be run again, and the mail goes out once a worker is back; a mail
sent again after being cut off has the Message-ID of the first try.
"""

import json

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from campaigns.models.counter import signature_count
from campaigns.models.signature import Signature
from tests.builders import build_campaign, build_index, build_site
from tests.services import SmtpServer, plain_text, start_worker, wait_for

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SIGNER = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org", "country": "GB"}


def sign(client, campaign):
    return client.post(campaign.url, SIGNER, HTTP_ORIGIN="http://testserver")


def the_task():
    """The mail's task (publishing queues Wagtail's search and reference index tasks too), or None until the
    worker has run the signature's follow-up, which queues it (campaigns.events)."""
    return DBTaskResult.objects.filter(task_path__startswith="campaigns.emails.").first()


def wait_until_recorded_as_sent():
    """The relay has the mail a moment before the worker records that it sent it."""
    wait_for(
        lambda: getattr(the_task(), "status", None) == TaskResultStatus.SUCCESSFUL,
        timeout=10,
        message="the task's success",
    )


@pytest.fixture
def smtp():
    server = SmtpServer()  # not listening until the test starts it
    yield server
    server.stop()


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_QUEUE


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
class TestWithAWorker:
    def test_a_mail_the_server_cannot_take_is_tried_again_until_it_can(
        self, client, admin_client, queue, smtp, tmp_path
    ):
        campaign = build_campaign(build_index(build_site()), to_address="team@example.org")
        worker = start_worker(tmp_path, EMAIL_URL=smtp.url, TASK_RETRY_DELAY=1)
        try:
            assert sign(client, campaign).status_code == 303

            # The mail server is down: the signature is stored and counted, the mail waits for its next try.
            # The worker records the failure, then puts the task back in the queue: wait for both.
            wait_for(
                lambda: (
                    getattr(the_task(), "exception_class_path", None)
                    and the_task().status != TaskResultStatus.FAILED
                ),
                message="the first attempt to fail and the task to wait for its next",
            )
            task = the_task()
            assert task.status == TaskResultStatus.READY and task.run_after > task.started_at
            assert Signature.objects.get().email == "ada@example.org"
            assert signature_count(campaign.translation_key) == 1
            tasks = client.get("/readyz").json()["checks"]["tasks"]
            assert (tasks["ok"], tasks["retrying"], tasks["last_error"]) == (
                False,
                1,
                "ConnectionRefusedError",
            )
            dashboard = admin_client.get("/admin/").content.decode()
            assert "Mails are not going out" in dashboard
            assert "ConnectionRefusedError" in dashboard

            smtp.start()

            wait_for(lambda: smtp.messages, timeout=30, message="the mail to be delivered")
            [message] = smtp.messages
            assert message["To"] == "team@example.org"
            wait_until_recorded_as_sent()
            task = the_task()
            assert task.status == TaskResultStatus.SUCCESSFUL and len(task.worker_ids) >= 2
            assert client.get("/readyz").json()["checks"]["tasks"]["ok"] is True
            assert "Mails are not going out" not in admin_client.get("/admin/").content.decode()
            assert signature_count(campaign.translation_key) == 1
        finally:
            worker.stop()
        log = worker.output()
        assert "trying again in" in log
        assert "ada@example.org" not in log  # no personal data in the worker's logs
        assert all(json.loads(line) for line in log.splitlines() if line.startswith("{"))

    def test_a_server_that_says_try_later_gets_the_mail_later(self, client, queue, smtp, tmp_path):
        campaign = build_campaign(build_index(build_site()), confirmation_required=True)
        smtp.handler.mood = "refuse"
        smtp.start()
        worker = start_worker(tmp_path, EMAIL_URL=smtp.url, TASK_RETRY_DELAY=1)
        try:
            assert sign(client, campaign).status_code == 303
            wait_for(
                lambda: getattr(the_task(), "exception_class_path", None),
                message="the server to refuse the mail",
            )
            assert the_task().exception_class_path == "smtplib.SMTPDataError"

            smtp.handler.mood = "accept"

            wait_for(lambda: smtp.messages, timeout=30, message="the mail to be delivered")
            assert "/sign/confirm/" in plain_text(smtp.messages[0])
            wait_until_recorded_as_sent()
        finally:
            worker.stop()

    def test_a_mail_cut_off_by_the_relay_is_sent_again_with_the_same_message_id(
        self, client, queue, smtp, tmp_path
    ):
        """The relay read the whole mail and dropped the connection before saying it took it: the task runs
        again, and the mail it sends names itself as the same one, so a relay that kept the first drops it."""
        campaign = build_campaign(build_index(build_site()), confirmation_required=True)
        smtp.handler.mood = "drop"
        smtp.start()
        worker = start_worker(tmp_path, EMAIL_URL=smtp.url, TASK_RETRY_DELAY=1)
        try:
            assert sign(client, campaign).status_code == 303
            wait_for(
                lambda: getattr(the_task(), "exception_class_path", None),
                message="the connection to drop mid-mail",
            )
            assert the_task().exception_class_path == "smtplib.SMTPServerDisconnected"
            assert smtp.messages == []

            smtp.handler.mood = "accept"

            wait_for(lambda: smtp.messages, timeout=30, message="the mail to be delivered")
            wait_until_recorded_as_sent()
        finally:
            worker.stop()
        [message] = smtp.messages
        assert "/sign/confirm/" in plain_text(message)
        assert {copy["Message-ID"] for copy in smtp.handler.cut_off} == {message["Message-ID"]}

    def test_a_task_whose_worker_was_killed_runs_again_when_a_worker_returns(
        self, client, queue, smtp, tmp_path
    ):
        campaign = build_campaign(build_index(build_site()), confirmation_required=True)
        smtp.handler.mood = "stall"
        smtp.start()
        settings = {"EMAIL_URL": smtp.url, "TASK_TIMEOUT": 8}  # mails give up after 2 s
        first = start_worker(tmp_path, "first-worker", **settings)
        try:
            assert sign(client, campaign).status_code == 303
            # The worker is in the middle of the mail when it is killed (SIGKILL: no chance to tidy up).
            assert smtp.handler.in_data.wait(timeout=30)
            first.kill()
        finally:
            first.stop()
        assert the_task().status == TaskResultStatus.RUNNING
        assert smtp.messages == []

        smtp.handler.mood = "accept"
        second = start_worker(tmp_path, "second-worker", **settings)
        try:
            wait_for(lambda: smtp.messages, timeout=40, message="the mail, sent by the second worker")
            [message] = smtp.messages
            assert "/sign/confirm/" in plain_text(message)
            [cut_off] = smtp.handler.cut_off  # the mail the first worker was sending when it was killed
            assert message["Message-ID"] == cut_off["Message-ID"]
            wait_until_recorded_as_sent()
            task = the_task()
            assert task.status == TaskResultStatus.SUCCESSFUL
            assert len(task.worker_ids) == 2 and task.worker_ids[0] != task.worker_ids[1]
        finally:
            second.stop()
        assert "lost its worker; running it again" in second.output()
