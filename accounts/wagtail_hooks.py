"""The two-factor pages in the admin (under /admin/two-factor/), and a way to them from the account page."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from accounts import views


@hooks.register("register_admin_urls")
def two_factor_urls():
    return [
        path("two-factor/", views.verify, name="accounts_two_factor"),
        path("two-factor/set-up/", views.set_up, name="accounts_two_factor_setup"),
        path("two-factor/backup-codes/", views.backup_codes, name="accounts_two_factor_backup_codes"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("accounts_two_factor_setup"),
        "label": _("Two-factor authentication"),
        "help_text": _("Confirm each sign-in with a code from an authenticator app; new backup codes."),
    }
