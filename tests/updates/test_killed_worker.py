"""A worker killed (SIGKILL) in the middle of a mailing: the mail it was sending goes again, with the same
Message-ID, once that is safe, and nobody else gets the update twice. Real `manage.py db_worker` processes
under production settings, a real SMTP server that hangs on the third mail."""

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


def test_a_worker_killed_mid_mailing_leaves_the_cut_off_mail_to_be_sent_again(settings, tmp_path):
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
        assert Delivery.objects.filter(status="pending").count() == 4  # the cut-off one waits again
        smtp.handler.mood = "accept"

        second = start_worker(tmp_path, "second-worker", **worker_settings)
        try:
            wait_for(
                lambda: Delivery.objects.filter(status="sent").count() == 6,
                timeout=60,
                message="the second worker to send the rest, the cut-off mail too",
            )
        finally:
            second.stop()
    finally:
        smtp.stop()

    received = Counter(message["To"] for message in smtp.messages)
    assert received == {address: 1 for address in addresses}  # everyone, and nobody twice
    [cut_off] = smtp.handler.cut_off
    [again] = [message for message in smtp.messages if message["To"] == cut_off["To"]]
    assert again["Message-ID"] == cut_off["Message-ID"]  # a relay that took the first can drop the copy
    assert "lost its worker; running it again" in second.output()
