"""Quarantine: signatures an integrity rule flags are stored, answered and mailed like any other, and counted
only once a Signature manager releases them.

The rules themselves live in the `integrity` app, above campaigns, which campaigns never imports. They reach
the signing service through this module's registry of *judges*: `integrity.apps.IntegrityConfig.ready()`
calls `register_judge`, and `campaigns.signing.sign` calls `judge` once per signature, BEFORE its one INSERT,
so a flagged signature is stored flagged (and uncounted) by that same statement: never counted first and taken
off after, so the public count, milestones and webhooks never see it. A registry rather than a setting naming
callables: the judge is a function of an installed app, registered when that app is ready, so removing the app
from INSTALLED_APPS removes its rules, and a test can register a judge of its own (`registered`).

A judge is `judge(signature, address) -> [(rule, reason), ...]`: `signature` is the unsaved Signature (its
page, campaign_key, email, email_normalised, source are set, and `seconds_to_fill`, not a column: the seconds
from the form being shown to its post, or None when the form carried no valid token, campaigns.form_shown),
`address` the client's network address as the request gave it (campaigns.ratelimit.client_address; None for a
caller with no client). A judge must not store the address; it may set the signature's `network_hash`, a keyed
pseudonym of the address's network. It returns the rules that fired, each with a short reason a manager can
read, or nothing.

A judge that counts rates says which with `rate_checks(campaign_key, address) -> [(key, rate, scope), ...]`,
registered beside it: the signing service counts them in the same Redis round trip as its own rate limit
(campaigns.ratelimit.seconds_until_allowed_many) and hands the judge the answers as the signature's
`rates_counted` ({(key, rate, scope): 0 or seconds until the window ends}). A judge called without them
(`rates_counted` absent) counts for itself.

Release (`release`) goes through the same conditional UPDATE of `counted` that confirmation uses, so the
database's counting triggers (campaigns/counting.py) add each released signature to the count exactly once,
and `reconcile_counts` agrees. A released signature that still waits for its signer's confirmation counts
when it is confirmed (campaigns.confirmation.confirm).

Invalidation (`invalidate`, run in batches by integrity's invalidation runs) takes signatures out of the count
by the same kind of conditional UPDATE, so the triggers take each counted one off exactly once; `reinstate`
undoes a run, counting again those that would count otherwise (confirmed or needing no confirmation, and not
held). An invalidated signature is kept out of the count by confirmation and release too (`KEPT_OUT`).
"""

import logging
from contextlib import contextmanager

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns import events
from campaigns.models.signature import Signature

logger = logging.getLogger(__name__)

_judges = []
_rate_checks = []


def register_judge(judge, rate_checks=None):
    """Have `judge` (see the module's docstring) look at every signature from now on, with the `rate_checks`
    it wants counted, if any. Idempotent."""
    if judge not in _judges:
        _judges.append(judge)
    if rate_checks is not None and rate_checks not in _rate_checks:
        _rate_checks.append(rate_checks)


@contextmanager
def registered(judge):
    """Register `judge` for a block only (tests)."""
    register_judge(judge)
    try:
        yield judge
    finally:
        _judges.remove(judge)


def rate_checks(campaign_key, address):
    """Every (key, rate, scope) the judges want counted for a signature of `campaign_key` from `address`.
    One that fails is logged and asks for nothing, as a failing judge flags nothing."""
    checks = []
    for one in _rate_checks:
        try:
            checks += one(campaign_key, address)
        except Exception:
            logger.exception("The integrity rate checks %s failed; nothing was counted for them", one)
    return checks


def judge(signature, address=None):
    """[{"rule": ..., "reason": ...}] of every rule that flags `signature`, in the order the judges gave them.

    A judge that fails is logged and flags nothing: a broken rule must not stop people signing."""
    reasons = []
    for one in _judges:
        try:
            reasons += [
                {"rule": str(rule), "reason": str(reason)} for rule, reason in one(signature, address)
            ]
        except Exception:
            logger.exception("The integrity judge %s failed; the signature was not judged by it", one)
    return reasons


# Held: flagged and not released. Everything else that keeps a signature out of the count (waiting for its
# confirmation) is told apart by confirmation_key and confirmed_at.
HELD = Q(flagged_at__isnull=False, released_at__isnull=True)
# Invalidated by a Signature manager's run (`invalidate`) and not reinstated.
INVALIDATED = Q(invalidated_at__isnull=False)
# Whatever keeps a signature out of the count even once its signer confirmed it.
KEPT_OUT = HELD | INVALIDATED
# Would count, as far as its signer is concerned: needs no confirmation, or has it.
READY = Q(confirmation_key__isnull=True) | Q(confirmed_at__isnull=False)


def release(signatures):
    """Release the held signatures among `signatures` (a queryset): they count from now on, unless their
    signer has yet to confirm, and then once confirmed. Returns (released, now counted).

    Each is released by a conditional UPDATE, so two managers releasing at once release (and count) each
    signature once. Those that now count are announced as `confirmed` (campaigns.events: a signature that now
    counts), so milestones and webhooks see them as they see a confirmed one."""
    now = timezone.now()
    released = counted = 0
    with transaction.atomic():
        pks = list(signatures.filter(HELD).values_list("pk", flat=True))
        for pk in pks:
            if not Signature.objects.filter(HELD, pk=pk).update(released_at=now):
                continue  # released by someone else meanwhile
            released += 1
            # Counts now if it needs no confirmation, or has it: the same UPDATE as confirm's, so the counting
            # triggers add it once.
            if Signature.objects.filter(READY, pk=pk, counted=False, invalidated_at__isnull=True).update(
                counted=True
            ):
                counted += 1
                events.emit(events.confirmed, signature=Signature.objects.select_related("page").get(pk=pk))
    return released, counted


def invalidate(pks, run):
    """Invalidate the signatures `pks` that are not yet (a batch of run `run`, an integrity Invalidation's id).
    Returns (invalidated, of which were counted).

    Two conditional UPDATEs in one transaction: the counted ones are uncounted by the first (the triggers take
    each off its campaign's count once), the rest are marked by the second; a row invalidated meanwhile by
    another run matches neither, so no signature leaves the count twice."""
    now = timezone.now()
    with transaction.atomic():
        rows = Signature.objects.filter(pk__in=pks, invalidated_at__isnull=True)
        uncounted = rows.filter(counted=True).update(invalidated_at=now, invalidation_run=run, counted=False)
        rest = rows.update(invalidated_at=now, invalidation_run=run)
    return uncounted + rest, uncounted


def reinstate(campaign_key, run, limit):
    """Reinstate up to `limit` signatures of invalidation run `run` (of the campaign `campaign_key`, which
    the index of invalidated signatures starts with). Returns (reinstated, of which now count).

    Those that would count but for the run count again (the triggers add each once); the others (waiting for
    their signer's link, or held by a rule) are back where they were, and count when that is settled."""
    with transaction.atomic():
        pks = list(
            Signature.objects.filter(INVALIDATED, campaign_key=campaign_key, invalidation_run=run)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        rows = Signature.objects.filter(INVALIDATED, pk__in=pks, invalidation_run=run)
        counted = (
            rows.filter(READY).exclude(HELD).update(invalidated_at=None, invalidation_run=None, counted=True)
        )
        rest = rows.update(invalidated_at=None, invalidation_run=None)
    return counted + rest, counted
