"""Make every campaign's stored public count equal to its counted signatures, and say what changed."""

from django.core.management.base import BaseCommand

from campaigns.models.counter import reconcile_counts
from campaigns.models.pages import CampaignPage


class Command(BaseCommand):
    help = "Recount every campaign's counted signatures and correct any stored count that differs."

    def handle(self, *args, **options):
        fixed = reconcile_counts()
        campaigns = CampaignPage.by_campaign_key(fixed)
        for key, (before, actual) in sorted(fixed.items(), key=lambda item: str(item[0])):
            name = campaigns[key].title if key in campaigns else "a deleted campaign"
            self.stdout.write(f"Fixed {name} ({key}): stored {before}, counted {actual}")
        if fixed:
            self.stdout.write(self.style.WARNING(f"Corrected {len(fixed)} campaign count(s)."))
        else:
            self.stdout.write(self.style.SUCCESS("All counts match their signatures."))
