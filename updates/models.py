"""Updates to a campaign's signers: the update an editor writes (a snippet translators localise), the mailing
that sends it, and one delivery row per recipient, which is what makes sure nobody gets it twice.

A delivery names its signature and nothing else of the person: the address is read from the signature when
the mail is written, so erasing a person leaves nothing of them here (the link goes, the tallies stay).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.fields import RichTextField
from wagtail.models import PreviewableMixin, TranslatableMixin
from wagtail_localize.fields import SynchronizedField, TranslatableField

from branding import mail as branding
from campaigns.blocks import RICH_TEXT_FEATURES
from updates import composing


def new_key():
    return secrets.token_urlsafe(16)


class Update(PreviewableMixin, TranslatableMixin, models.Model):
    """News about a campaign for the signers who asked for it. Write it in the campaign's language; translators
    translate it (Translate, in the Updates listing); each signer gets it in the language they signed in."""

    campaign = models.ForeignKey(
        "campaigns.CampaignPage",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("campaign"),
        help_text=_(
            "Whose signers get this update: those who ticked 'send me updates' and confirmed their address."
        ),
    )
    subject = models.CharField(
        _("subject"),
        max_length=200,
        help_text=_("The mail's subject line, for example 'We handed your petition to Amazon'."),
    )
    body = RichTextField(
        _("message"),
        features=RICH_TEXT_FEATURES,
        help_text=_("What you want to tell signers. A link to unsubscribe is added below it."),
    )

    panels = [
        HelpPanel(
            content=_(
                "<p>Save, preview, then open <b>Send</b> in the Updates listing: send a test to the addresses you "
                "type there first, then send it to the signers now or schedule it.</p>"
            )
        ),
        FieldPanel("campaign"),
        FieldPanel("subject"),
        FieldPanel("body"),
    ]
    translatable_fields = [
        TranslatableField("subject"),
        TranslatableField("body"),
        SynchronizedField("campaign"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        permissions = [("send_update", "Can send updates to signers")]

    def __str__(self):
        return self.subject

    def get_preview_template(self, request, mode_name):
        return "updates/email.html"

    def serve_preview(self, request, mode_name):
        # In the update's language, as its signers will read it, whatever the editor's admin language.
        with translation.override(self.locale.language_code):
            response = super().serve_preview(request, mode_name)
            return response.render() if hasattr(response, "render") else response

    def get_preview_context(self, request, mode_name):
        brand = branding.brand_of_page(self.campaign)
        return {
            **super().get_preview_context(request, mode_name),
            **composing.mail_context(self, "#unsubscribe"),
            # Greeted as the editor would be: a signer's first name goes in the same place.
            **branding.context(brand, first_name=getattr(request.user, "first_name", ""), preview=True),
        }


class Mailing(models.Model):
    """An update sent to its campaign's signers: one per update, so sending it again reaches only those who
    have not had it (new signers)."""

    update = models.OneToOneField(Update, on_delete=models.CASCADE, related_name="mailing")
    campaign_key = models.UUIDField(db_index=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.update} ({self.started_at:%Y-%m-%d})"


class Delivery(models.Model):
    """The update to one signer. PENDING until its mail goes, SENT once the mail server accepted it; its row is
    locked while its mail goes, and a worker killed meanwhile leaves it PENDING, to be sent again
    (updates/sending.py). SENDING is only in rows left by a version that committed the claim first: they
    are sent again too."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent, or interrupted")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped: no longer wants it")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    signature = models.ForeignKey(
        "campaigns.Signature", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The secret the unsubscribe link names (signed: updates/unsubscribing.py), so the link says nothing of the row.
    key = models.CharField(max_length=32, unique=True, default=new_key, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True)
    unsubscribed_at = models.DateTimeField(null=True)
    error = models.CharField(max_length=100, blank=True)  # the error's class only: never an address

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "signature"], name="one_delivery_per_signer_and_mailing"
            )
        ]
        indexes = [models.Index(fields=["mailing", "status"], name="delivery_mailing_status_idx")]

    def __str__(self):
        return f"{self.mailing_id}:{self.pk} {self.status}"


class Schedule(models.Model):
    """When an update goes to its signers, if the editor chose a time: the clock (`manage.py run_jobs`) starts
    its mailing at that time (updates/scheduling.py). Until then it can be moved or cancelled; once started it
    stays, as a record of when it went."""

    update = models.OneToOneField(Update, on_delete=models.CASCADE, related_name="schedule")
    send_at = models.DateTimeField()
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.update} at {self.send_at:%Y-%m-%d %H:%M}"
