"""Signatures: the model, the signing service and the count.

Follow a signature here from the POST to the row to the count. Everything that decides whether a
signature is stored, counted, confirmed or erased lives in this module.
"""

import enum
import functools
import secrets
import unicodedata
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.sql.subqueries import InsertQuery
from django.utils import timezone
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from django_tasks import task
from wagtail.contrib.forms.models import AbstractFormSubmission
from wagtail.models import Page

from campaigns import events, ratelimit

# What a signer fills in, beside the editor's extra questions. Each is a column of Signature.
SIGNER_FIELDS = ("first_name", "last_name", "email", "country", "postal_code", "comment", "newsletter_opt_in")
# Consents a petition may ask for beside the newsletter, each an unticked box the editor switches on (CampaignPage):
# mails about this petition (the updates app), and the signer's name and country handed to the target with the
# petition (the delivery app). Each is stored like the main consent: the words shown and when.
CONSENT_FIELDS = ("updates_opt_in", "name_handover")
# Where a signer came from, carried through the form in hidden fields: the page URL's utm_* parameters
# and the page's referrer (of which only the host is kept).
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
REFERRER_FIELD = "referrer"
# A field people never see (petition.css hides it) and bots fill in.
HONEYPOT_FIELD = "website"
# Every form field that is not an extra question; what remains of the cleaned data goes to form_data.
NOT_QUESTIONS = frozenset((*SIGNER_FIELDS, *CONSENT_FIELDS, *UTM_FIELDS, REFERRER_FIELD, HONEYPOT_FIELD))
# The columns Wagtail's Forms listing and export show before the extra questions.
DATA_COLUMNS = (*SIGNER_FIELDS, "locale", "confirmed_at")

# The database constraint that decides who signed first (Signature.Meta).
ONE_PER_PERSON = "one_signature_per_person_per_campaign"

CONFIRMATION_SALT = "campaigns.signature.confirmation-key"
CONFIRMATION_MAX_AGE = timedelta(days=7)
# Links mailed before confirmation keys existed carried the row id, signed with this salt (see _signature_for).
LEGACY_CONFIRMATION_SALT = "campaigns.signature.confirm"
# A repeat signer hears "you have already signed" by mail at most this often, per address and campaign.
REPEAT_NOTICE_INTERVAL = timedelta(days=1)

# The database adds each counted signature to one of this many counter rows of its campaign, picked at random
# (campaigns/counting.py), so no single row becomes a lock every signer waits on. Reads sum them: a handful
# of rows, one index scan.
COUNTER_SHARDS = 8

# Who may see signers' personal data, and who may erase it: the "Signature managers" group and superusers
# (home/migrations/0002_roles.py). Every view that shows a signer, and every action that deletes one, asks.
VIEW_SIGNATURES = "campaigns.view_signature"
ERASE_SIGNATURES = "campaigns.delete_signature"


