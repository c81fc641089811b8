"""manage.py reset_two_factor <username>: for someone who lost their authenticator app and backup codes."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp import devices_for_user

from accounts import notices


class Command(BaseCommand):
    help = (
        "Remove a user's two-factor devices (authenticator app, backup codes), so that they set up a new one "
        "at their next sign-in. Check who is asking first: this is what an attacker with a stolen password wants."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        removed = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            removed += 1
        if removed:
            notices.tell_owner(user, notices.RESET)  # so that the owner hears of it if they did not ask
        self.stdout.write(
            f"Removed {removed} two-factor device(s) of {username}: they set up a new one at their next sign-in."
        )
