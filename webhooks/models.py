"""Webhook endpoints (where an organisation's CRM wants to hear about signatures) and each delivery to them.

A delivery row is written for each endpoint that wants an event, after the signature's own transaction
committed; the worker sends it (webhooks/delivery.py). The row is the record an administrator reads: its
status, attempts, the last answer or error. It holds no signer's details: those are read from the signature
when the delivery is sent, and only for endpoints allowed to receive them, so erasing a person leaves nothing
of them here.
"""

import base64
import secrets
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# What an endpoint can subscribe to: the public name of each event, and what it says happened, in the words
# the admin shows wherever the event appears (the endpoint form, the endpoint and delivery listings).
SIGNATURE_CREATED = "signature.created"
SIGNATURE_CONFIRMED = "signature.confirmed"
SIGNATURE_ERASED = "signature.erased"
SIGNATURES_ANONYMISED = "signatures.anonymised"
SOURCE_TRENDING = "source.trending"  # integrity.trends' `trend_alert`
SIGNATURES_INVALIDATED = "signatures.invalidated"
SIGNATURES_REINSTATED = "signatures.reinstated"
EVENTS = {
    SIGNATURE_CREATED: _("Signed (not yet confirmed)"),
    SIGNATURE_CONFIRMED: _("Confirmed by email"),
    SIGNATURE_ERASED: _("Erased: forget this person"),
    SIGNATURES_ANONYMISED: _("Anonymised: delete their details"),
    SOURCE_TRENDING: _("A source is trending"),
    SIGNATURES_INVALIDATED: _("Invalidated: taken out of the count after review"),
    SIGNATURES_REINSTATED: _("Reinstated: an invalidation undone"),
}
# When each is sent, for the endpoint form: which one a CRM wants depends on it.
EVENT_DETAILS = {
    SIGNATURE_CREATED: _(
        "sent as soon as someone signs, before they confirm by email where the campaign asks them to"
    ),
    SIGNATURE_CONFIRMED: _("sent when a signer confirms by email (only on campaigns that ask for it)"),
    SIGNATURE_ERASED: _("sent when a signature is erased, on request or because it was never confirmed"),
    SIGNATURES_ANONYMISED: _("sent when signers' details are deleted after the retention period"),
    SOURCE_TRENDING: _(
        "sent when one network, email domain, country, referring site or utm_source brought a campaign far "
        "more of its signatures in an hour than usual (no signer's details)"
    ),
    SIGNATURES_INVALIDATED: _(
        "sent once per invalidation run, when a Signature manager's run ends: the campaign and how many"
    ),
    SIGNATURES_REINSTATED: _("sent once per invalidation run undone: the campaign and how many are back"),
}


def event_label(event):
    """What `event` means, in the admin's language; an event no longer offered shows as its name."""
    return EVENTS.get(event, event)


# Events that ask the receiver to delete what it holds: an endpoint that gets signers' details must get them.
FORGET_EVENTS = (SIGNATURE_ERASED, SIGNATURES_ANONYMISED)


def new_secret():
    """A signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64."""

    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


class Endpoint(models.Model):
    """An address that receives signed JSON about signatures: the events and campaigns it asked for."""

    name = models.CharField(
        _("name"), max_length=100, help_text=_("Who receives these, for example 'Coalition CRM'.")
    )
    url = models.URLField(
        _("address"),
        max_length=500,
        help_text=_(
            "Where the events are sent, for example https://crm.example.org/hooks/petitions. HTTPS only."
        ),
    )
    events = models.JSONField(_("events"), default=list, blank=True)
    campaigns = models.JSONField(
        _("campaigns"), default=list, blank=True, help_text=_("Campaign ids; empty for every campaign.")
    )
    personal_data = models.BooleanField(
        _("send signers' details"),
        default=False,
        help_text=_(
            "Names, email addresses, country, postal code, comments and answers. Only for a receiver your "
            "privacy notice names. Without it, events carry ids, campaign, language and source only."
        ),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to pause sending."))
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def wants(self, event, campaign_key):
        return (
            self.active
            and event in self.events
            and (not self.campaigns or str(campaign_key) in self.campaigns)
        )


class Delivery(models.Model):
    """One event for one endpoint, and what happened when it was sent."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    # The `webhook-id` header: the same on every attempt, so a receiver can ignore a repeat.
    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(_("event"), max_length=40)
    # Deliveries of one subject (a signature, or a campaign for batch events) to one endpoint are sent in order.
    subject = models.CharField(_("about"), max_length=80)
    signature_id = models.BigIntegerField(null=True, blank=True, editable=False)
    payload = models.JSONField(editable=False)  # the event without the signer's details
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    # Retries stop after this (WEBHOOK_RETRY_FOR after the event, or after an administrator's retry).
    give_up_at = models.DateTimeField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["endpoint", "subject", "status"], name="delivery_subject_idx"),
            models.Index(fields=["status", "created_at"], name="delivery_status_idx"),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint} ({self.get_status_display()})"

    def get_event_display(self):
        """What the event says happened; the admin's inspect view and delivery listing show this."""
        return event_label(self.event)
