"""Everything `make run` does before it serves the site, in one process.

Each `manage.py` start costs seconds (Django, Wagtail and their apps are imported and checked), and a
newcomer's first `make run` should serve the demo within a minute: one start instead of five. Each step is
its own command, which can also be run alone.
"""

import io

from django.core.management import call_command
from django.core.management.base import BaseCommand

STEPS = [
    ("compile_catalogs", {}),  # before anything in this process loads a catalog
    ("migrate", {"interactive": False}),
    ("load_demo", {}),
    ("set_site_address", {}),
    ("ensure_admin", {}),
]
# How the admin login stands out at the end, just before the development server's own lines.
RULE = "-" * 72


class Command(BaseCommand):
    help = (
        "Compile the translation catalogs, migrate, load the demo campaigns, point the site at BASE_URL "
        "and make sure the admin user exists: what `make run` does before serving."
    )

    def handle(self, *args, **options):
        for name, step_options in STEPS:
            if name == "migrate":
                self.migrate(step_options)
            elif name == "ensure_admin":
                self.show_admin_login(step_options)
            else:
                call_command(name, stdout=self.stdout, stderr=self.stderr, **step_options)

    def migrate(self, step_options):
        """One line instead of a line per migration: a fresh database applies hundreds, which pushed the
        admin login out of sight. Errors still go to stderr whole."""
        output = io.StringIO()
        call_command("migrate", stdout=output, stderr=self.stderr, **step_options)
        applied = sum(1 for line in output.getvalue().splitlines() if line.strip().startswith("Applying "))
        if applied:
            self.stdout.write(f"Database migrated: {applied} migrations applied.")
        else:
            self.stdout.write("Database already up to date.")

    def show_admin_login(self, step_options):
        """The admin login last, between rules, where a newcomer looks for it."""
        output = io.StringIO()
        call_command("ensure_admin", stdout=output, stderr=self.stderr, **step_options)
        self.stdout.write(RULE)
        self.stdout.write(self.style.SUCCESS(output.getvalue().rstrip("\n")))
        self.stdout.write(RULE)
