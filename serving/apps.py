from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_migrate


def ensure_locales(sender, using="default", **kwargs):
    """Create a Locale row for every language in WAGTAIL_CONTENT_LANGUAGES.

    Runs after every `migrate`, so adding a locale is a settings change: no migration to write.
    """
    # Inside the function: a model may not be imported before Django has loaded every app (this module is
    # imported while it loads them).
    from wagtail.models import Locale

    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.using(using).get_or_create(language_code=code)


class ServingConfig(AppConfig):
    """The request path every app shares: page cache, content generation and invalidation, site structure,
    the site's address, the body and origin checks. It imports no other app of this project."""

    name = "serving"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Here, not at the top: invalidation imports Wagtail's models, which need the apps loaded.
        from serving import invalidation

        post_migrate.connect(ensure_locales, sender=self)
        invalidation.connect()
