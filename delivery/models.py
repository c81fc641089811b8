"""A petition made to hand over: the PDF a signature manager asked for, and how far making it has got.

The PDF holds the names of signers who agreed to have them handed over, so it is personal data like the
signatures it was made from: it is kept DOCUMENT_KEPT at most, deleted as soon as any signature of its
campaign is erased or anonymised (delivery/documents.py), and downloaded only by signature managers.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# A made petition is downloaded the day it is made, perhaps again before the meeting with the target.
DOCUMENT_KEPT = timedelta(days=7)


class PetitionDocument(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        MAKING = "making", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    campaign_key = models.UUIDField(_("campaign"), db_index=True)
    # The language variants whose letter opens the document; the first also writes the counts and the list.
    languages = models.JSONField(_("languages"), default=list)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    names_total = models.PositiveIntegerField(_("names to print"), default=0)
    names_done = models.PositiveIntegerField(_("names printed"), default=0)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    # The last signature the document may name: it names those who signed until it was asked for.
    up_to = models.BigIntegerField(default=0, editable=False)
    pdf = models.BinaryField(null=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True)

    class Meta:
        verbose_name = _("petition document")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.campaign_key} ({self.get_status_display()})"

    @property
    def language_names(self):
        """The letter's languages as the team names them (settings.LANGUAGES), not as codes."""
        names = dict(settings.LANGUAGES)
        return [names.get(code, code) for code in self.languages]

    @property
    def progress(self):
        """Percent of the names printed, for the admin's progress bar."""
        return 100 if not self.names_total else round(100 * self.names_done / self.names_total)


class DocumentPart(models.Model):
    """One part of a document being made (delivery/documents.py): the letter and counts (number 0), or
    NAMES_PER_PART names. Joined into the document's PDF, then deleted."""

    document = models.ForeignKey(PetitionDocument, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    pdf = models.BinaryField()
    pages = models.PositiveIntegerField()
    names = models.PositiveIntegerField(default=0)
    last_signature = models.BigIntegerField(default=0)  # the next part's names come after this one

    class Meta:
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="one_part_per_number")]
        ordering = ["number"]

    def __str__(self):
        return f"{self.document_id}#{self.number}"
