"""The one retry design: after a failed attempt, is there another one, and when?

Work that can fail because another service is away is retried on its own rows, each declaring its policy
beside them:

- tasks (`ops/tasks.py`, `RETRIES`): a django-tasks row put back in the queue when it failed with an error
  that can pass; TASK_RETRY_DELAY seconds, doubling up to an hour, ±20 %, for TASK_MAX_ATTEMPTS attempts;
- webhook deliveries (`webhooks/delivery.py`, `RETRIES`): a Delivery row with its own order and deadline;
  WEBHOOK_RETRY_DELAY seconds, doubling up to six hours, until WEBHOOK_RETRY_FOR after the event.

A `RetryPolicy` answers the same questions for both: which errors can pass (`is_transient`), how long to
wait after attempt n (`delay`: the first delay doubled each time, at most `longest_delay`, spread by
`jitter` so that work failed together does not all return at the same second), and when to stop (after
`max_attempts`, or at a deadline `retry_for` after the work began). `next_attempt` puts them together. How
the next attempt is recorded (a task row's `run_after`, a delivery's `next_attempt_at`) stays with the rows.

Numbers that are settings are named, not copied, so that a test or an environment changing the setting
changes the policy.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings


@dataclass(frozen=True)
class RetryPolicy:
    first_delay: str  # the setting: seconds before the second attempt
    longest_delay: timedelta  # the doubling stops here (before jitter)
    jitter: float = 0.0  # each delay is spread by ± this fraction
    max_attempts: str | None = None  # the setting: attempts in all, the first included
    retry_for: str | None = None  # the setting: seconds after the work began when the last attempt is made
    transient: tuple[type[BaseException], ...] = (Exception,)  # errors that can pass by themselves

    def is_transient(self, error_class):
        return issubclass(error_class, self.transient)

    def delay(self, attempt):
        """Seconds to wait after attempt number `attempt` (1 for the first) failed."""
        seconds = min(
            self.longest_delay.total_seconds(), getattr(settings, self.first_delay) * 2 ** (attempt - 1)
        )
        return seconds * random.uniform(1 - self.jitter, 1 + self.jitter) if self.jitter else seconds

    def deadline(self, began_at):
        """When work that began at `began_at` has its last attempt, or None when only attempts are counted."""
        return began_at + timedelta(seconds=getattr(settings, self.retry_for)) if self.retry_for else None

    def gives_up(self, attempts, now=None, deadline=None):
        """Whether attempt number `attempts`, made at `now`, is the last one."""
        if self.max_attempts and attempts >= getattr(settings, self.max_attempts):
            return True
        return deadline is not None and now >= deadline

    def next_attempt(self, attempts, now, deadline=None):
        """When to try again should attempt number `attempts`, made at `now`, fail (never after `deadline`);
        None when it was the last."""
        if self.gives_up(attempts, now, deadline):
            return None
        when = now + timedelta(seconds=self.delay(attempts))
        return when if deadline is None else min(when, deadline)
