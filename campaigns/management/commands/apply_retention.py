"""Cron job: anonymise the signers of campaigns closed longer than their retention period."""

from django.core.management.base import BaseCommand

from campaigns import privacy
from campaigns.models.pages import CampaignPage


class Command(BaseCommand):
    help = (
        "Delete signers' personal data (names, email, postal code, comment, answers, source) of campaigns "
        "closed more than their 'keep signers' details for (days)' ago. Counts and tallies are kept. "
        "Run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the campaigns that are due, change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = privacy.expired_campaigns()
            titles = _titles(due)
            for key in due:
                self.stdout.write(f"Due: {titles[key]} ({key})")
            self.stdout.write(f"{len(due)} campaign(s) due; nothing changed (dry run).")
            return
        done = privacy.apply_retention()
        titles = _titles(done)
        for key, n in done.items():
            self.stdout.write(f"Anonymised {n} signature(s) of {titles[key]} ({key})")
        if done:
            self.stdout.write(self.style.SUCCESS(f"Anonymised {sum(done.values())} signature(s)."))
        else:
            self.stdout.write("Nothing to anonymise.")


def _titles(keys):
    return {key: page.title for key, page in CampaignPage.by_campaign_key(keys).items()}
