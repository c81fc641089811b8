"""Signature: one person's signature on one campaign, and who may see or erase it.

What decides whether a signature is stored is campaigns.signing; the row's count, campaigns.models.counter;
its confirmation link, campaigns.confirmation.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.contrib.forms.models import AbstractFormSubmission

from campaigns.signer_fields import DATA_COLUMNS

# The database constraint that decides who signed first (Signature.Meta).
ONE_PER_PERSON = "one_signature_per_person_per_campaign"

# Who may see signers' personal data, and who may erase it: the "Signature managers" group and superusers
# (home/migrations/0002_roles.py). Every view that shows a signer, and every action that deletes one, asks.
VIEW_SIGNATURES = "campaigns.view_signature"
ERASE_SIGNATURES = "campaigns.delete_signature"
RELEASE_SIGNATURES = "campaigns.release_signature"


# How long a confirmation link works, and how long an unconfirmed signature outlives its last link (room for a
# mail queue running late and for the daily cron's own schedule): campaigns.confirmation and campaigns.privacy
# act on them, and the privacy notice (models/privacy_page.py) states them.
CONFIRMATION_MAX_AGE = timedelta(days=7)
UNCONFIRMED_GRACE = timedelta(days=1)


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
    # The name and country may be handed to the petition's target (delivery/documents.py).
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
    # Quarantine (campaigns.quarantine): a signature an integrity rule flagged is stored like any other, with
    # `counted` False, and counts only once a Signature manager releases it (and it is confirmed, where that
    # is required). `flag_reasons` lists every rule that fired: [{"rule": "...", "reason": "..."}], never the
    # client's address or anything else the signer did not type.
    flagged_at = models.DateTimeField(_("flagged at"), null=True, blank=True, editable=False)
    flag_reasons = models.JSONField(_("why it was flagged"), default=list, blank=True, editable=False)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True, editable=False)
    # A pseudonym of the client's network (its /24 or /64) for the integrity app's trending sources
    # (integrity.trends): a keyed hash (HMAC with SECRET_KEY) set by the integrity judge, never the address,
    # which cannot be read back from it. Blank when no judge set it, and once anonymised.
    network_hash = models.CharField(_("network pseudonym"), max_length=16, blank=True, editable=False)
    # Invalidation (campaigns.quarantine.invalidate): a Signature manager took it out of the count with a run
    # of integrity's invalidations, whose id `invalidation_run` holds (no foreign key: campaigns knows nothing
    # of integrity). An invalidated signature never counts until reinstated, whatever else is true of it.
    invalidated_at = models.DateTimeField(_("invalidated at"), null=True, blank=True, editable=False)
    invalidation_run = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    repeat_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("personal data deleted at"), null=True, blank=True)
    # Made up by the demo loader (home.demo.signatures) so a newcomer sees a living campaign; the command
    # remove_demo_signatures deletes every such row and nothing else.
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    # Wagtail's reference index ("where is this page used?") would queue a task for every signature saved,
    # one more write per signature, to record that it points at its page: nobody needs that.
    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["-submit_time"]
        # Signature managers may release a signature an integrity rule flagged (campaigns.quarantine).
        permissions = [("release_signature", "Can release a flagged signature")]
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
            # The held signatures a manager reviews (the Signatures admin's "flagged" filter). Partial: the
            # signatures no rule flagged, nearly all of them, cost it nothing.
            models.Index(
                fields=["campaign_key", "flagged_at"],
                condition=Q(flagged_at__isnull=False, released_at__isnull=True),
                name="signature_held_idx",
            ),
            # The invalidated signatures of a run (reinstating it) and of a campaign (the public integrity
            # report's count). Partial, like the one above.
            models.Index(
                fields=["campaign_key", "invalidation_run"],
                condition=Q(invalidated_at__isnull=False),
                name="signature_invalidated_idx",
            ),
        ]

    def __str__(self):
        """Names no signer: this is what Wagtail writes into audit-log labels, page titles and messages,
        which reach people who may not see signers (the site history, a history page's title)."""
        return _("Signature %(number)s on “%(campaign)s”") % {"number": self.pk, "campaign": self.page.title}

    @property
    def held(self):
        """Flagged by an integrity rule and not released: it does not count, whatever else is true of it."""
        return self.flagged_at is not None and self.released_at is None

    @property
    def invalidated(self):
        """Taken out of the count by a Signature manager's invalidation run, and not reinstated."""
        return self.invalidated_at is not None

    @property
    def awaits_confirmation(self):
        """Its signer has a link to click before it can count. Not the same as `not counted` since a held
        signature may be confirmed and still not count: mails and reminders ask this, not `counted`."""
        return self.confirmation_key is not None and self.confirmed_at is None

    def get_locale_display(self):
        """The language signed in, by name (settings.LANGUAGES): what the admin's inspect view shows."""
        return dict(settings.LANGUAGES).get(self.locale, self.locale)

    def get_data(self):
        """The row as Wagtail's Forms listing and CSV/XLSX export read it (see CampaignPage.get_data_fields)."""
        data = super().get_data()  # the extra questions' answers and submit_time
        data.update({name: getattr(self, name) for name in DATA_COLUMNS})
        data["country"] = self.country.name
        return data
