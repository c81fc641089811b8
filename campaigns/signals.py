"""Keep a campaign's language versions in step on what is one decision for all of them."""

from wagtail.signals import page_published


def copy_campaign_wide_fields(sender, instance, **kwargs):
    """When a campaign is published, give its other language versions the same open/closed settings.

    Signatures from every language count toward one total, so a petition closes everywhere at once,
    without waiting for translators to sync. Only these columns of the live rows change.
    """
    page = instance.specific
    values = {name: getattr(page, name) for name in page.CAMPAIGN_WIDE_FIELDS}
    type(page).objects.filter(translation_key=page.translation_key).exclude(pk=page.pk).update(**values)


def connect():
    from campaigns.pages import CampaignPage

    page_published.connect(
        copy_campaign_wide_fields, sender=CampaignPage, dispatch_uid="campaign-wide-fields"
    )
