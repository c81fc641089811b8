"""The signing service: from a valid POST to a stored row, every rule in the order it is applied.

`sign` reads top to bottom as the rules: the petition is open; the client is within its rate limit (counted,
once the form is checked, in one round trip with the integrity rules' rates for a valid one); the form is
valid; the honeypot is empty; the consents given are kept with their words and time; then one INSERT
(campaigns.signature_insert) stores the row, and the database's unique constraint keeps one signature per
person (a repeat stores nothing and gets the same reply); after the commit one follow-up task is queued. The
view (campaigns.views.petition) calls it and maps its Outcome to a status; every side effect starts from
campaigns.events, emitted by `follow_up` in the worker.
"""

import enum
import functools
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import punycode
from django_tasks import task
from wagtail.models import Page

from campaigns import events, form_shown, quarantine, ratelimit
from campaigns.confirmation import new_confirmation_key
from campaigns.models.signature import Signature
from campaigns.signature_insert import insert
from campaigns.signer_fields import (
    FORM_SHOWN_FIELD,
    HONEYPOT_FIELD,
    NOT_QUESTIONS,
    REFERRER_FIELD,
    SIGNER_FIELDS,
    UTM_FIELDS,
)
from ops.tasks import uses_database_queue

# A repeat signer hears "you have already signed" by mail at most this often, per address and campaign.
REPEAT_NOTICE_INTERVAL = timedelta(days=1)


class Outcome(enum.Enum):
    """What a signing attempt comes to, which the view answers with a status (303/200, 400, 409, 429)."""

    # Stored, or a repeat, or a bot caught by the honeypot: one reply for all, so nobody learns which.
    SIGNED = "signed"
    INVALID = "invalid"  # the form has errors: the form itself says which
    CLOSED = "closed"  # the petition no longer takes signatures
    RATE_LIMITED = "rate_limited"  # this client tried too often: retry_after seconds to wait


@dataclass(frozen=True)
class SigningResult:
    """What `sign` did. Views reply by `outcome` alone: `signature` (the new one) and `created` are for the
    service's own callers (tests, commands), never for the person signing, since a repeat must look like a
    first signature. `resend_key` is the confirmation key of the signature that a "send it again" press from
    this browser may mail (a new one's, or a repeat signer's whose notice was due), or None: the view puts it,
    encrypted, in a cookie that looks the same either way (campaigns.confirmation.resend_token)."""

    outcome: Outcome
    retry_after: int = 0
    signature: Signature | None = None
    created: bool = False
    resend_key: str | None = None


def normalise_email(address):
    """The form of an address that decides "the same person": trimmed, composed (NFC), lower-cased, and
    with the domain in the ASCII form mail travels to (IDNA), so `a@BÜCHER.example` and
    `a@xn--bcher-kva.example` are one person."""
    address = unicodedata.normalize("NFC", address.strip()).lower()
    local_part, at, domain = address.rpartition("@")
    try:
        return f"{local_part}{at}{punycode(domain)}"
    except UnicodeError:  # not a domain at all: the form refuses such an address before it gets here
        return address


def source_of(cleaned_data, partner=None):
    """The utm_* parameters and the referrer's host (never its path or query) that came with a signature, and
    the partner site whose embedded form it was signed in: its name (what the campaign's summary groups by)
    and its origin."""
    source = {name: cleaned_data[name] for name in UTM_FIELDS if cleaned_data.get(name)}
    referrer = (cleaned_data.get(REFERRER_FIELD) or "").strip()
    try:
        host = urlsplit(referrer if "//" in referrer else f"//{referrer}").hostname if referrer else None
    except ValueError:  # not a URL at all ("http://[oops"): the signature is kept, without a referrer
        host = None
    if host:
        source["referrer_host"] = host
    if partner is not None:
        source.update(partner=partner.name, partner_origin=partner.origin)
    return source


