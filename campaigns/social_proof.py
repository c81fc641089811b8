"""Social proof and urgency: each campaign's count and goal on its card, the closing date as a deadline,
and the latest signers by first name and country.

Freshness, with the page cache (serving.pagecache) in front:
- Cards (campaign list, home page) carry their counts in the cached HTML. A cached page is served for at most
  pagecache.FRESH + STALE seconds (10), so a card's count is at most that old; the whole list's counts are one
  grouped sum over the counter rows (`with_counts`), never a query per card.
- The closing notice ("Closes in 3 days") is rendered in the cached HTML too: a cached page never outlives the
  next closing date (serving.site_structure.next_change_at), and 10 seconds cannot move a day.
- The latest signers are never in the cached HTML: names are personal data, and a cached page lives on in a
  CDN's `stale-if-error` copy for a day. They come from a small JSON endpoint (campaigns.views.social_proof)
  that the page's script asks, cached for COUNT_FRESH seconds and forgotten at once when signers are erased
  or anonymised (the events below), so an erased signer never appears.
"""

from django.core.cache import cache
from django.utils.translation import gettext as _

from campaigns import events
from campaigns.models.counter import with_counts
from campaigns.models.signature import Signature
from campaigns.new_campaigns import closing_notice

__all__ = [
    "closing_notice",
    "with_counts",
    "latest_signers",
    "signer_line",
    "forget_latest_signers",
    "connect",
]

LATEST_SIGNERS = 5


def _cache_key(campaign_key):
    return f"latest-signers:{campaign_key}"


def latest_signers(campaign_key, fresh_for):
    """The campaign's latest counted signers as [(first name, country code)], newest first: at most
    LATEST_SIGNERS, only those who gave a first name, never one whose details were deleted. Read from the
    database at most once per `fresh_for` seconds (the campaign-and-time index serves it)."""

    def read():
        rows = (
            Signature.objects.filter(campaign_key=campaign_key, counted=True, anonymised_at__isnull=True)
            .exclude(first_name="")
            .order_by("-submit_time", "-pk")
            .values_list("first_name", "country")[:LATEST_SIGNERS]
        )
        return [(first_name, str(country)) for first_name, country in rows]

    return cache.get_or_set(_cache_key(campaign_key), read, fresh_for)


def signer_line(first_name, country_name):
    """ "Ada from United Kingdom signed", or "Ada signed" without a country."""
    if country_name:
        return _("%(name)s from %(country)s signed") % {"name": first_name, "country": country_name}
    return _("%(name)s signed") % {"name": first_name}


def forget_latest_signers(campaign_key=None, **kwargs):
    """Drop the remembered latest signers of a campaign (after signers were erased)."""
    cache.delete(_cache_key(campaign_key))


def connect():
    """Erased, anonymised or invalidated signers leave the latest-signers list at once (called in
    CampaignsConfig.ready)."""
    events.erased.connect(forget_latest_signers, dispatch_uid="latest-signers-erased")
    events.anonymised.connect(forget_latest_signers, dispatch_uid="latest-signers-anonymised")
    events.invalidated.connect(forget_latest_signers, dispatch_uid="latest-signers-invalidated")
