"""`manage.py send_webhooks`: try every due webhook delivery now, without the worker.

For development (whose tasks run at once and cannot wait for a retry) and for an operator who wants the
backlog sent after fixing a receiver. In production the worker (`manage.py db_worker`) does this by itself.
"""

from django.core.management.base import BaseCommand

from webhooks import delivery


class Command(BaseCommand):
    help = "Send every webhook delivery that is due now (the worker does it by itself in production)."

    def handle(self, *args, **options):
        tried = delivery.send_due()
        self.stdout.write(f"Tried {tried} due webhook deliveries.")
