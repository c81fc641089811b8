"""Invalidation runs: a Signature manager describes a set of one campaign's signatures, sees how many and which,
and takes them out of the count; the worker does it in batches, and the run can be cancelled and undone.

- `matching(criteria, up_to)`: the signatures a description (integrity.forms.CriteriaForm's cleaned data, as
  stored in Invalidation.criteria) names, not yet invalidated, up to the highest id seen at the preview. The
  preview counts this queryset and the run takes its rows, so the number shown is the number taken (less any
  erased or invalidated by another run meanwhile).
- `run(invalidation, user)` queues `invalidate_batch`, which takes BATCH signatures at a time through
  campaigns.quarantine.invalidate (the conditional UPDATE of `counted`: each counted one leaves the count once),
  records its progress, and queues itself again until none are left or the run is cancelled (`cancel`).
- `reinstate(invalidation, user)` queues `reinstate_batch`, which puts the run's signatures back, BATCH at a
  time (campaigns.quarantine.reinstate).

Each run emits one `invalidated` and, if undone, one `reinstated` event (campaigns.events), with counts, and
writes Wagtail's audit log against the campaign's page: who, when, why (the manager's words) and how many,
never whose.
"""

import logging
import re

from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task
from wagtail.log_actions import log

from campaigns import events, quarantine
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import Signature
from integrity.models import Invalidation

logger = logging.getLogger(__name__)

BATCH = 500  # signatures per transaction: small locks, visible progress, a cancel heard within a batch
INVALIDATE_ACTION = "integrity.invalidate"
REINSTATE_ACTION = "integrity.reinstate"

State = Invalidation.State


def glob_regex(pattern, any_char="."):
    """An anchored regular expression (for PostgreSQL's and SQLite's REGEXP alike) of a glob: `*` any run of
    characters, `?` one, everything else itself. `any_char` is what a wildcard may match."""
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(f"{any_char}*")
        elif char == "?":
            parts.append(any_char)
        elif char.isalnum():
            parts.append(char)
        else:
            parts.append(re.escape(char) if char != " " else " ")
    return "^" + "".join(parts) + "$"


def matching(criteria, up_to=None):
    """The signatures `criteria` describe, not yet invalidated (see the module's docstring)."""
    found = Signature.objects.filter(campaign_key=criteria["campaign"], invalidated_at__isnull=True)
    if up_to is not None:
        found = found.filter(pk__lte=up_to)
    if criteria.get("network"):
        # The pseudonym's first characters (integrity.judge.network_pseudonym), as an alert shows them.
        found = found.filter(network_hash__startswith=criteria["network"])
    if criteria.get("email_domain"):
        # The domain part only: `[^@]` keeps a wildcard from reaching into the mailbox's name.
        found = found.filter(email_normalised__iregex="@" + glob_regex(criteria["email_domain"], "[^@]")[1:])
    if criteria.get("country"):
        found = found.filter(country=criteria["country"])
    if criteria.get("name"):
        name = glob_regex(criteria["name"])
        found = found.filter(Q(first_name__iregex=name) | Q(last_name__iregex=name))
    if criteria.get("postal_code"):
        found = found.filter(postal_code__iregex=glob_regex(criteria["postal_code"]))
    if criteria.get("signed_after"):
        found = found.filter(submit_time__gte=parse_datetime(criteria["signed_after"]))
    if criteria.get("signed_before"):
        found = found.filter(submit_time__lt=parse_datetime(criteria["signed_before"]))
    if criteria.get("source"):
        source = criteria["source"]
        found = found.filter(
            Q(source__utm_source__iexact=source)
            | Q(source__utm_campaign__iexact=source)
            | Q(source__referrer_host__iexact=source)
        )
    if criteria.get("rule"):
        # The rule names are the form's choices, never free text. A JSON containment test that both
        # PostgreSQL and SQLite answer: the reasons' text holds `"rule": "<name>"`.
        found = found.alias(reasons=Cast("flag_reasons", TextField())).filter(
            reasons__contains=f'"rule": "{criteria["rule"]}"'
        )
    if criteria.get("unconfirmed"):
        found = found.filter(confirmation_key__isnull=False, confirmed_at__isnull=True)
    return found


def preview(criteria, reason, user):
    """Record a run described by `criteria` (not run yet), counting what it would take now."""
    up_to = Signature.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return Invalidation.objects.create(
        campaign_key=criteria["campaign"],
        criteria=criteria,
        reason=reason,
        up_to=up_to,
        matched=matching(criteria, up_to).count(),
        created_by=user,
    )


def sample(invalidation, size=20):
    """Some of the signatures the run would take, oldest first, for the preview."""
    return list(matching(invalidation.criteria, invalidation.up_to).order_by("pk")[:size])