def sign(page, form, client=None, partner=None, address=None):
    """Decide and store a signature of `page` (a CampaignPage) from its bound signing form.

    `partner` is the listed partner site whose embedded form was used (campaigns.embedding.EmbedPartner),
    recorded in the signature's source; None on this site's own pages. The rules are the same either way.
    `address` is the client's network address (campaigns.ratelimit.client_address), which only the
    integrity judges see (campaigns.quarantine); it is never stored.

    The gates, in order: the petition must be open; the client (campaigns.ratelimit.client_key of the request;
    None only for callers with no client, such as a command) must be within its rate limit, which counts
    every attempt (the form is checked first, so that a valid one's integrity rates are counted in the same
    round trip); the form must be valid; a filled-in honeypot is answered as a success and stores nothing.

    Then one INSERT: the row, which counts at once unless the page asks signers to confirm by email (the
    database adds it to the count in the same statement: campaigns/counting.py). Nothing here reads more rows
    as more people sign. The database's unique constraint on
    (campaign_key, email_normalised) decides who signed first, even when two requests race: the loser's
    insert stores nothing and it is handled as a repeat, which changes nothing but may send the person a
    short "you have already signed" mail.

    Then one task (`follow_up`) is queued, whatever happened (with the database queue in the INSERT's own
    transaction, on PostgreSQL by the INSERT's own statement, so that no signature is ever stored without it;
    with a queue that runs tasks at once, after the commit): for a new signature, for a repeat due its notice
    and for a repeat that is not. The worker decides what follows, and mails and anything else start there,
    from the `signed` and `signed_again` events (campaigns.events). So the request does the same work whether
    or not the address had signed, and takes as long: someone timing it learns nothing.
    """
    if not page.is_open:
        return SigningResult(Outcome.CLOSED)
    valid = form.is_valid()
    # The rate limit counts every attempt, valid or not; the integrity rules' rates (campaigns.quarantine) count
    # valid ones, in the same round trip: a second one cost signing a tenth of its rate under load.
    limit = [(client, settings.SIGN_RATE_LIMIT, ratelimit.SIGN_SCOPE)] if client is not None else []
    judged = quarantine.rate_checks(page.translation_key, address) if valid else []
    waits = ratelimit.seconds_until_allowed_many(limit + judged)
    if limit and waits[0]:
        return SigningResult(Outcome.RATE_LIMITED, retry_after=waits[0])
    if not valid:
        return SigningResult(Outcome.INVALID)
    cleaned_data = form.cleaned_data
    if cleaned_data.get(HONEYPOT_FIELD):
        return SigningResult(Outcome.SIGNED)
    # Fields the page does not show are absent from the form: they are stored empty.
    signer = {name: cleaned_data.get(name) or "" for name in SIGNER_FIELDS}
    signer["email"] = signer["email"].strip()
    signer["newsletter_opt_in"] = bool(signer["newsletter_opt_in"])
    now = timezone.now()
    signature = Signature(
        page=page,
        campaign_key=page.translation_key,
        locale=page.locale.language_code,
        **signer,
        email_normalised=normalise_email(signer["email"]),
        form_data={name: value for name, value in cleaned_data.items() if name not in NOT_QUESTIONS},
        source=source_of(cleaned_data, partner),
        consent_text=page.consent_text,
        consented_at=now,
        **_box_consents(form, now),
        confirmation_key=new_confirmation_key() if page.confirmation_required else None,
    )
    # How long the form was shown before this post, from the token petition.js put in it (None without one:
    # campaigns.form_shown); for the judges only, never stored.
    signature.seconds_to_fill = form_shown.seconds_since_shown(
        cleaned_data.get(FORM_SHOWN_FIELD), page.translation_key
    )
    # Quarantine: the integrity rules judge it before the INSERT, so a flagged signature is stored flagged and
    # uncounted by that one statement; its reply, task and mails are the same as anyone's (campaigns.quarantine).
    signature.rates_counted = dict(zip(judged, waits[len(limit) :], strict=True))
    signature.flag_reasons = quarantine.judge(signature, address)
    signature.flagged_at = now if signature.flag_reasons else None
    signature.counted = not page.confirmation_required and not signature.flag_reasons
    # One INSERT: the database counts the row in the same statement (campaigns/counting.py), or stores nothing
    # when this person has signed. Inside a caller's transaction a savepoint keeps a failed insert from
    # spoiling it.
    if uses_database_queue():
        # The task row, the same whatever happened, stored with the signature: a signature is never stored
        # without what follows it (on PostgreSQL by the INSERT's own statement; see `insert`).
        stored, pk, key = insert(signature, now - REPEAT_NOTICE_INTERVAL, follow_up=(follow_up, page.pk))
    else:
        # A queue that runs tasks at once (development, tests) runs them once the signature is committed.
        with transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext():
            stored, pk, key = insert(signature, now - REPEAT_NOTICE_INTERVAL)
        transaction.on_commit(functools.partial(follow_up.enqueue, pk, page.pk, stored))
    return SigningResult(
        Outcome.SIGNED, signature=signature if stored else None, created=stored, resend_key=key
    )


@task()
def follow_up(signature_id, page_id, new):
    """What follows a signing, in the worker: announce a `new` signature (`signed`) or a repeat due its notice
    (`signed_again`: the earlier signature), each with the locale variant signed now (`page_id`). Queued for a
    repeat not due a notice too, with no `signature_id`, and then does nothing: see `sign`."""
    if signature_id is None:
        return
    signature = Signature.objects.filter(pk=signature_id).first()
    page = Page.objects.filter(pk=page_id).first()
    if signature is None or page is None:  # erased since, or the page deleted: nothing to announce
        return
    events.emit(events.signed if new else events.signed_again, signature=signature, page=page.specific)


def _box_consents(form, now):
    """The consent boxes the signer ticked, as columns: the words beside each box (in the language the form was
    shown in) and when. A box not shown or not ticked stores nothing."""
    given = {}
    for name, prefix in (("updates_opt_in", "updates"), ("name_handover", "handover")):
        if form.cleaned_data.get(name):
            given[f"{prefix}_consent_text"] = str(form.fields[name].label)
            given[f"{prefix}_consented_at"] = now
    return given
