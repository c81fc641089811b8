"""Marking a petition delivered: the day and the recipient, on every language of the campaign at once.

Delivery is campaign-wide (CampaignPage.CAMPAIGN_WIDE_FIELDS): each published language variant gets a
new revision, made from what is live now with only `delivered_on` and `delivered_to` changed, and published,
so the page history says who marked it and when, and every language says "Delivered to … on …". An editor's
unpublished draft is never published by this: it is saved again on top, with the delivery in it, so that
publishing it later keeps the delivery rather than undoing it.
"""

from django.db import transaction

from campaigns.models.pages import CampaignPage


def mark_delivered(campaign_key, delivered_on, delivered_to, user):
    """Record that the campaign's petition was handed to `delivered_to` on `delivered_on` (None: not yet)."""
    fields = {"delivered_on": delivered_on, "delivered_to": delivered_to}
    with transaction.atomic():
        for page in CampaignPage.objects.filter(translation_key=campaign_key).order_by("pk"):
            draft = page.get_latest_revision() if page.has_unpublished_changes or not page.live else None
            if page.live:
                _set(page, fields)
                # Signature managers may not publish pages in general: they may publish this, which the
                # Deliver view allowed them (delivery/views.py), and nothing else changes.
                page.save_revision(user=user, clean=False).publish(user=user, skip_permission_checks=True)
            if draft is not None:
                _set(draft.as_object(), fields).save_revision(user=user, clean=False)
            CampaignPage.objects.filter(pk=page.pk).update(**fields)


def _set(page, fields):
    for name, value in fields.items():
        setattr(page, name, value)
    return page
