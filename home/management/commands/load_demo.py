"""Load the demo site (home page, campaign list, campaigns) in every locale; safe to run again."""

import io

from django.core.management import call_command
from django.core.management.base import BaseCommand

from home.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo campaigns in English (US) and their translations into every other locale, "
        "then rebuild the search index. Running it again only adds what is missing."
    )

    def handle(self, *args, **options):
        report = load_demo()
        # Publishing indexes each page already; the rebuild also covers content loaded before this run.
        call_command("update_index", stdout=io.StringIO(), stderr=io.StringIO())
        if report.untranslated_locales:
            locales = ", ".join(report.untranslated_locales)
            self.stdout.write(f"No demo translations for {locales}: those locales get no demo pages.")
        if report.nothing_created:
            self.stdout.write("Demo content already loaded: nothing to add.")
            return
        if report.site:
            self.stdout.write(f"Default site: {report.site}.")
        for label, items in [
            ("Pages", report.pages),
            ("Pictures", report.images),
            ("Translations", report.translations),
        ]:
            if items:
                self.stdout.write(f"{label} ({len(items)}): {', '.join(items)}")
        if report.signatures:
            added = ", ".join(f"{key} {count:,}" for key, count in report.signatures.items())
            self.stdout.write(
                f"Demo signatures ({added}): remove them with manage.py remove_demo_signatures."
            )
        self.stdout.write(self.style.SUCCESS("Demo content loaded and search index rebuilt."))
