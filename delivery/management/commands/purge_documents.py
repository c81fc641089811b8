"""Clock job: delete the petition documents kept longer than a week (delivery/models.py, DOCUMENT_KEPT)."""

from django.core.management.base import BaseCommand

from delivery import documents


class Command(BaseCommand):
    help = (
        "Delete the petition PDFs asked for more than a week ago: they name signers. The clock (run_jobs) "
        "runs it hourly."
    )

    def handle(self, *args, **options):
        deleted = documents.purge_expired()
        if deleted:
            self.stdout.write(self.style.SUCCESS(f"Deleted {deleted} expired petition document(s)."))
        else:
            self.stdout.write("No expired petition documents to delete.")
