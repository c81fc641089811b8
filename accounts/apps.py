from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who may sign in to the admin, and how: lockout after failed passwords (lockout.py), a throttled
    password reset (views.py) and two-factor authentication (twofactor.py, views.py)."""

    name = "accounts"
    verbose_name = "Admin sign-in"
