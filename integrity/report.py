"""The public integrity report: how many signatures of a campaign were removed, and for which kind of reason,
so that a petition's target can see the count was policed. Counts only, never who.

- held: flagged by an integrity rule and not released (campaigns.quarantine.HELD), nor invalidated;
- invalidated: taken out by a Signature manager's invalidation run (integrity.invalidation);
- unconfirmed: deleted because nobody confirmed them in time (campaigns.privacy.delete_unconfirmed: the rows
  are gone, their tally is campaigns.models.counter.UnconfirmedDeleted);
- erased: erased on request (campaigns.privacy.erase_signatures: tally ErasedOnRequest).

The first two are counted over partial indexes of the held and the invalidated signatures (a handful of index
entries per campaign, never its signatures); the last two are one row each. The campaign page renders it
with the count (so a cached page is as fresh as its count: serving.pagecache.FRESH), the API with each
campaign.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from campaigns import quarantine
from campaigns.models.counter import deleted_unconfirmed_counts, erased_on_request_counts
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


def _grouped(queryset, keys):
    return dict(
        queryset.filter(campaign_key__in=keys).values_list("campaign_key").annotate(n=Count("pk")).order_by()
    )


def removals(campaign_keys):
    """{campaign key: Removals} of the given campaigns: four queries whatever their number."""
    keys = list(campaign_keys)
    if not keys:
        return {}
    flagged = _grouped(Signature.objects.filter(quarantine.HELD, invalidated_at__isnull=True), keys)
    invalidated = _grouped(Signature.objects.filter(quarantine.INVALIDATED), keys)
    unconfirmed = deleted_unconfirmed_counts(keys)
    erased = erased_on_request_counts(keys)
    return {
        key: Removals(
            flagged=flagged.get(key, 0),
            invalidated=invalidated.get(key, 0),
            unconfirmed=unconfirmed.get(key, 0),
            erased=erased.get(key, 0),
        )
        for key in keys
    }


def removals_of(campaign_key):
    return removals([campaign_key])[campaign_key]