class Signature(AbstractFormSubmission):
    """One person's signature on one campaign, shared by all the campaign's locale variants.

    `page` is the locale variant that was signed; `campaign_key` is the campaign's translation key,
    the same for every variant, so the unique constraint stops a person signing twice in two languages.
    Extra questions' answers are in `form_data` (inherited).
    """

    # No index of its own: the two indexes below that start with it serve every lookup by campaign, and a
    # third would be one more write for every signature.
    campaign_key = models.UUIDField(_("campaign"), editable=False)
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
    # Updates about this petition: mailed only while consented and not unsubscribed (updates/recipients.py).
    updates_consent_text = models.TextField(_("updates: consent wording shown"), blank=True)
    updates_consented_at = models.DateTimeField(_("updates: consent given at"), null=True, blank=True)
    updates_unsubscribed_at = models.DateTimeField(_("updates: unsubscribed at"), null=True, blank=True)
    # The name and country may be handed to the petition's target (delivery/document.py).
    handover_consent_text = models.TextField(_("name handed over: consent wording shown"), blank=True)
    handover_consented_at = models.DateTimeField(
        _("name handed over: consent given at"), null=True, blank=True
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The random secret that the confirmation links name (see confirmation_token), so that a link says
    # nothing about the row. Only a signature that waits for confirmation has one.
    confirmation_key = models.CharField(max_length=32, null=True, blank=True, editable=False)
    # When the last confirmation link was mailed (at signing, sent again, reminded): its link expires
    # CONFIRMATION_MAX_AGE later, and the unconfirmed signature is deleted after that (campaigns.privacy).
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # How often the signer had the link sent again from the thank-you page (confirmation.RESEND_LIMIT).
    confirmation_resends = models.PositiveSmallIntegerField(default=0, editable=False)
    # When the one reminder was mailed to a signer who had not clicked their link (confirmation.py).
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # True once the signature is in the public count: at once, or on confirmation when that is required.
    counted = models.BooleanField(_("counted"), default=False)
    repeat_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("personal data deleted at"), null=True, blank=True)

    # Wagtail's reference index ("where is this page used?") would queue a task for every signature saved,
    # one more write per signature, to record that it points at its page: nobody needs that.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-submit_time"]
        constraints = [
            models.UniqueConstraint(fields=["campaign_key", "email_normalised"], name=ONE_PER_PERSON),
            # Partial: the many signatures without a key cost the index nothing.
            models.UniqueConstraint(
                fields=["confirmation_key"],
                condition=Q(confirmation_key__isnull=False),
                name="one_signature_per_confirmation_key",
            ),
        ]
        indexes = [
            models.Index(fields=["email_normalised"], name="signature_email_idx"),
            # Signatures of the last day per campaign (the dashboard), and the reminders due.
            models.Index(fields=["campaign_key", "submit_time"], name="signature_campaign_time_idx"),
        ]

    def __str__(self):
        """Names no signer: this is what Wagtail writes into audit-log labels, page titles and messages,
        which reach people who may not see signers (the site history, a history page's title)."""
        return _("Signature %(number)s on “%(campaign)s”") % {"number": self.pk, "campaign": self.page.title}

    def get_locale_display(self):
        """The language signed in, by name (settings.LANGUAGES): what the admin's inspect view shows."""
        return dict(settings.LANGUAGES).get(self.locale, self.locale)

    def get_data(self):
        """The row as Wagtail's Forms listing and CSV/XLSX export read it (see CampaignPage.get_data_fields)."""
        data = super().get_data()  # the extra questions' answers and submit_time
        data.update({name: getattr(self, name) for name in DATA_COLUMNS})
        data["country"] = self.country.name
        return data


class SignatureCounter(models.Model):
    """One shard of a campaign's public count. The count is the sum of a campaign's shards, kept by the
    database itself as signatures are stored, confirmed and deleted (campaigns/counting.py)."""

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


# Signing: from a POST to a stored, counted row.


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


def sign(page, form, client=None, partner=None):
    """Decide and store a signature of `page` (a CampaignPage) from its bound signing form.

    `partner` is the listed partner site whose embedded form was used (campaigns.embedding.EmbedPartner),
    recorded in the signature's source; None on this site's own pages. The rules are the same either way.

    The gates, in order: the petition must be open; the client (campaigns.ratelimit.client_key of the request;
    None only for callers with no client, such as a command) must be within its rate limit; the form must be
    valid; a filled-in honeypot is answered as a success and stores nothing.

    Then one INSERT: the row, which counts at once unless the page asks signers to confirm by email (the
    database adds it to the count in the same statement: campaigns/counting.py). Nothing here reads more rows
    as more people sign. The database's unique constraint on
    (campaign_key, email_normalised) decides who signed first, even when two requests race: the loser's
    insert stores nothing and it is handled as a repeat, which changes nothing but may send the person a
    short "you have already signed" mail.

    Then, after the commit, one task (`follow_up`) is queued, whatever happened: for a new signature, for a
    repeat due its notice and for a repeat that is not. The worker decides what follows, and mails and anything
    else start there, from the `signed` and `signed_again` events (campaigns.events). So the request does the
    same work whether or not the address had signed, and takes as long: someone timing it learns nothing.
    """
    if not page.is_open:
        return SigningResult(Outcome.CLOSED)
    if client is not None:
        wait = ratelimit.seconds_until_allowed(client)
        if wait:
            return SigningResult(Outcome.RATE_LIMITED, retry_after=wait)
    if not form.is_valid():
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
        counted=not page.confirmation_required,
        confirmation_key=new_confirmation_key() if page.confirmation_required else None,
    )
    # One INSERT: the database counts the row in the same statement (campaigns/counting.py), or stores nothing
    # when this person has signed. Inside a caller's transaction a savepoint keeps a failed insert from
    # spoiling it; alone, no transaction is opened at all (one round trip).
    with transaction.atomic() if transaction.get_connection().in_atomic_block else nullcontext():
        stored, pk, key = _insert(signature, now - REPEAT_NOTICE_INTERVAL)
    # The request's one other statement (a task row, in production), the same whatever happened.
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


