"""An Editor (not an administrator) sends an update the way a campaign team does: a test to the colleagues
whose addresses they type (a typo is refused with a message), then the update scheduled for a time in their
own time zone, moved, cancelled, and scheduled again; the clock sends it at that time. Mails go through a real
SMTP server (aiosmtpd), and each carries the organisation's name and logo and greets its reader by name."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.users.models import UserProfile

from tests.browser.admin_users import log_in, user_in_role
from tests.browser.conftest import open_page, screenshot
from tests.builders import build_signature
from tests.services import SmtpServer
from updates import scheduling
from updates.models import Schedule, Update

pytestmark = pytest.mark.browser


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "ops.mail.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


def test_an_editor_tests_schedules_and_cancels_an_update(chromium, demo_site, smtp):
    ring, german_ring = demo_site.page("amazon-ring"), demo_site.page("amazon-ring", "de")
    now = timezone.now()
    for page, email, first_name in (
        (ring, "ada.update@example.org", "Ada"),
        (german_ring, "karl.update@example.org", "Karl"),
    ):
        build_signature(
            page,
            email=email,
            first_name=first_name,
            confirmed_at=now,
            updates_consented_at=now,
            updates_consent_text="Send me updates.",
        )
    update = Update.objects.create(
        campaign=ring,
        locale=ring.locale,
        subject="We handed it over",
        body="<p>Amazon has your petition.</p>",
    )
    editor = user_in_role("Editors")
    get_user_model().objects.filter(pk=editor.pk).update(first_name="Eda")
    profile = UserProfile.get_for_user(editor)
    profile.current_time_zone = "Europe/Berlin"
    profile.save()

    with open_page(chromium, demo_site.url, width="desktop") as page:
        log_in(page, editor)
        page.goto(f"/admin/updates/{update.pk}/send/")  # the Send button in the Updates listing goes here
        expect(page.get_by_text("to the signers of “Tell Amazon Ring", exact=False).first).to_be_visible()

        # A test, to colleagues: a typo first.
        addresses = page.get_by_label("Send a test to")
        expect(addresses).to_have_value(editor.email)
        addresses.fill("colleague@example.org, boss(at)example.org")
        page.get_by_role("button", name="Send a test").click()
        expect(page.get_by_text("This is not an email address: boss(at)example.org")).to_be_visible()
        assert smtp.messages == []
        addresses.fill("colleague@example.org\nboss@example.org")
        page.get_by_role("button", name="Send a test").click()
        expect(
            page.get_by_text("A test was sent to colleague@example.org, boss@example.org.")
        ).to_be_visible()
        assert sorted(message["To"] for message in smtp.messages) == [
            "boss@example.org",
            "colleague@example.org",
        ]
        assert all(message["Subject"] == "[Test] We handed it over" for message in smtp.messages)
        assert all(message.get_content_type() == "multipart/related" for message in smtp.messages)  # the logo
        text = smtp.messages[0].get_payload()[0].get_payload()[0].get_payload(decode=True).decode()
        assert "This is a test. Signers have not received it." in text and "Hello Eda," in text
        assert "Stand Up For Privacy" in text

        # Scheduled for ten in the morning, Berlin time, then moved, then cancelled.
        expect(page.get_by_text("Date and time in Europe/Berlin.", exact=False)).to_be_visible()
        page.get_by_label("Yes, send it to every signer listed above").check()
        page.get_by_label("Send at").fill("2030-01-15T10:00")
        page.get_by_role("button", name="Schedule").click()
        expect(page.locator("#schedule")).to_contain_text("Scheduled: it goes to the signers on")
        expect(page.locator("#schedule")).to_contain_text("(Europe/Berlin)")
        assert Schedule.objects.get(update=update).send_at == datetime.datetime(
            2030, 1, 15, 9, tzinfo=datetime.UTC
        )
        screenshot(page, "updates-1-scheduled")

        page.get_by_label("Yes, send it to every signer listed above").check()
        page.get_by_label("Send at").fill("2030-01-16T08:30")
        page.get_by_role("button", name="Change the time").click()
        expect(page.locator("#schedule")).to_contain_text("2030")
        assert Schedule.objects.get(update=update).send_at == datetime.datetime(
            2030, 1, 16, 7, 30, tzinfo=datetime.UTC
        )

        page.get_by_role("button", name="Cancel the schedule").click()
        expect(page.get_by_text("The schedule is cancelled: nothing will be sent.")).to_be_visible()
        expect(page.locator("#schedule")).to_have_count(0)
        assert scheduling.send_due(now=datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)) == 0
        assert len(smtp.messages) == 2  # the two tests only

        # Scheduled again; when its time comes the clock sends it, to each signer in their language.
        page.get_by_label("Yes, send it to every signer listed above").check()
        page.get_by_label("Send at").fill("2030-03-01T12:00")
        page.get_by_role("button", name="Schedule").click()
        expect(page.locator("#schedule")).to_contain_text("Scheduled")
        # The time has come (the clock runs `send_scheduled_updates` every minute: updates/scheduling.py).
        Schedule.objects.filter(update=update).update(send_at=timezone.now() - datetime.timedelta(seconds=1))
        assert scheduling.send_due() == 1
        page.reload()
        expect(page.locator("#schedule")).to_contain_text("started to go out")
        screenshot(page, "updates-2-sent-on-schedule")

    to_signers = {message["To"]: message for message in smtp.messages[2:]}
    assert set(to_signers) >= {"ada.update@example.org", "karl.update@example.org"}
    karl = to_signers["karl.update@example.org"].get_payload()[0].get_payload()[0].get_payload(decode=True)
    assert "Hello Karl," in karl.decode()  # in the update's language: nobody has translated it into German
