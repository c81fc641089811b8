"""The public integrity report: how many signatures of a campaign were removed, and for which kind of reason,
so that a petition's target can see the count was policed. Counts only, never who.

- held: flagged by an integrity rule and not released (campaigns.quarantine.HELD), nor invalidated;
- invalidated: taken out by a Signature manager's invalidation run (integrity.invalidation);
- unconfirmed: deleted because nobody confirmed them in time (campaigns.privacy.delete_unconfirmed: the rows
  are gone, their tally is campaigns.models.counter.UnconfirmedDeleted);
- erased: erased on request (campaigns.privacy.erase_signatures: tally ErasedOnRequest).

The first two are counted over partial indexes of the held and the invalidated signatures (a handful of index
entries per campaign, never its other signatures); the last two are one row each; all four in one query. The campaign page renders it
with the count (so a cached page is as fresh as its count: serving.pagecache.FRESH), the API with each
campaign.
"""

from dataclasses import dataclass

from django.db.models import Count, Value
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns import quarantine
from campaigns.models.counter import ErasedOnRequest, UnconfirmedDeleted
from campaigns.models.signature import Signature

REASONS = {
    "flagged": pgettext_lazy("signatures removed", "flagged by an integrity rule"),
    "invalidated": pgettext_lazy("signatures removed", "invalidated after review"),
    "unconfirmed": pgettext_lazy("signatures removed", "never confirmed by email"),
    "erased": pgettext_lazy("signatures removed", "erased at the signer's request"),
}
EXPLANATION = _(
    "Signatures flagged by an integrity rule (too many from one network, a throwaway address…) do not count "
    "unless a person reviewing them releases them. Signatures the team judged not to come from real people "
    "are invalidated after review. Where a campaign asks signers to confirm by email, signatures nobody "
    "confirmed are deleted once their link expires. Signers may ask for their signature to be erased."
)


@dataclass(frozen=True)
class Removals:
    """How many of a campaign's signatures were removed, per reason (the keys of REASONS)."""

    flagged: int = 0
    invalidated: int = 0
    unconfirmed: int = 0
    erased: int = 0

    @property
    def total(self):
        return self.flagged + self.invalidated + self.unconfirmed + self.erased

    def reasons(self):
        """[(key, label, count)] of the reasons with a count, in REASONS' order."""
        return [(key, label, getattr(self, key)) for key, label in REASONS.items() if getattr(self, key)]


def _tally(queryset, reason, keys):
    """(campaign key, reason, n) of the signatures in `queryset` of the campaigns `keys`, grouped."""
    return (
        queryset.filter(campaign_key__in=keys)
        .values("campaign_key")
        .annotate(reason=Value(reason), n=Count("pk"))
        .values_list("campaign_key", "reason", "n")
        .order_by()
    )


def _stored(model, reason, keys):
    """(campaign key, reason, n) of a tally table's rows for the campaigns `keys`."""
    return (
        model.objects.filter(campaign_key__in=keys)
        .annotate(reason=Value(reason))
        .values_list("campaign_key", "reason", "count")
        .order_by()
    )


def removals(campaign_keys):
    """{campaign key: Removals} of the given campaigns, in ONE query whatever their number (a UNION of the four
    tallies): a cold campaign page renders with it, within its query budget (tests/campaigns/test_fast_path)."""
    keys = list(campaign_keys)
    if not keys:
        return {}
    held = Signature.objects.filter(quarantine.HELD, invalidated_at__isnull=True)
    rows = _tally(held, "flagged", keys).union(
        _tally(Signature.objects.filter(quarantine.INVALIDATED), "invalidated", keys),
        _stored(UnconfirmedDeleted, "unconfirmed", keys),
        _stored(ErasedOnRequest, "erased", keys),
        all=True,
    )
    found = {key: {} for key in keys}
    for key, reason, n in rows:
        found[key][reason] = n
    return {key: Removals(**counts) for key, counts in found.items()}


def removals_of(campaign_key):
    return removals([campaign_key])[campaign_key]
