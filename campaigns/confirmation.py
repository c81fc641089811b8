"""Getting signers to confirm: the link sent again on request, one reminder, and the tally of those who never did.

- **Send it again.** The reply to a signature on a petition with confirmation on sets a cookie in the signer's
  browser (`RESEND_COOKIE`, readable only by the server, sent only to the "send it again" address) holding the
  signature's random confirmation key, encrypted (`resend_token`). The "send it again" button on the thank-you
  state posts to campaigns.views.confirmation.resend_confirmation, which has the worker resend the link only to the address of
  that key (`send_again`): no address is ever typed in, so the button cannot be aimed at someone else's inbox.
  Every signing reply sets such a cookie, made the same way, a repeat's and a bot's too (theirs hold a random key
  that names no waiting signature, unless a repeat signer's signature still waits), and the button answers the same
  whatever happened, and takes as long (one task queued for any cookie of ours), so neither tells whether an
  address had signed. Each signature may have its link sent again RESEND_LIMIT times, at most once per
  RESEND_INTERVAL, and each browser's presses are rate-limited like signing.
- **One reminder** (campaigns.reminders, beside this module because it reads the campaigns' settings, and the
  page model imports this module through its views). `due_reminders` finds the signatures still waiting `confirmation_reminder_hours` (the
  campaign's setting, 24 by default) after signing, whose link has not expired; `send_reminders` (the
  `send_reminders` command, hourly from cron) marks each reminded (a conditional UPDATE, so two runs never
  remind twice) and queues its mail. A sweep rather than a task queued at signing with `run_after`: a changed
  delay applies to everyone still waiting, and a million signatures do not leave a million tasks waiting a day.
- **Never confirmed.** campaigns.privacy deletes the signatures whose last link expired a grace period ago,
  and adds them to `UnconfirmedDeleted`, so the confirmation rate in the admin still counts them.
"""

import base64
import enum
import secrets
from dataclasses import dataclass
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_tasks import task

from campaigns import events, quarantine, ratelimit
from campaigns.models.signature import CONFIRMATION_MAX_AGE, Signature

CONFIRMATION_SALT = "campaigns.signature.confirmation-key"
# Links mailed before confirmation keys existed carried the row id, signed with this salt (see _signature_for).
LEGACY_CONFIRMATION_SALT = "campaigns.signature.confirm"

RESEND_COOKIE = "petition_signed"
RESEND_SALT = "campaigns.confirmation.resend"
# Times a signature's link may be sent again from the thank-you state, and how long between two.
RESEND_LIMIT = 3
RESEND_INTERVAL = timedelta(minutes=2)


# The link: an expiring token, naming a random key, that counts the signature once.


def new_confirmation_key():
    """A fresh secret for a signature's confirmation links: 128 random bits, URL-safe."""
    return secrets.token_urlsafe(16)


def confirmation_token(signature):
    """The token in a signature's confirmation link: its random key, timestamped and signed with SECRET_KEY.

    The key tells nothing about the row (not its id, nor how many signed before), and cannot be guessed.
    The timestamp makes each link expire CONFIRMATION_MAX_AGE after its mail was written, so a repeat signer's
    new mail carries a new link, valid a full week, while earlier links keep working until their own end.
    The signature on top means that someone who reads the database (a backup) still cannot make a link.
    """
    return signing.TimestampSigner(salt=CONFIRMATION_SALT).sign(signature.confirmation_key)


