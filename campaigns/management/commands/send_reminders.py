"""Cron job: remind, once, the signers who have not clicked their confirmation link."""

from django.core.management.base import BaseCommand

from campaigns import reminders


class Command(BaseCommand):
    help = (
        "Queue one reminder for each signature still waiting for confirmation its campaign's 'remind after "
        "(hours)' after signing (24 by default). Never twice for one signature. Run hourly from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Say how many are due, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            due = reminders.due_reminders().count()
            self.stdout.write(f"{due} reminder(s) due; nothing sent (dry run).")
            return
        queued = reminders.send_reminders()
        self.stdout.write(f"Queued {queued} reminder(s).")
