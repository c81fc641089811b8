"""Who gets a campaign's updates, and in which language.

A signer gets them while all of these hold: they ticked "send me updates" (the consent, stored with its
words), they confirmed their address (an address nobody confirmed may not be theirs), their signature counts,
they have not unsubscribed, their details are still kept (not anonymised by retention, not erased: an erased
signature is gone), and the campaign's retention period has not ended (campaigns.privacy, even before the
daily job has anonymised it).
"""

from campaigns import privacy
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import Signature


def retention_ended(campaign_key):
    return campaign_key in privacy.expired_campaigns()


def recipients(campaign_key):
    """The signatures of the campaign that get its updates now."""
    if retention_ended(campaign_key):
        return Signature.objects.none()
    return _wanting(campaign_key)


def _wanting(campaign_key):
    return Signature.objects.filter(
        campaign_key=campaign_key,
        counted=True,
        confirmed_at__isnull=False,
        updates_consented_at__isnull=False,
        updates_unsubscribed_at__isnull=True,
        anonymised_at__isnull=True,
    ).exclude(email="")


def still_wanted(signature_id, campaign_key):
    """The signature, if it still gets the campaign's updates (just before its mail is written); else None.
    The caller has checked `retention_ended` for the whole batch."""
    return _wanting(campaign_key).filter(pk=signature_id).select_related("page").first()


def source_language(campaign_key):
    """The campaign's own language: the one its naming variant is in (CampaignPage.by_campaign_key)."""
    page = CampaignPage.by_campaign_key([campaign_key]).get(campaign_key)
    return page.locale.language_code if page else None


def in_language(update, language, fallback):
    """The translation of `update` a signer who signed in `language` reads: theirs, else the campaign's own
    language's, else the update as written."""
    translations = {
        translation.locale.language_code: translation
        for translation in type(update)
        .objects.filter(translation_key=update.translation_key)
        .select_related("locale")
    }
    return translations.get(language) or translations.get(fallback) or update
