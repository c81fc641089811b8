"""Signatures: the model, the signing service and the count.

Follow a signature here from the POST to the row to the count. Everything that decides whether a
signature is stored, counted, confirmed or erased lives in this module.
"""

import hashlib
import hmac
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.contrib.forms.models import AbstractFormSubmission

# What a signer fills in, beside the editor's extra questions. Each is a column of Signature.
SIGNER_FIELDS = ("first_name", "last_name", "email", "country", "postal_code", "comment", "newsletter_opt_in")
# Where a signer came from, carried through the form in hidden fields: the page URL's utm_* parameters
# and the page's referrer (of which only the host is kept).
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
REFERRER_FIELD = "referrer"
# A field people never see (petition.css hides it) and bots fill in.
HONEYPOT_FIELD = "website"
# Every form field that is not an extra question; what remains of the cleaned data goes to form_data.
NOT_QUESTIONS = frozenset((*SIGNER_FIELDS, *UTM_FIELDS, REFERRER_FIELD, HONEYPOT_FIELD))
# The columns Wagtail's Forms listing and export show before the extra questions.
DATA_COLUMNS = (*SIGNER_FIELDS, "locale", "confirmed_at")

CONFIRMATION_SALT = "campaigns.signature.confirm"
CONFIRMATION_MAX_AGE = timedelta(days=7)
# A repeat signer hears "you have already signed" by mail at most this often, per address and campaign.
REPEAT_NOTICE_INTERVAL = timedelta(days=1)

# Concurrent signers increment one of this many counter rows, picked at random, so no single row
# becomes a lock every signing transaction waits on. Reads sum them: a handful of rows, one index scan.
COUNTER_SHARDS = 8


class Signature(AbstractFormSubmission):
    """One person's signature on one campaign, shared by all the campaign's locale variants.

    `page` is the locale variant that was signed; `campaign_key` is the campaign's translation key,
    the same for every variant, so the unique constraint stops a person signing twice in two languages.
    Extra questions' answers are in `form_data` (inherited).
    """

    campaign_key = models.UUIDField(_("campaign"), db_index=True, editable=False)
    locale = models.CharField(_("language"), max_length=20)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    # Lower-cased, trimmed address: the key that makes one signature per person. NULL once erased.
    email_normalised = models.CharField(max_length=254, null=True, blank=True, editable=False)
    country = CountryField(_("country"), blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    newsletter_opt_in = models.BooleanField(_("newsletter"), default=False)
    source = models.JSONField(
        _("source"), default=dict, blank=True, help_text=_("utm_* parameters and the referring site's host.")
    )
    consent_text = models.TextField(_("consent wording shown"), blank=True)
    consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # True once the signature is in the public count: at once, or on confirmation when that is required.
    counted = models.BooleanField(_("counted"), default=False)
    repeat_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("personal data deleted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-submit_time"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_key", "email_normalised"], name="one_signature_per_person_per_campaign"
            )
        ]
        indexes = [models.Index(fields=["email_normalised"], name="signature_email_idx")]

    def __str__(self):
        return f"{self.first_name} {self.last_name} <{self.email}>".strip()

    def get_data(self):
        """The row as Wagtail's Forms listing and CSV/XLSX export read it (see CampaignPage.get_data_fields)."""
        data = super().get_data()  # the extra questions' answers and submit_time
        data.update({name: getattr(self, name) for name in DATA_COLUMNS})
        data["country"] = self.country.name
        return data


class SignatureCounter(models.Model):
    """One shard of a campaign's public count. The count is the sum of a campaign's shards."""

    campaign_key = models.UUIDField(editable=False)
    shard = models.PositiveSmallIntegerField()
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign_key", "shard"], name="one_row_per_counter_shard")
        ]

    def __str__(self):
        return f"{self.campaign_key}#{self.shard}: {self.count}"


def signature_count(campaign_key):
    """The public count of a campaign (all locale variants): a sum over a few counter rows."""
    total = SignatureCounter.objects.filter(campaign_key=campaign_key).aggregate(total=Sum("count"))["total"]
    return total or 0


def stored_counts():
    """{campaign_key: public count} of every campaign that has a count: one grouped sum over the shards."""
    return dict(
        SignatureCounter.objects.values("campaign_key")
        .annotate(n=Sum("count"))
        .values_list("campaign_key", "n")
        .order_by()
    )


def change_count(campaign_key, delta):
    """Add `delta` (positive or negative) to a campaign's count, inside the caller's transaction.

    One UPDATE of a randomly chosen shard; the shard row is created on first use. Concurrent callers
    rarely touch the same row, so none waits long for another's lock.
    """
    if not delta:
        return
    shard = random.randrange(COUNTER_SHARDS)
    updated = SignatureCounter.objects.filter(campaign_key=campaign_key, shard=shard).update(
        count=F("count") + delta
    )
    if not updated:
        with transaction.atomic():  # a savepoint: losing the creation race must not abort the caller
            try:
                SignatureCounter.objects.create(campaign_key=campaign_key, shard=shard, count=delta)
                return
            except IntegrityError:
                pass
        SignatureCounter.objects.filter(campaign_key=campaign_key, shard=shard).update(
            count=F("count") + delta
        )


