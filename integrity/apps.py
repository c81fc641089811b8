from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class IntegrityConfig(AppConfig):
    """Rules that flag suspicious signatures (integrity.judge), registered with the signing service's
    quarantine (campaigns.quarantine), which campaigns offers and never imports this app for."""

    name = "integrity"
    verbose_name = _("Signature integrity")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported in ready(), as Django's app loading requires: the judge, the settings model and the
        # quarantine (campaigns' Signature) are models or import them.
        from campaigns import quarantine  # a Signature module, see above
        from integrity import alerts, judge  # model modules' imports, see above
        from integrity.models import IntegritySettings  # a model, see above

        quarantine.register_judge(judge.judge, judge.rate_checks)
        # A manager's change applies at once in this process, within judge.SETTINGS_TTL in the others.
        post_save.connect(
            lambda **kwargs: judge.forget_settings(),
            sender=IntegritySettings,
            weak=False,
            dispatch_uid="integrity",
        )
        alerts.connect()  # a trending source is mailed to the Signature managers (integrity.trends)
