"""Cron job: delete signatures nobody confirmed before their confirmation link expired, and flagged ones nobody
released in as long (campaigns.privacy.delete_held)."""

from django.core.management.base import BaseCommand

from campaigns import privacy


class Command(BaseCommand):
    help = (
        "Delete signatures whose confirmation link expired unopened (plus a day's grace). They were never "
        "counted, so no count changes. Flagged signatures nobody released as long after they were flagged go "
        "too. Run daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many are due, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = privacy.unconfirmed_expired().count()
            self.stdout.write(f"{due} unconfirmed signature(s) due; nothing changed (dry run).")
            held = privacy.held_expired().count()
            self.stdout.write(f"{held} flagged signature(s) never released due; nothing changed (dry run).")
            return
        deleted = privacy.delete_unconfirmed()
        if deleted:
            self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} unconfirmed signature(s)."))
        else:
            self.stdout.write("No unconfirmed signatures to delete.")
        held = privacy.delete_held()
        if held:
            self.stdout.write(self.style.SUCCESS(f"Deleted {held} flagged signature(s) nobody released."))
