"""An editor schedules an update for a time in their own time zone; the clock (`run_jobs`) sends it then and
not before; until then it can be moved or cancelled, and the Send page says which state it is in. Mails go
through a real SMTP server (aiosmtpd)."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.users.models import UserProfile

from tests.updates.test_sending import editor, send_url, wants_updates, write_update
from updates import scheduling
from updates.models import Mailing, Schedule

pytestmark = pytest.mark.django_db

BERLIN_TEN = "2030-01-15T10:00"  # 09:00 UTC: Berlin is an hour ahead in winter
AT = datetime(2030, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture
def update(ring):
    english, german, _french = ring
    wants_updates(english, "ada@example.org", first_name="Ada")
    wants_updates(german, "karl@example.org", first_name="Karl")
    return write_update(english)


def as_berlin_editor(client):
    editor(client)
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="editors")
    profile = UserProfile.get_for_user(user)
    profile.current_time_zone = "Europe/Berlin"
    profile.save()
    return client


def schedule(client, update, when=BERLIN_TEN, **extra):
    return client.post(send_url(update), {"schedule": "1", "confirm": "on", "send_at": when, **extra})


def test_an_update_scheduled_in_the_editors_time_zone_goes_then_and_not_before(
    client, update, smtp, django_capture_on_commit_callbacks
):
    as_berlin_editor(client)

    response = schedule(client, update)

    assert response.status_code == 302
    assert Schedule.objects.get().send_at == AT
    page = client.get(send_url(update)).content.decode()
    assert "Scheduled: it goes to the signers on" in page and "(Europe/Berlin)" in page
    assert 'value="2030-01-15T10:00"' in page  # the time, ready to be moved
    assert "Cancel the schedule" in page

    assert scheduling.send_due(now=AT - timedelta(seconds=1)) == 0
    assert smtp.messages == [] and not Mailing.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert scheduling.send_due(now=AT) == 1
    assert sorted(message["To"] for message in smtp.messages) == ["ada@example.org", "karl@example.org"]
    assert scheduling.send_due(now=AT + timedelta(minutes=5)) == 0  # once

    page = client.get(send_url(update)).content.decode()
    assert "It was scheduled for" in page and "started to go out on" in page
    assert "Cancel the schedule" not in page
    cancel = client.post(send_url(update), {"cancel": "1"}, follow=True).content.decode()
    assert "It has already started to go out: it can no longer be cancelled." in cancel


def test_the_clock_sends_a_scheduled_update_when_its_time_has_come(
    client, update, smtp, django_capture_on_commit_callbacks
):
    editor(client)
    schedule(client, update, (timezone.now() + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))

    call_command("run_jobs", "--once", stdout=io.StringIO())
    assert smtp.messages == []  # not yet

    Schedule.objects.update(send_at=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # as the clock's own transaction commits
        call_command("run_jobs", "--once", stdout=out)

    assert "Started sending 1 scheduled update(s)." in out.getvalue()
    assert sorted(message["To"] for message in smtp.messages) == ["ada@example.org", "karl@example.org"]


def test_a_cancelled_schedule_sends_nothing(client, update, smtp, django_capture_on_commit_callbacks):
    editor(client)
    schedule(client, update)

    response = client.post(send_url(update), {"cancel": "1"}, follow=True)

    assert "The schedule is cancelled: nothing will be sent." in response.content.decode()
    assert "Scheduled:" not in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduling.send_due(now=AT + timedelta(days=1)) == 0
    assert smtp.messages == []


def test_moving_a_schedule_keeps_one_time_the_new_one(client, update, smtp):
    editor(client)
    schedule(client, update, "2030-01-15T10:00")

    schedule(client, update, "2030-02-01T08:30")

    assert list(Schedule.objects.values_list("send_at", flat=True)) == [
        datetime(2030, 2, 1, 8, 30, tzinfo=UTC)
    ]
    assert scheduling.send_due(now=AT) == 0


def test_sending_now_replaces_a_waiting_schedule(client, update, smtp):
    editor(client)
    schedule(client, update)

    client.post(send_url(update), {"send": "1", "confirm": "on"})

    assert not Schedule.objects.exists()
    assert len(smtp.messages) == 2


@pytest.mark.parametrize(
    ("when", "language", "message"),
    [
        ("2020-01-15T10:00", "en", "Choose a time in the future."),
        ("", "en", "Choose the date and time to send it."),
        ("tomorrow", "en", "Enter a valid date/time."),
        ("2020-01-15T10:00", "de", "Wählen Sie einen Zeitpunkt in der Zukunft."),
        ("", "fr", "Choisissez la date et l’heure de l’envoi."),
    ],
)
def test_a_time_that_cannot_be_kept_is_refused_with_a_message(client, update, smtp, when, language, message):
    editor(client)
    from django.contrib.auth import get_user_model

    profile = UserProfile.get_for_user(get_user_model().objects.get(username="editors"))
    profile.preferred_language = language
    profile.save()

    response = schedule(client, update, when)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Schedule.objects.exists() and smtp.messages == []


def test_scheduling_needs_ticking_the_box_too(client, update, smtp):
    editor(client)

    response = client.post(send_url(update), {"schedule": "1", "send_at": BERLIN_TEN})

    assert response.status_code == 400 and "Tick the box" in response.content.decode()
    assert not Schedule.objects.exists()


def test_an_update_sent_on_schedule_can_be_scheduled_again_for_those_who_signed_since(
    client, ring, update, smtp, django_capture_on_commit_callbacks
):
    editor(client)
    schedule(client, update)
    with django_capture_on_commit_callbacks(execute=True):
        scheduling.send_due(now=AT)
    wants_updates(ring[0], "newcomer@example.org")

    schedule(client, update, "2030-02-01T10:00")
    page = client.get(send_url(update)).content.decode()
    assert "Scheduled: it goes to the signers on" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert scheduling.send_due(now=datetime(2030, 2, 1, 10, tzinfo=UTC)) == 1

    assert [message["To"] for message in smtp.messages][2:] == ["newcomer@example.org"]  # nobody twice
