"""Delete every demo signature (made by the demo loader, home/demo/signatures.py), then check the counts."""

from django.core.management.base import BaseCommand
from django.db import transaction

from campaigns import social_proof
from campaigns.models.counter import reconcile_counts
from campaigns.models.signature import Signature


class Command(BaseCommand):
    help = (
        "Delete the made-up signatures the demo loads (marked as demo data) from every campaign, and make "
        "each campaign's count equal to its remaining signatures. Real signatures are never touched."
    )

    def handle(self, *args, **options):
        demo = Signature.objects.filter(is_demo=True)
        with transaction.atomic():
            keys = set(demo.values_list("campaign_key", flat=True).distinct())
            # The database's counting triggers take them off each count as they go (campaigns/counting.py).
            deleted = demo.delete()[1].get(Signature._meta.label, 0)
        for key in keys:
            social_proof.forget_latest_signers(key)
        fixed = reconcile_counts()
        if fixed:
            self.stdout.write(self.style.WARNING(f"Corrected {len(fixed)} campaign count(s)."))
        self.stdout.write(
            self.style.SUCCESS(
                f"Deleted {deleted} demo signature(s) from {len(keys)} campaign(s); counts checked."
            )
        )
