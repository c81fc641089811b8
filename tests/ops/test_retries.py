"""The one retry design (ops/retries.py) and the two schedules that follow it: tasks' (mails: a passing error
is retried with a spread backoff for TASK_MAX_ATTEMPTS attempts) and webhook deliveries' (every failure,
plain doubling, until a day after the event)."""

import smtplib
from datetime import UTC, datetime, timedelta

from django.db import OperationalError

from ops import tasks
from webhooks import delivery

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_retries_wait_longer_each_time_up_to_an_hour(settings):
    settings.TASK_RETRY_DELAY = 30
    delays = [tasks.RETRIES.delay(attempt) for attempt in range(1, 13)]

    assert 24 <= delays[0] <= 36
    assert all(later > earlier for earlier, later in zip(delays[:6], delays[1:7], strict=True))
    assert max(delays) <= 3600 * 1.2


def test_a_task_is_tried_task_max_attempts_times_then_given_up(settings):
    settings.TASK_MAX_ATTEMPTS = 12

    assert NOW < tasks.RETRIES.next_attempt(11, NOW) <= NOW + timedelta(hours=1.2)
    assert tasks.RETRIES.next_attempt(12, NOW) is None
    assert tasks.RETRIES.gives_up(12) and not tasks.RETRIES.gives_up(11)


def test_only_a_task_error_that_can_pass_is_retried():
    assert tasks.RETRIES.is_transient(smtplib.SMTPServerDisconnected)
    assert tasks.RETRIES.is_transient(ConnectionRefusedError)
    assert tasks.RETRIES.is_transient(OperationalError)
    assert not tasks.RETRIES.is_transient(ValueError)


def test_a_webhook_waits_its_delay_doubled_up_to_six_hours_as_the_readme_says(settings):
    settings.WEBHOOK_RETRY_DELAY = 30
    delays = [delivery.RETRIES.delay(attempt) for attempt in range(1, 13)]

    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == delays[-1] == 6 * 3600


def test_a_webhook_is_retried_until_a_day_after_its_event_and_never_later(settings):
    settings.WEBHOOK_RETRY_DELAY = 30
    deadline = delivery.RETRIES.deadline(NOW)

    assert deadline == NOW + timedelta(days=1)
    assert delivery.RETRIES.next_attempt(1, NOW, deadline) == NOW + timedelta(seconds=30)
    almost = deadline - timedelta(minutes=1)
    assert (
        delivery.RETRIES.next_attempt(10, almost, deadline) == deadline
    )  # the last attempt, at the deadline
    assert delivery.RETRIES.next_attempt(11, deadline, deadline) is None
