"""Getting signers to confirm: the link sent again on request, one reminder, and the tally of those who never did.

- **Send it again.** The reply to a signature on a petition with confirmation on sets a cookie in the signer's
  browser (`RESEND_COOKIE`, readable only by the server, sent only to the "send it again" address) holding the
  signature's random confirmation key, encrypted (`resend_token`). The "send it again" button on the thank-you
  state posts to campaigns.views.resend_confirmation, which has the worker resend the link only to the address of
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
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_tasks import task

from campaigns import emails, ratelimit
from campaigns.signatures import CONFIRMATION_MAX_AGE, Signature, new_confirmation_key

RESEND_COOKIE = "petition_signed"
RESEND_SALT = "campaigns.confirmation.resend"
# Times a signature's link may be sent again from the thank-you state, and how long between two.
RESEND_LIMIT = 3
RESEND_INTERVAL = timedelta(minutes=2)


class UnconfirmedDeleted(models.Model):
    """How many signatures of a campaign were deleted because nobody confirmed them (campaigns.privacy):
    the rows are gone, but the confirmation rate must still count them among those asked."""

    campaign_key = models.UUIDField(unique=True, editable=False)
    count = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.campaign_key}: {self.count}"


def add_deleted_unconfirmed(counts):
    """Add {campaign key: number deleted unconfirmed} to the tallies (inside the deleting transaction)."""
    for campaign_key, number in counts.items():
        tally, _created = UnconfirmedDeleted.objects.get_or_create(campaign_key=campaign_key)
        UnconfirmedDeleted.objects.filter(pk=tally.pk).update(count=F("count") + number)


def deleted_unconfirmed_counts(campaign_keys):
    """{campaign key: signatures deleted unconfirmed} for the given campaigns (one query)."""
    return dict(
        UnconfirmedDeleted.objects.filter(campaign_key__in=campaign_keys).values_list("campaign_key", "count")
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
        anonymised_at__isnull=True,
        confirmation_resends__lt=RESEND_LIMIT,
    )
    with transaction.atomic():
        pk = waiting.values_list("pk", flat=True).first()
        if pk is not None and waiting.filter(pk=pk).update(
            confirmation_resends=F("confirmation_resends") + 1, confirmation_sent_at=now
        ):
            transaction.on_commit(lambda: emails.send_confirmation.enqueue(pk))
