"""Updates sent at a time the editor chose: a Schedule row per update, which the clock process
(`manage.py run_jobs`, every minute) turns into a mailing once its time has come (`send_due`).

The clock, not a task queued with django-tasks' `run_after`: a queued task cannot be taken back or moved,
and `make run`'s immediate task backend refuses one. A row can: moving it changes `send_at`, cancelling deletes
it, and both lock the row, as `send_due` does, so a cancel either comes before the mailing starts or is
refused because it has started; never both.
"""

from django.db import transaction
from django.utils import timezone

from updates import sending
from updates.models import Schedule


class AlreadyStarted(Exception):
    """The schedule's time came and its mailing started: it can no longer be cancelled."""


def source_of(update):
    """The update as written (its first version): mailings and schedules belong to it, whichever translation
    the editor opened (as sending.start_mailing does)."""
    return type(update).objects.filter(translation_key=update.translation_key).order_by("pk").first()


def current(update):
    """The update's schedule, or None."""
    return Schedule.objects.filter(update__translation_key=update.translation_key).first()


@transaction.atomic
def schedule(update, send_at, user):
    """Send `update` to its signers at `send_at`; moves the time if it was scheduled already. An update whose
    scheduled sending has started may be scheduled again: then it goes to those who have not had it (new
    signers), as sending it again now does."""
    source = source_of(update)
    row = Schedule.objects.select_for_update().filter(update=source).first() or Schedule(update=source)
    row.send_at, row.scheduled_by, row.started_at = send_at, user, None
    row.save()
    return row


@transaction.atomic
def cancel(update):
    """Cancel the update's schedule before it starts; raises AlreadyStarted after. True if there was one."""
    row = Schedule.objects.select_for_update().filter(update=source_of(update)).first()
    if row is None:
        return False
    if row.started_at is not None:
        raise AlreadyStarted
    row.delete()
    return True


def send_due(now=None):
    """Start the mailing of every schedule whose time has come; returns how many started."""
    now = now or timezone.now()
    started = 0
    while True:
        with transaction.atomic():
            row = (
                Schedule.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(started_at=None, send_at__lte=now)
                .select_related("update__campaign", "scheduled_by")
                .order_by("send_at")
                .first()
            )
            if row is None:
                return started
            sending.start_mailing(row.update, row.scheduled_by)
            row.started_at = timezone.now()
            row.save(update_fields=["started_at"])
        started += 1