def _signature_for(token):
    """The signature a link's token names. Raises signing.SignatureExpired for a link older than
    CONFIRMATION_MAX_AGE, signing.BadSignature for a made-up or damaged one and Signature.DoesNotExist once
    the signature has been erased or anonymised. A token that fails its check costs no database query.

    Links mailed before confirmation keys existed named the row id (signed the same way); they are honoured
    until they expire, so that nobody who signed just before the upgrade finds their link dead and their
    signature deleted unconfirmed. That branch can go once this code has run for CONFIRMATION_MAX_AGE.
    """
    try:
        key = signing.TimestampSigner(salt=CONFIRMATION_SALT).unsign(token, max_age=CONFIRMATION_MAX_AGE)
        named = Signature.objects.filter(confirmation_key=key)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        named = Signature.objects.filter(
            pk=signing.loads(token, salt=LEGACY_CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
        )
    return named.select_related("page").get(anonymised_at__isnull=True)


class Confirmation(enum.Enum):
    """What a confirmation link comes to, which the view answers with a page and a status."""

    PENDING = "pending"  # a good link of a signature that waits: the page offers the button (200)
    CONFIRMED = "confirmed"  # this request confirmed and counted it (200)
    ALREADY_CONFIRMED = "already_confirmed"  # it counted before: said kindly (200)
    CLOSED = "closed"  # the petition closed before it was confirmed: it will not count (409)
    EXPIRED = "expired"  # older than CONFIRMATION_MAX_AGE (400)
    INVALID = "invalid"  # made up or damaged, or its signature is gone (404)


@dataclass(frozen=True)
class ConfirmationResult:
    outcome: Confirmation
    signature: Signature | None = None


def check_confirmation(token):
    """What the link with `token` would do, changing nothing: what opening it (GET or HEAD) shows.

    Mail scanners open every link in a mail, so opening one must never confirm: only `confirm`, called
    when the person presses the button, does.
    """
    try:
        signature = _signature_for(token)
    except signing.SignatureExpired:
        return ConfirmationResult(Confirmation.EXPIRED)
    except (signing.BadSignature, Signature.DoesNotExist):
        return ConfirmationResult(Confirmation.INVALID)
    if (
        signature.counted or signature.confirmed_at
    ):  # a held one (campaigns.quarantine) may be confirmed, uncounted
        return ConfirmationResult(Confirmation.ALREADY_CONFIRMED, signature)
    if not signature.page.specific.is_open:
        return ConfirmationResult(Confirmation.CLOSED, signature)
    return ConfirmationResult(Confirmation.PENDING, signature)


def confirm(token):
    """Confirm the signature a link's token names and count it, once.

    Only while its petition is open: a confirmation that arrives after it closed does not count (the signature
    stays unconfirmed, and is deleted with the others once its link expires). Concurrent presses of one link
    race on a conditional UPDATE: the one that changes the row counts it, the others find it confirmed.
    """
    checked = check_confirmation(token)
    if checked.outcome is not Confirmation.PENDING:
        return checked
    signature = checked.signature
    with transaction.atomic():
        # Conditional, so two presses racing on the same link count it once.
        waiting = Signature.objects.filter(pk=signature.pk, counted=False, confirmed_at__isnull=True)
        now = timezone.now()
        # A signature held by an integrity rule is confirmed but counts only once released, an invalidated
        # one only once reinstated (campaigns.quarantine); its signer is told the same as anyone.
        newly_counted = waiting.exclude(quarantine.KEPT_OUT).update(counted=True, confirmed_at=now)
        newly_confirmed = newly_counted or waiting.filter(quarantine.KEPT_OUT).update(confirmed_at=now)
        if newly_counted:  # the database has counted it (campaigns/counting.py)
            events.emit(events.confirmed, signature=signature)
    signature.refresh_from_db(fields=["confirmed_at", "counted"])
    return ConfirmationResult(
        Confirmation.CONFIRMED if newly_confirmed else Confirmation.ALREADY_CONFIRMED, signature
    )


# Send it again


def _cipher():
    """Authenticated encryption (Fernet: AES-CBC with an HMAC, a random IV each time) under a key derived from
    SECRET_KEY, and from SECRET_KEY_FALLBACKS for cookies made before a change of it."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(RESEND_SALT, "fernet", secret, algorithm="sha256").digest()
                )
            )
            for secret in secrets
        ]
    )


def resend_token(key):
    """The cookie's value after a signing reply: the confirmation key `key` (SigningResult.resend_key) or, when
    it is None (a repeat, a bot), a random key that names no signature, encrypted.

    Encrypted, not only signed: a signed key could be read, and the cookie of someone signing again would then
    show the key of their first signature, so that signing an address twice told whether it had signed. Each
    encryption has a random IV, so two cookies naming one key share nothing, and every cookie has the same
    length and characters (the base64 padding is left out: a cookie value keeps no `=` unquoted).
    """
    token = _cipher().encrypt((key or new_confirmation_key()).encode())
    return token.decode().rstrip("=")


def _key_of(token):
    """The confirmation key a cookie names, or None for a made-up, damaged or expired one."""
    try:
        return (
            _cipher()
            .decrypt(token + "=" * (-len(token) % 4), ttl=int(CONFIRMATION_MAX_AGE.total_seconds()))
            .decode()
        )
    except (InvalidToken, ValueError):
        pass
    # Cookies set before they were encrypted held the key signed; they are honoured until they expire, so that
    # nobody who signed just before the upgrade loses the button. This can go once this code has run a week.
    try:
        return signing.TimestampSigner(salt=RESEND_SALT).unsign(token, max_age=CONFIRMATION_MAX_AGE)
    except signing.BadSignature:
        return None


def resend(token, client=None):
    """Have the confirmation link sent again to the signature `token` names, if it still waits and may have it
    again (the worker decides: `send_again`).

    Returns the seconds the client must wait when it pressed too often (rate limit), else 0, whether or not a
    mail went: the reply must not tell, nor the time it takes, so any token from a signing reply queues the
    same one task, whatever it names. Only a valid, unexpired token names a signature.
    """
    if client is not None:
        wait = ratelimit.seconds_until_allowed(f"resend:{client}")
        if wait:
            return wait
    key = _key_of(token or "")
    if key is not None:
        transaction.on_commit(lambda: send_again.enqueue(key))
    return 0


@task()
def send_again(key):
    """Send the confirmation link again to the signature with confirmation key `key`, if it still waits and
    has not had it RESEND_LIMIT times, nor in the last RESEND_INTERVAL; otherwise nothing."""
    now = timezone.now()
    # Conditional, so two presses at once send one mail, and the limits hold whoever presses.
    waiting = Signature.objects.filter(
        Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lt=now - RESEND_INTERVAL),
        confirmation_key=key,
        counted=False,
        confirmed_at__isnull=True,  # a held signature (campaigns.quarantine) may be confirmed yet uncounted
        anonymised_at__isnull=True,
        confirmation_resends__lt=RESEND_LIMIT,
    )
    with transaction.atomic():
        pk = waiting.values_list("pk", flat=True).first()
        if pk is not None and waiting.filter(pk=pk).update(
            confirmation_resends=F("confirmation_resends") + 1, confirmation_sent_at=now
        ):
            events.emit(events.link_requested, signature_id=pk)
