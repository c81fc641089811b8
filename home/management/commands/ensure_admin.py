"""Make sure the demo's `admin` superuser exists and tell the developer how to log in."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create or update the superuser 'admin' (password from ADMIN_PASSWORD, else generated once)."

    def handle(self, *args, **options):
        password = settings.ADMIN_PASSWORD or self._generated_password()
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username="admin", defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True}
        )
        if created or not user.check_password(password):
            user.set_password(password)
            user.is_staff = user.is_superuser = user.is_active = True
            user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin login: {settings.BASE_URL}/{settings.ADMIN_PATH}/  user: admin  password: {password}"
            )
        )

    def _generated_password(self):
        """A random password kept in var/ (git-ignored), so it stays the same across `make run`s."""
        path = settings.VAR_DIR / "admin-password"
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_text(secrets.token_urlsafe(12))
        return path.read_text().strip()