def reconcile_counts():
    """Make every campaign's stored count equal to its counted signature rows.

    Returns {campaign_key: (stored_before, actual)} for the campaigns that were wrong.
    """
    actual = dict(
        Signature.objects.filter(counted=True)
        .values("campaign_key")
        .annotate(n=Count("id"))
        .values_list("campaign_key", "n")
    )
    stored = stored_counts()
    fixed = {}
    for key in set(actual) | set(stored):
        if actual.get(key, 0) != stored.get(key, 0):
            before, after = _reconcile_campaign(key)
            if before != after:
                fixed[key] = (before, after)
    return fixed


def _reconcile_campaign(campaign_key):
    """Recount one campaign while signers go on signing, and correct its count by the difference.

    Every shard row is created and locked first, so a signer whose row is not yet committed waits to
    add its 1 until we are done, and we neither see its row nor its increment: the count stays exact.
    """
    for shard in range(COUNTER_SHARDS):
        SignatureCounter.objects.get_or_create(campaign_key=campaign_key, shard=shard)
    with transaction.atomic():
        shards = list(SignatureCounter.objects.select_for_update().filter(campaign_key=campaign_key))
        stored = sum(counter.count for counter in shards)
        actual = Signature.objects.filter(campaign_key=campaign_key, counted=True).count()
        if actual != stored:
            SignatureCounter.objects.filter(pk=shards[0].pk).update(count=F("count") + (actual - stored))
    return stored, actual


# Signing: from a valid form to a stored, counted row.


@dataclass(frozen=True)
class SigningResult:
    """What `sign` did. Callers must reply the same whatever it says: a repeat looks like a first signature."""

    signature: Signature | None
    created: bool


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


def source_of(cleaned_data):
    """The utm_* parameters and the referrer's host (never its path or query) that came with a signature."""
    source = {name: cleaned_data[name] for name in UTM_FIELDS if cleaned_data.get(name)}
    referrer = (cleaned_data.get(REFERRER_FIELD) or "").strip()
    host = urlsplit(referrer if "//" in referrer else f"//{referrer}").hostname if referrer else None
    if host:
        source["referrer_host"] = host
    return source


def sign(page, cleaned_data):
    """Store and count a signature of `page` (a CampaignPage) from a valid signing form's cleaned data.

    One short transaction: insert the row and, unless the page asks signers to confirm by email, add one
    to the count. Nothing here reads more rows as more people sign. The database's unique constraint on
    (campaign_key, email_normalised) decides who signed first, even when two requests race: the loser's
    insert fails and it is handled as a repeat, which changes nothing but may send the person a short
    "you have already signed" mail. A filled-in honeypot stores nothing.
    """
    if cleaned_data.get(HONEYPOT_FIELD):
        return SigningResult(None, created=False)
    # Fields the page does not show are absent from the form: they are stored empty.
    signer = {name: cleaned_data.get(name) or "" for name in SIGNER_FIELDS}
    signer["email"] = signer["email"].strip()
    signer["newsletter_opt_in"] = bool(signer["newsletter_opt_in"])
    signature = Signature(
        page=page,
        campaign_key=page.translation_key,
        locale=page.locale.language_code,
        **signer,
        email_normalised=normalise_email(signer["email"]),
        form_data={name: value for name, value in cleaned_data.items() if name not in NOT_QUESTIONS},
        source=source_of(cleaned_data),
        consent_text=page.consent_text,
        consented_at=timezone.now(),
        counted=not page.confirmation_required,
    )
    try:
        with transaction.atomic():
            signature.save()
            if signature.counted:
                change_count(signature.campaign_key, 1)
    except IntegrityError:
        earlier = Signature.objects.filter(
            campaign_key=signature.campaign_key, email_normalised=signature.email_normalised
        ).first()
        if earlier is None:  # some other constraint failed: not a repeat
            raise
        _tell_repeat_signer(earlier, page)
        return SigningResult(earlier, created=False)

    from campaigns import emails  # tasks bind to their backend on import, after the app registry is ready

    if page.confirmation_required:
        emails.send_confirmation.enqueue(signature.pk)
    if page.to_address:
        emails.notify_team.enqueue(signature.pk)
    return SigningResult(signature, created=True)


