from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_locales(sender, using="default", **kwargs):
    """Create a Locale row for every language in WAGTAIL_CONTENT_LANGUAGES.

    Runs after every `migrate`, so adding a locale is a settings change: no migration to write.
    """
    from django.conf import settings
    from wagtail.models import Locale

    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.using(using).get_or_create(language_code=code)


class HomeConfig(AppConfig):
    name = "home"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from home import invalidation

        post_migrate.connect(ensure_locales, sender=self)
        invalidation.connect()
