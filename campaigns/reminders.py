"""The one reminder to signers who have not used their confirmation link (campaigns.confirmation says why
a sweep, not a task per signature). Run hourly by the `send_reminders` command (the job clock runs it)."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from campaigns import events
from campaigns.confirmation import CONFIRMATION_MAX_AGE
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import Signature


def due_reminders(now=None):
    """Signatures due their one reminder: waiting for confirmation, never reminded, signed at least their
    campaign's `confirmation_reminder_hours` ago and while their link is still valid."""
    now = now or timezone.now()
    delays = {}
    for key, hours in (
        CampaignPage.objects.filter(confirmation_required=True, confirmation_reminder_hours__gt=0)
        .values_list("translation_key", "confirmation_reminder_hours")
        .order_by()
    ):
        delays[key] = max(hours, delays.get(key, 0))
    due = Q(pk__in=[])
    for key, hours in delays.items():
        due |= Q(campaign_key=key, submit_time__lte=now - timedelta(hours=hours))
    return Signature.objects.filter(
        due,
        counted=False,
        confirmed_at__isnull=True,  # a held signature (campaigns.quarantine) may be confirmed yet uncounted
        reminded_at__isnull=True,
        anonymised_at__isnull=True,
        confirmation_key__isnull=False,
        submit_time__gt=now - CONFIRMATION_MAX_AGE,
    )


def send_reminders(now=None):
    """Queue the reminder of every signature due one (see `due_reminders`). Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for pk in due_reminders(now).order_by("pk").values_list("pk", flat=True).iterator():
        if Signature.objects.filter(pk=pk, reminded_at__isnull=True).update(reminded_at=now):
            events.emit(events.reminder_due, signature_id=pk)
            queued += 1
    return queued