# {(database alias, vendor): (the INSERT's SQL, its fields)}: see _insert.
_insert_statements = {}


def _insert(signature, notice_due_before):
    """Store a new signature with one statement whose SQL Django compiled once in this process. Returns
    (True, its id, its confirmation key) when it was stored; for a person who has already signed the campaign,
    (False, the id of their signature, its confirmation key) when they are due a "you have already signed"
    notice, which the same statement marks as sent (their last one was before `notice_due_before`), else
    (False, None, None).

    `Model.save()` compiles the same INSERT again for every signature: a tenth of a signature's CPU in a
    profile. The statement's text depends only on the model and the database, so it is compiled once, and
    each signature only converts its values (the same conversions `save()` makes). Like `save()` it fills in
    `submit_time` and the new row's id. It sends no pre_save/post_save signals: what follows a signature
    starts from campaigns.events, after the commit.

    A repeat is no error either: ON CONFLICT on the one-per-person constraint (only: any other broken rule
    still fails) updates the earlier signature's notice time if, and only if, a notice is due, and returns it
    then; otherwise nothing is written or returned. So a repeat costs one statement, as a first signature
    does, and two racing repeats announce one: the database locks the row between them.
    """
    connection = transaction.get_connection()
    key = (connection.alias, connection.vendor)
    if key not in _insert_statements:
        _insert_statements[key] = _compile_insert(connection)
    sql, fields = _insert_statements[key]
    params = []
    for field, stored_as_they_are in fields:
        value = field.pre_save(signature, True)
        if type(value) not in stored_as_they_are:
            value = field.get_db_prep_save(value, connection)
        params.append(value)
    params.append(
        Signature._meta.get_field("repeat_notice_sent_at").get_db_prep_save(notice_due_before, connection)
    )
    with _prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False, None, None
    pk, notice_sent, key = row
    if notice_sent is not None:  # a new signature has never been sent a notice: this is the earlier one
        return False, pk, key
    signature.pk = pk
    signature._state.adding = False
    signature._state.db = connection.alias
    return True, pk, key


def _prepared_cursor(connection):
    """A cursor for the signing INSERT. On PostgreSQL it sends the values apart from the statement and has
    the server prepare the statement once per connection: the server then skips parsing and planning a
    29-column INSERT for every signature (a quarter more signatures per second of its CPU, measured with
    pgbench), and the worker skips quoting 29 values into SQL text. Django's own cursors do neither, so that
    a pooler in transaction mode works (DATABASE_PREPARED_STATEMENTS in config/env.py turns this off for
    such a pooler). The cursor is wrapped like Django's own, so errors, execute wrappers and query logging (the
    tests' query counts) see it as any other query."""
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
    ):
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = _prepared_cursor_class()(connection.connection)
    if not connection.queries_logged:
        return connection.make_cursor(cursor)
    cursor.keeps_query = True
    return connection.make_debug_cursor(cursor)


