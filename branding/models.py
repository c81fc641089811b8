"""The organisation behind the site, as its mails name it: set once in the admin (Settings → Organisation)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="group")
class Organisation(BaseSiteSetting):
    """Who sends the site's mails: every mail to signers (confirmation, reminder, "already signed", updates)
    shows this name and logo at the top and the contact line at the bottom (branding/mail.py)."""

    name = models.CharField(
        _("organisation name"),
        max_length=100,
        blank=True,
        help_text=_(
            "How your organisation signs its mails, for example 'Stand Up For Privacy'. Left empty, the "
            "site's name is used."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
        help_text=_(
            "Shown at the top of every mail, at most 240 × 80 pixels. A wide logo on a white or clear "
            "background reads best. It travels inside the mail, so mail programs show it without asking."
        ),
    )
    contact = models.TextField(
        _("postal address and contact"),
        blank=True,
        max_length=500,
        help_text=_(
            "The footer of every mail, under your organisation's name: your postal address and how to reach "
            "you, for example '10 Main Street, Springfield · hello@example.org'."
        ),
    )

    panels = [
        HelpPanel(content=_("<p>These appear in every mail the site sends to signers.</p>")),
        FieldPanel("name"),
        FieldPanel("logo"),
        FieldPanel("contact"),
    ]

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")

    def __str__(self):
        return self.name or str(self.site)