def _tell_repeat_signer(signature, page):
    """Mail a repeat signer, at most once per REPEAT_NOTICE_INTERVAL: a new confirmation link if the
    signature still waits for one, otherwise "you have already signed". The conditional UPDATE makes two
    racing repeats send one mail."""
    from campaigns import emails

    now = timezone.now()
    due = Q(repeat_notice_sent_at__isnull=True) | Q(repeat_notice_sent_at__lt=now - REPEAT_NOTICE_INTERVAL)
    if not Signature.objects.filter(due, pk=signature.pk).update(repeat_notice_sent_at=now):
        return
    if signature.counted:
        emails.send_repeat_notice.enqueue(signature.pk, page.pk)
    else:
        emails.send_confirmation.enqueue(signature.pk)


# Confirmation: a signed, expiring link that counts the signature once.


def confirmation_token(signature):
    """The token in a signature's confirmation link: its id, timestamped and signed with SECRET_KEY."""
    return signing.dumps(signature.pk, salt=CONFIRMATION_SALT)


def confirm(token):
    """Confirm the signature a link's token names and count it, once; return (signature, newly_confirmed).

    Raises signing.SignatureExpired for a link older than CONFIRMATION_MAX_AGE, signing.BadSignature for a
    tampered one and Signature.DoesNotExist once the signature has been erased.
    """
    pk = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    signature = Signature.objects.select_related("page").get(pk=pk, anonymised_at__isnull=True)
    with transaction.atomic():
        Signature.objects.filter(pk=pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
        # Conditional, so two clicks racing on the same link count it once.
        newly_counted = Signature.objects.filter(pk=pk, counted=False).update(counted=True)
        if newly_counted:
            change_count(signature.campaign_key, 1)
    signature.refresh_from_db(fields=["confirmed_at", "counted"])
    return signature, bool(newly_counted)


# Abuse guards: where a POST comes from and how often a client may sign.

RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(text):
    """'10/10m' → (10, 600): at most 10 attempts per 10 minutes. Units: s, m, h, d."""
    match = RATE.match(text or "")
    if not match:
        raise ValueError(f"SIGN_RATE_LIMIT must look like '10/10m', not {text!r}")
    limit, number, unit = match.groups()
    return int(limit), int(number or 1) * SECONDS[unit]


def client_key(request):
    """A keyed hash (HMAC-SHA256 with SECRET_KEY) of the client's address: stable enough to count a client's
    attempts, useless for finding the address again. The raw address is never stored or logged.

    Behind TRUSTED_PROXIES proxies (a load balancer, a CDN), the address is the one the outermost trusted
    proxy saw, read from X-Forwarded-For; entries further left are the client's own claims.
    """
    address = request.META.get("REMOTE_ADDR", "")
    if settings.TRUSTED_PROXIES:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [hop for hop in forwarded if hop]
        if len(forwarded) >= settings.TRUSTED_PROXIES:
            address = forwarded[-settings.TRUSTED_PROXIES]
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def seconds_until_allowed(request):
    """Count one signing attempt against the client's SIGN_RATE_LIMIT; 0 if it may go ahead, otherwise
    the seconds until its window ends. Fixed windows in the shared cache (Redis in production)."""
    limit, window = parse_rate(settings.SIGN_RATE_LIMIT)
    now = int(timezone.now().timestamp())
    key = f"sign-attempts:{client_key(request)}:{now // window}"
    cache.add(key, 0, timeout=window)
    try:
        attempts = cache.incr(key)
    except ValueError:  # the window expired between add and incr
        cache.set(key, 1, timeout=window)
        attempts = 1
    return 0 if attempts <= limit else window - now % window


def is_same_origin(request):
    """Whether an unsafe request (a POST) was sent by a page of this site: CSRF protection without a token.

    Django's CSRF token cannot protect a page whose HTML is cached and shared: the cached form carries
    the token of whoever filled the cache, matching nobody else's cookie, so real signers would get 403.
    Instead we check where the request comes from, as browsers report it and a forging page cannot change:
    1. `Origin`, sent by every current browser on a cross-origin POST (and on same-origin POSTs from
       forms and fetch), must be this site's scheme and host, or one of CSRF_TRUSTED_ORIGINS.
    2. Without `Origin`, `Sec-Fetch-Site` must say same-origin (or none: the person typed it).
    3. Without either, a `Referer`, if sent, must point at this site.
    A request carrying none of the three does not come from a browser a forger could steer (it is curl, a
    test, or a very old browser); it is let through, and the rate limit and the one-signature-per-address
    rule apply to it as to anyone. Signing reads no cookie, so there is no ambient authority to abuse.
    """
    here = f"{request.scheme}://{request.get_host()}"
    trusted = {here, *settings.CSRF_TRUSTED_ORIGINS}
    origin = request.headers.get("Origin")
    if origin is not None:
        return origin in trusted
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in {"same-origin", "none"}
    referer = request.headers.get("Referer")
    if referer:
        parts = urlsplit(referer)
        return f"{parts.scheme}://{parts.netloc}" in trusted
    return True
