"""Signers' personal data: erasing a person on request, deleting signatures nobody confirmed or nobody released,
and anonymising closed campaigns.

Held signatures (flagged by an integrity rule and never released: campaigns.quarantine) never linger: a held
signature is deleted HELD_MAX_AGE after it was flagged, the same time an unconfirmed one's details are kept
(its link's life and a day's grace), by the same hourly job (`manage.py delete_unconfirmed`). Managers have
that long to release it; an unconfirmed held one goes with the unconfirmed ones as before. The campaign's own
retention (`apply_retention`) anonymises any still there when it comes first.

All keep the public counts exact. Erasing deletes rows, so the counted ones are taken off their
campaign's count in the same transaction; unconfirmed signatures were never counted; anonymising blanks
the personal columns and keeps the row (locale, country, dates, `counted`), so counts and tallies do not
move at all.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from wagtail.models import PageLogEntry

from campaigns import events, quarantine
from campaigns.confirmation import CONFIRMATION_MAX_AGE
from campaigns.models.counter import ErasedOnRequest, UnconfirmedDeleted
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import UNCONFIRMED_GRACE, Signature
from campaigns.signing import normalise_email

logger = logging.getLogger(__name__)

# Rows anonymised per UPDATE, or deleted per transaction: keeps each statement's locks and undo log small.
ANONYMISE_BATCH = 5000
# How long a held signature waits for a manager to release it before it is deleted (see the docstring).
HELD_MAX_AGE = CONFIRMATION_MAX_AGE + UNCONFIRMED_GRACE


def erase_signatures(signatures, on_request=True):
    """Delete the given signatures and take the counted ones off their campaigns' counts.

    One transaction: the rows are locked first, so a confirmation racing with the erasure either
    counts before it (and is then taken off) or finds no row to count. Returns the number deleted.
    Erased `on_request` (a person forgotten, a manager's deletion), they are added to their campaigns'
    tallies of erasures in the same transaction, for the public integrity report; `delete_unconfirmed`
    keeps its own tally instead.
    """
    with transaction.atomic():
        rows = list(signatures.select_for_update().values_list("pk", "campaign_key"))
        if not rows:
            return 0
        # The database takes the counted ones off their campaigns' counts (campaigns/counting.py).
        Signature.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
        grouped = _by_campaign(rows)
        if on_request:
            ErasedOnRequest.add({key: len(ids) for key, ids in grouped.items()})
        for campaign_key, signature_ids in grouped.items():
            events.emit(events.erased, signature_ids=signature_ids, campaign_key=campaign_key)
    return len(rows)


def _by_campaign(rows):
    """{campaign key: [signature ids]} of (id, campaign key) rows: events name one campaign each."""
    grouped = {}
    for pk, campaign_key in rows:
        grouped.setdefault(campaign_key, []).append(pk)
    return grouped


def forget_person(email):
    """Erase every signature of `email` in every campaign (the right to erasure). Returns how many.

    The address is never logged: the log says only that a person was forgotten and how many rows went.
    """
    address = normalise_email(email or "")
    if not address:
        return 0
    erased = erase_signatures(Signature.objects.filter(email_normalised=address))
    logger.info("Forgot a person on request: %d signature(s) erased", erased)
    return erased


def unconfirmed_expired(now=None):
    """Signatures that were never confirmed and whose last confirmation link has expired.

    A link is valid for CONFIRMATION_MAX_AGE from when it was sent: at signing, again when the same address
    signs once more (at most once a day, `repeat_notice_sent_at`), when the signer asks for it again or is
    reminded (`confirmation_sent_at`). They were never counted.
    """
    cutoff = (now or timezone.now()) - CONFIRMATION_MAX_AGE - UNCONFIRMED_GRACE
    return Signature.objects.filter(
        Q(repeat_notice_sent_at__isnull=True) | Q(repeat_notice_sent_at__lt=cutoff),
        Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lt=cutoff),
        # Uncounted because held by an integrity rule (campaigns.quarantine), with no link to confirm: kept for
        # a manager to judge. Rows from before confirmation keys, unflagged, still expire.
        Q(flagged_at__isnull=True) | Q(confirmation_key__isnull=False),
        # Invalidated by a Signature manager (campaigns.quarantine.invalidate): kept, so the run can be undone
        # and the public report counts it as invalidated, until retention anonymises it.
        invalidated_at__isnull=True,
        confirmed_at__isnull=True,
        counted=False,
        submit_time__lt=cutoff,
    )


def delete_unconfirmed(now=None):
    """Delete the signatures nobody confirmed in time (see `unconfirmed_expired`). Returns how many.

    Whoever gave an address that never confirmed may not be its owner: their details are kept no longer
    than the link that could have confirmed them.
    """
    deleted = 0
    while batch := list(
        unconfirmed_expired(now).order_by("pk").values_list("pk", flat=True)[:ANONYMISE_BATCH]
    ):
        with transaction.atomic():
            expired = unconfirmed_expired(now).filter(pk__in=batch)
            per_campaign = dict(expired.values_list("campaign_key").annotate(n=Count("pk")).order_by())
            deleted += erase_signatures(expired, on_request=False)
            # The rows go; the confirmation rate still counts them among those asked to confirm.
            UnconfirmedDeleted.add(per_campaign)
    if deleted:
        logger.info("Deleted %d unconfirmed signature(s) whose confirmation link expired", deleted)
    return deleted


def held_expired(now=None):
    """Signatures held by an integrity rule (flagged, never released) for longer than HELD_MAX_AGE. They were
    never counted."""
    cutoff = (now or timezone.now()) - HELD_MAX_AGE
    return Signature.objects.filter(quarantine.HELD, flagged_at__lt=cutoff, counted=False)


def delete_held(now=None):
    """Delete the signatures nobody released in time (see `held_expired`). Returns how many. No count moves:
    they were never counted."""
    deleted = 0
    while batch := list(held_expired(now).order_by("pk").values_list("pk", flat=True)[:ANONYMISE_BATCH]):
        deleted += erase_signatures(held_expired(now).filter(pk__in=batch))
    if deleted:
        logger.info("Deleted %d flagged signature(s) nobody released in time", deleted)
    return deleted


def anonymise_signatures(signatures, now=None):
    """Blank the personal data of the given signatures, keeping what the tallies need.

    Kept: campaign, locale variant, locale, country, times, consent wording, `counted`. Blanked: names,
    email (and the normalised key, so the address is gone from the unique index), postal code, comment,
    extra answers, source, the network pseudonym and the confirmation key. Returns the number of rows
    anonymised.
    """
    now = now or timezone.now()
    pending = signatures.filter(anonymised_at__isnull=True).order_by("pk")
    total = 0
    while True:
        batch = list(pending.values_list("pk", flat=True)[:ANONYMISE_BATCH])
        if not batch:
            return total
        done = Signature.objects.filter(pk__in=batch)
        rows = list(done.values_list("pk", "campaign_key"))
        total += done.update(
            first_name="",
            last_name="",
            email="",
            email_normalised=None,
            postal_code="",
            comment="",
            form_data={},
            source={},
            network_hash="",
            repeat_notice_sent_at=None,
            confirmation_key=None,  # the link in the signer's inbox must not lead back to the row
            anonymised_at=now,
        )
        for campaign_key, signature_ids in _by_campaign(rows).items():
            events.emit(events.anonymised, signature_ids=signature_ids, campaign_key=campaign_key)


def closed_at(page, now=None):
    """When this locale variant of a campaign stopped taking signatures, or None if it still does.

    Closed by date: the closing date. Closed by hand (`closed` ticked and published): the page has no
    "closed at" field, so the moment is read from its publishing history, the first publication of the
    latest unbroken run of publications with `closed` ticked. Where that history is gone (revisions
    purged), the last publication is used: it can only be later than the real moment, so data is never
    deleted early, at worst kept a little longer.
    """
    now = now or timezone.now()
    moments = []
    if page.closing_date and page.closing_date <= now:
        moments.append(page.closing_date)
    if page.closed:
        moments.append(_closed_by_hand_at(page) or page.last_published_at or now)
    return min(moments) if moments else None


def _closed_by_hand_at(page):
    publications = (
        PageLogEntry.objects.filter(page=page, action="wagtail.publish")
        .select_related("revision")
        .order_by("-timestamp", "-pk")
    )
    since = None
    for entry in publications.iterator():
        if entry.revision is None or not entry.revision.content.get("closed"):
            break
        since = entry.timestamp
    return since


def expired_campaigns(now=None):
    """Translation keys of campaigns whose signers' personal data has been kept long enough.

    A campaign (all its locale variants) expires once every published variant has been closed for at
    least the longest retention period set on any variant. A campaign without a retention period, or with
    no published variant, is kept.
    """
    now = now or timezone.now()
    variants = {}
    for page in CampaignPage.objects.all().only(
        "translation_key", "live", "closed", "closing_date", "retention_days", "last_published_at"
    ):
        variants.setdefault(page.translation_key, []).append(page)

    expired = []
    for key, pages in variants.items():
        periods = [p.retention_days for p in pages if p.retention_days is not None]
        live = [p for p in pages if p.live]
        if not periods or not live:
            continue
        closing_moments = [closed_at(p, now) for p in live]
        if any(moment is None for moment in closing_moments):
            continue
        if max(closing_moments) + timedelta(days=max(periods)) <= now:
            expired.append(key)
    return expired


def apply_retention(now=None):
    """Anonymise the signatures of every expired campaign. Returns {translation_key: rows anonymised}."""
    now = now or timezone.now()
    done = {}
    for key in expired_campaigns(now):
        n = anonymise_signatures(Signature.objects.filter(campaign_key=key), now)
        if n:
            done[key] = n
            logger.info("Retention: anonymised %d signature(s) of campaign %s", n, key)
    return done
