"""The public count: a few counter rows per campaign, kept by the database itself (campaigns/counting.py) and
summed on read; reconciling them with the rows; and the tallies of signatures whose rows are gone: deleted
unconfirmed (the confirmation rate still counts them) and erased on request (the public integrity report says
how many, integrity.report)."""

from django.db import models, transaction
from django.db.models import Count, F, Sum

from campaigns.models.signature import Signature

# The database adds each counted signature to one of this many counter rows of its campaign, picked at random
# (campaigns/counting.py), so no single row becomes a lock every signer waits on. Reads sum them: a handful
# of rows, one index scan.
COUNTER_SHARDS = 8


class SignatureCounter(models.Model):
    """One shard of a campaign's public count. The count is the sum of a campaign's shards, kept by the
    database itself as signatures are stored, confirmed and deleted (campaigns/counting.py)."""

    campaign_key = models.UUIDField(editable=False)
    shard = models.PositiveSmallIntegerField()
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign_key", "shard"], name="one_row_per_counter_shard")
        ]

    def __str__(self):
        return f"{self.campaign_key}#{self.shard}: {self.count}"


def signature_count(campaign_key):
    """The public count of a campaign (all locale variants): a sum over a few counter rows."""
    total = SignatureCounter.objects.filter(campaign_key=campaign_key).aggregate(total=Sum("count"))["total"]
    return total or 0


def stored_counts():
    """{campaign_key: public count} of every campaign that has a count: one grouped sum over the shards."""
    return dict(
        SignatureCounter.objects.values("campaign_key")
        .annotate(n=Sum("count"))
        .values_list("campaign_key", "n")
        .order_by()
    )


def reconcile_counts():
    """Make every campaign's stored count equal to its counted signature rows.

    Returns {campaign_key: (stored_before, actual)} for the campaigns that were wrong.
    """
    actual = dict(
        Signature.objects.filter(counted=True)
        .values("campaign_key")
        .annotate(n=Count("id"))
        .values_list("campaign_key", "n")
    )
    stored = stored_counts()
    fixed = {}
    for key in set(actual) | set(stored):
        if actual.get(key, 0) != stored.get(key, 0):
            before, after = _reconcile_campaign(key)
            if before != after:
                fixed[key] = (before, after)
    return fixed


def _reconcile_campaign(campaign_key):
    """Recount one campaign while signers go on signing, and correct its count by the difference.

    Every shard row is created and locked first, so a signer whose row is not yet committed waits to
    add its 1 until we are done, and we neither see its row nor its increment: the count stays exact.
    """
    for shard in range(COUNTER_SHARDS):
        SignatureCounter.objects.get_or_create(campaign_key=campaign_key, shard=shard)
    with transaction.atomic():
        shards = list(SignatureCounter.objects.select_for_update().filter(campaign_key=campaign_key))
        stored = sum(counter.count for counter in shards)
        actual = Signature.objects.filter(campaign_key=campaign_key, counted=True).count()
        if actual != stored:
            SignatureCounter.objects.filter(pk=shards[0].pk).update(count=F("count") + (actual - stored))
    return stored, actual


class CampaignTally(models.Model):
    """A number per campaign of signatures whose rows are gone (a subclass says which), kept so that the
    figures that include them stay right. A number only, never whose."""

    campaign_key = models.UUIDField(unique=True, editable=False)
    count = models.PositiveBigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.campaign_key}: {self.count}"

    @classmethod
    def add(cls, counts):
        """Add {campaign key: number} to the tallies (inside the transaction that deletes the rows)."""
        for campaign_key, number in counts.items():
            tally, _created = cls.objects.get_or_create(campaign_key=campaign_key)
            cls.objects.filter(pk=tally.pk).update(count=F("count") + number)


class UnconfirmedDeleted(CampaignTally):
    """How many signatures of a campaign were deleted because nobody confirmed them (campaigns.privacy):
    the rows are gone, but the confirmation rate must still count them among those asked."""


def deleted_unconfirmed_counts(campaign_keys):
    """{campaign key: signatures deleted unconfirmed} for the given campaigns (one query)."""
    return dict(
        UnconfirmedDeleted.objects.filter(campaign_key__in=campaign_keys).values_list("campaign_key", "count")
    )


class ErasedOnRequest(CampaignTally):
    """How many signatures of a campaign were erased on request (a person forgotten, or a Signature manager's
    deletion: campaigns.privacy.erase_signatures): the rows are gone, the public integrity report still says
    how many went."""


def with_counts(campaigns):
    """Give each campaign page `card_count` and `card_goal` (its card shows them), from one query. (Not
    `signature_goal`: that is the editor's field, which the goal shown may have stepped up from.)

    `campaigns` are CampaignPages (any mix of locales: a campaign's count is the same in all of them).
    Returns the same objects, in the same order."""
    campaigns = [campaign for campaign in campaigns if campaign is not None]
    keys = {campaign.translation_key for campaign in campaigns}
    counts = {}
    if keys:
        counts = dict(
            SignatureCounter.objects.filter(campaign_key__in=keys)
            .values("campaign_key")
            .annotate(n=Sum("count"))
            .values_list("campaign_key", "n")
            .order_by()
        )
    for campaign in campaigns:
        campaign.card_count = counts.get(campaign.translation_key) or 0
        campaign.card_goal = campaign.current_goal(campaign.card_count)
    return campaigns
