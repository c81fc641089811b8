"""Signatures: the model, the signing service and the count.

Follow a signature here from the POST to the row to the count. Everything that decides whether a
signature is stored, counted, confirmed or erased lives in this module.
"""

import random

from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Sum
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from wagtail.contrib.forms.models import AbstractFormSubmission

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
    stored = dict(
        SignatureCounter.objects.values("campaign_key")
        .annotate(n=Sum("count"))
        .values_list("campaign_key", "n")
    )
    fixed = {}
    for key in set(actual) | set(stored):
        if actual.get(key, 0) != stored.get(key, 0):
            with transaction.atomic():
                SignatureCounter.objects.filter(campaign_key=key).delete()
                SignatureCounter.objects.create(campaign_key=key, shard=0, count=actual.get(key, 0))
            fixed[key] = (stored.get(key, 0), actual.get(key, 0))
    return fixed