def run(invalidation, user):
    """Start a previewed run (once: a second press finds it running). Returns whether this call started it."""
    started = Invalidation.objects.filter(pk=invalidation.pk, state=State.PREVIEWED).update(
        state=State.RUNNING, started_at=timezone.now(), created_by=user
    )
    if started:
        transaction.on_commit(lambda: invalidate_batch.enqueue(invalidation.pk))
    return bool(started)


@task()
def invalidate_batch(invalidation_id):
    """Invalidate the next BATCH signatures of a running run, then queue the next batch, or finish it."""
    with transaction.atomic():
        # Locked: a cancel waits for this batch, and then this run's next batch sees it.
        invalidation = Invalidation.objects.select_for_update().filter(pk=invalidation_id).first()
        if invalidation is None or invalidation.state != State.RUNNING:
            return
        pks = list(
            matching(invalidation.criteria, invalidation.up_to)
            .filter(pk__gt=invalidation.done_up_to)
            .order_by("pk")
            .values_list("pk", flat=True)[:BATCH]
        )
        taken, uncounted = quarantine.invalidate(pks, invalidation.pk)
        invalidation.invalidated += taken
        invalidation.uncounted += uncounted
        invalidation.done_up_to = pks[-1] if pks else invalidation.done_up_to
        finished = len(pks) < BATCH
        if finished:
            invalidation.state = State.DONE
            invalidation.finished_at = timezone.now()
            _announce(invalidation, invalidation.created_by)
        invalidation.save(update_fields=["invalidated", "uncounted", "done_up_to", "state", "finished_at"])
    if not finished:
        invalidate_batch.enqueue(invalidation_id)


def cancel(invalidation, user):
    """Stop a running run between two batches: what it took stays taken (reinstate undoes it). Returns
    whether it was running."""
    with transaction.atomic():
        invalidation = Invalidation.objects.select_for_update().get(pk=invalidation.pk)
        if invalidation.state != State.RUNNING:
            return False
        invalidation.state = State.CANCELLED
        invalidation.finished_at = timezone.now()
        invalidation.save(update_fields=["state", "finished_at"])
        _announce(invalidation, user)
    return True


def reinstate(invalidation, user):
    """Start putting back what a finished or cancelled run took. Returns whether this call started it."""
    started = Invalidation.objects.filter(pk=invalidation.pk, state__in=(State.DONE, State.CANCELLED)).update(
        state=State.REINSTATING, reinstated_by=user
    )
    if started:
        transaction.on_commit(lambda: reinstate_batch.enqueue(invalidation.pk))
    return bool(started)


@task()
def reinstate_batch(invalidation_id):
    """Reinstate the next BATCH signatures of a run being reinstated, then queue the next batch, or finish."""
    with transaction.atomic():
        invalidation = Invalidation.objects.select_for_update().filter(pk=invalidation_id).first()
        if invalidation is None or invalidation.state != State.REINSTATING:
            return
        back, counted = quarantine.reinstate(invalidation.campaign_key, invalidation.pk, BATCH)
        invalidation.reinstated += back
        invalidation.recounted += counted
        finished = back < BATCH
        if finished:
            invalidation.state = State.REINSTATED
            invalidation.reinstated_at = timezone.now()
            page = _page(invalidation)
            if page is not None:
                log(
                    page,
                    REINSTATE_ACTION,
                    user=invalidation.reinstated_by,
                    data={"run": invalidation.pk, "reinstated": invalidation.reinstated},
                )
            events.emit(
                events.reinstated,
                campaign_key=invalidation.campaign_key,
                run=invalidation.pk,
                reinstated=invalidation.reinstated,
                counted=invalidation.recounted,
            )
        invalidation.save(update_fields=["reinstated", "recounted", "state", "reinstated_at"])
    if not finished:
        reinstate_batch.enqueue(invalidation_id)


def _page(invalidation):
    return CampaignPage.by_campaign_key([invalidation.campaign_key]).get(invalidation.campaign_key)


def _announce(invalidation, user):
    """The audit log's entry and the `invalidated` event of a run that ended (inside its transaction)."""
    page = _page(invalidation)
    if page is not None:
        # Counts only (the reason, typed by hand, stays on the run): the log is read by people who may not
        # see signers.
        log(
            page,
            INVALIDATE_ACTION,
            user=user,
            data={
                "run": invalidation.pk,
                "invalidated": invalidation.invalidated,
                "cancelled": invalidation.state == State.CANCELLED,
            },
        )
    events.emit(
        events.invalidated,
        campaign_key=invalidation.campaign_key,
        run=invalidation.pk,
        invalidated=invalidation.invalidated,
        uncounted=invalidation.uncounted,
    )
    logger.info("Invalidation run %s: %d signature(s) invalidated", invalidation.pk, invalidation.invalidated)
