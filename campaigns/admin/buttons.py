"""Buttons the Signatures area adds to Wagtail's page listing and page header."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin import widgets

from campaigns.models.pages import CampaignPage
from campaigns.models.signature import VIEW_SIGNATURES


def campaign_button(page, user, label, url_name, icon_name, priority):
    """A link to `url_name` (which takes the page's id) on a campaign page, for users who may see
    signatures; else None."""
    if (
        page.specific_class
        and issubclass(page.specific_class, CampaignPage)
        and user.has_perm(VIEW_SIGNATURES)
    ):
        return widgets.Button(
            label, reverse(url_name, args=[page.pk]), icon_name=icon_name, priority=priority
        )
    return None


def summary_button(page, user, priority):
    """A link to a campaign page's signature summary, for users who may see signatures; else None."""
    return campaign_button(
        page, user, _("Signature summary"), "campaigns_signature_summary", "form", priority
    )