@functools.cache
def _prepared_cursor_class():
    # Imported when first needed: Django's PostgreSQL backend is no use to a SQLite site.
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        """psycopg's cursor that binds values on the server, preparing each statement it runs."""

        # psycopg keeps no text of a prepared statement it ran; Django's query log (tests, DEBUG) reads one.
        keeps_query = False

        def execute(self, query, params=None, **kwargs):
            result = super().execute(query, params, prepare=True, **kwargs)
            if self.keeps_query:
                self._query = self._convert_query(query, params)
            return result

    return PreparedCursor


def _compile_insert(connection):
    """The SQL of Signature's INSERT on `connection`, with its repeat signer's clause (see _insert), and the
    fields its values are for, each with the types of value it stores unchanged (_stored_as_they_are).
    PostgreSQL and SQLite (3.35 and later) say all of it the same way."""
    meta = Signature._meta
    fields = [
        field for field in meta.local_concrete_fields if field is not meta.auto_field and not field.generated
    ]
    if not connection.features.can_return_columns_from_insert or meta.db_returning_fields != [meta.pk]:
        raise NotImplementedError(f"Signing needs INSERT … RETURNING, which {connection.vendor} lacks here.")
    query = InsertQuery(Signature)
    query.insert_values(fields, [Signature()])  # only the statement's text is kept, not these values
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = meta.db_returning_fields
    ((sql, _params),) = compiler.as_sql()
    quote = connection.ops.quote_name
    (one_per_person,) = [constraint for constraint in meta.constraints if constraint.name == ONE_PER_PERSON]
    target = ", ".join(quote(meta.get_field(name).column) for name in one_per_person.fields)
    table = quote(meta.db_table)
    notice = quote(meta.get_field("repeat_notice_sent_at").column)
    submitted = quote(meta.get_field("submit_time").column)
    key = quote(meta.get_field("confirmation_key").column)
    insert, returning = sql.rsplit(" RETURNING ", 1)
    return (
        f"{insert} ON CONFLICT ({target}) DO UPDATE SET {notice} = excluded.{submitted} "
        f"WHERE {table}.{notice} IS NULL OR {table}.{notice} < %s "
        f"RETURNING {returning}, {table}.{notice}, {table}.{key}"
    ), [(field, _stored_as_they_are(field)) for field in fields]


def _stored_as_they_are(field):
    """The types of value that `field` stores unchanged on every database: Django's conversion of them
    (get_db_prep_save) gives them back as they are, so _insert skips it for two dozen of a signature's 29
    values (a twentieth of its CPU)."""
    if isinstance(field, models.JSONField):
        return frozenset()  # None is stored as JSON's null, a text as a JSON string
    if isinstance(field, (models.CharField, models.TextField)):
        return frozenset((str, type(None)))
    if isinstance(field, models.BooleanField):
        return frozenset((bool, type(None)))
    if isinstance(field, (models.IntegerField, models.ForeignKey)):
        return frozenset((int, type(None)))
    return frozenset((type(None),))


def _box_consents(form, now):
    """The consent boxes the signer ticked, as columns: the words beside each box (in the language the form was
    shown in) and when. A box not shown or not ticked stores nothing."""
    given = {}
    for name, prefix in (("updates_opt_in", "updates"), ("name_handover", "handover")):
        if form.cleaned_data.get(name):
            given[f"{prefix}_consent_text"] = str(form.fields[name].label)
            given[f"{prefix}_consented_at"] = now
    return given


# Confirmation: an expiring link, naming a random key, that counts the signature once.


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
    if signature.counted:
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
        newly_counted = Signature.objects.filter(pk=signature.pk, counted=False).update(
            counted=True, confirmed_at=timezone.now()
        )
        if newly_counted:  # the database has counted it (campaigns/counting.py)
            events.emit(events.confirmed, signature=signature)
    signature.refresh_from_db(fields=["confirmed_at", "counted"])
    return ConfirmationResult(
        Confirmation.CONFIRMED if newly_counted else Confirmation.ALREADY_CONFIRMED, signature
    )
