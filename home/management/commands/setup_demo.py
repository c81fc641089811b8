"""Everything `make run` does before it serves the site, in one process.

Each `manage.py` start costs seconds (Django, Wagtail and their apps are imported and checked), and a
newcomer's first `make run` should serve the demo within a minute: one start instead of five. Each step is
its own command, which can also be run alone.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

STEPS = [
    ("compile_catalogs", {}),  # before anything in this process loads a catalog
    ("migrate", {"interactive": False}),
    ("load_demo", {}),
    ("set_site_address", {}),
    ("ensure_admin", {}),
]


class Command(BaseCommand):
    help = (
        "Compile the translation catalogs, migrate, load the demo campaigns, point the site at BASE_URL "
        "and make sure the admin user exists: what `make run` does before serving."
    )

    def handle(self, *args, **options):
        for name, step_options in STEPS:
            call_command(name, stdout=self.stdout, stderr=self.stderr, **step_options)
