from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    """Rules that flag suspicious signatures (integrity.judge), registered with the signing service's
    quarantine (campaigns.quarantine), which campaigns offers and never imports this app for."""

    name = "integrity"
    verbose_name = _("Signature integrity")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported in ready(), as Django's app loading requires: the judge reads a model.
        from campaigns import quarantine
        from integrity import judge

        quarantine.register_judge(judge.judge)
