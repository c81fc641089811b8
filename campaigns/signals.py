"""Keep a campaign's language versions in step on what is one decision for all of them."""

from wagtail.signals import copy_for_translation_done, page_published

from campaigns.embedding import EmbedPartner
from campaigns.models.pages import CampaignPage


def copy_campaign_wide_fields(sender, instance, **kwargs):
    """When a campaign is published, give its other language versions the same open/closed settings.

    Signatures from every language count toward one total, so a petition closes everywhere at once,
    without waiting for translators to sync. Only these columns of the live rows change.
    """
    page = instance.specific
    values = {name: getattr(page, name) for name in page.CAMPAIGN_WIDE_FIELDS}
    others = type(page).objects.filter(translation_key=page.translation_key).exclude(pk=page.pk)
    others.update(**values)
    copy_embed_partners(page, others)


def copy_embed_partners(page, others):
    """The partner sites allowed to frame the petition are one list for all languages: a partner removed in
    one language can frame none of them once the page is published (campaigns.embedding)."""

    listed = [(partner.name, partner.origin) for partner in page.embed_partners.all()]
    other_pks = list(others.values_list("pk", flat=True))
    if not other_pks:
        return
    EmbedPartner.objects.filter(page_id__in=other_pks).delete()
    EmbedPartner.objects.bulk_create(
        EmbedPartner(page_id=pk, name=name, origin=origin, sort_order=order)
        for pk in other_pks
        for order, (name, origin) in enumerate(listed)
    )


def keep_delivery_on_translations(sender, source_obj, target_obj, **kwargs):
    """A new translation is the same campaign: it keeps the fields a copy made in the admin (a new campaign)
    leaves out (CampaignPage.NOT_COPIED_TO_NEW_CAMPAIGNS), so publishing it does not undo a delivery."""
    if not isinstance(target_obj, CampaignPage):
        return
    names = CampaignPage.NOT_COPIED_TO_NEW_CAMPAIGNS
    source = source_obj.specific
    for name in names:
        setattr(target_obj, name, getattr(source, name))
    type(target_obj).objects.filter(pk=target_obj.pk).update(
        **{name: getattr(source, name) for name in names}
    )


def connect():

    page_published.connect(
        copy_campaign_wide_fields, sender=CampaignPage, dispatch_uid="campaign-wide-fields"
    )
    copy_for_translation_done.connect(keep_delivery_on_translations, dispatch_uid="campaign-delivery-kept")
