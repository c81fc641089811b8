"""Start the mailings of updates whose scheduled time has come (updates/scheduling.py); the clock runs it
every minute (ops/management/commands/run_jobs.py)."""

from django.core.management.base import BaseCommand

from updates import scheduling


class Command(BaseCommand):
    help = "Send the updates whose scheduled time has come."

    def handle(self, *args, **options):
        started = scheduling.send_due()
        if started:
            self.stdout.write(f"Started sending {started} scheduled update(s).")
