"""A worker killed (SIGKILL) in the middle of a mailing sends nobody the update twice: real `manage.py
db_worker` processes under production settings, a real SMTP server that hangs on the third mail."""

from collections import Counter

import pytest
from django.utils import timezone

from tests.builders import build_campaign, build_index, build_signature, build_site
from tests.services import SmtpHandler, SmtpServer, start_worker, wait_for
from updates import sending
from updates.models import Delivery, Update

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class HangsOnTheThirdMail(SmtpHandler):
    hung = False

    async def handle_DATA(self, server, session, envelope):
        if len(self.messages) == 2 and not self.hung:
            self.mood, self.hung = "stall", True
        return await super().handle_DATA(server, session, envelope)


def test_a_worker_killed_mid_mailing_sends_nobody_the_update_twice(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    smtp = SmtpServer()
    smtp.handler.__class__ = HangsOnTheThirdMail
    smtp.start()
    campaign = build_campaign(build_index(build_site()), confirmation_required=True)
    now = timezone.now()
    addresses = [f"signer{n}@example.org" for n in range(6)]
    for address in addresses:
        build_signature(campaign, email=address, confirmed_at=now, updates_consented_at=now)
    update = Update.objects.create(
        campaign=campaign, locale=campaign.locale, subject="News", body="<p>News</p>"
    )
    worker_settings = {"EMAIL_URL": smtp.url, "TASK_TIMEOUT": 8}  # a mail gives up after 2 s
    try:
        sending.start_mailing(update, user=None)  # six deliveries and the first batch's task, committed
        first = start_worker(tmp_path, "first-worker", **worker_settings)
        try:
            wait_for(lambda: smtp.handler.mood == "stall", timeout=60, message="the third mail to hang")
            first.kill()  # in the middle of the third mail
        finally:
            first.stop()
        smtp.handler.mood = "refuse"  # the hung mail's session ends without the mail being taken
        wait_for(lambda: Delivery.objects.filter(status="sent").count() == 2, message="two sent")
        smtp.handler.mood = "accept"

        second = start_worker(tmp_path, "second-worker", **worker_settings)
        try:
            wait_for(
                lambda: not Delivery.objects.filter(status="pending").exists(),
                timeout=60,
                message="the second worker to send the rest",
            )
        finally:
            second.stop()
    finally:
        smtp.stop()

    received = Counter(message["To"] for message in smtp.messages)
    assert max(received.values()) == 1  # nobody twice
    assert len(received) == 5  # everyone but the one whose mail was cut off by the kill
    statuses = Counter(Delivery.objects.values_list("status", flat=True))
    assert statuses == {"sent": 5, "sending": 1}  # shown as "interrupted (not sent again)"
    [interrupted] = Delivery.objects.filter(status="sending")
    assert interrupted.signature.email not in received
