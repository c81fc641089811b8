"""A mail to the account's owner when its second factor changes (OWASP ASVS 2.2.3: users hear of changes to
how they sign in), so that someone who did not make the change learns of it and tells an administrator.

Sent by the worker, in the user's admin language; it says what changed and when, never a code or a key.
"""

from datetime import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task
from wagtail.users.models import UserProfile

# What happened, as the mail's template names it.
TURNED_ON = "turned_on"
NEW_BACKUP_CODES = "new_backup_codes"
RESET = "reset"
CHANGES = (TURNED_ON, NEW_BACKUP_CODES, RESET)


def tell_owner(user, change):
    """Queue the mail about `change` (one of CHANGES) to `user`, if they have an address."""
    if user.email:
        notify_owner.enqueue(user.pk, change, timezone.now().isoformat())


@task()
def notify_owner(user_id, change, when):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None or not user.email or change not in CHANGES:
        return
    language = UserProfile.get_for_user(user).get_preferred_language()
    with translation.override(language):
        context = {
            "user": user,
            "change": change,
            "when": datetime.fromisoformat(when),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "admin_url": settings.BASE_URL.rstrip("/") + f"/{settings.ADMIN_PATH}/",
        }
        subject = render_to_string("accounts/emails/two_factor_subject.txt", context)
        body = render_to_string("accounts/emails/two_factor_body.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
