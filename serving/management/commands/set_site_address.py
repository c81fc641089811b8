"""Point the default Wagtail Site at BASE_URL: run by `make run` and by each production release."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from serving.site_address import point_default_site_at


class Command(BaseCommand):
    help = (
        "Set the default site's host name and port from BASE_URL, so canonical links, hreflang "
        "alternates and links in mails point where the site is served."
    )

    def handle(self, *args, **options):
        try:
            site, changed = point_default_site_at(settings.BASE_URL)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if site is None:
            self.stdout.write("No default site yet: nothing to point at BASE_URL.")
        elif changed:
            self.stdout.write(f"Default site now at {site.root_url} (BASE_URL).")
        else:
            self.stdout.write(f"Default site already at {site.root_url}.")
