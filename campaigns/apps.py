from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported in ready(), as Django's app loading requires: these modules import models.
        from campaigns import counting, emails, milestones, signals, social_proof

        signals.connect()
        emails.connect()
        milestones.connect()
        social_proof.connect()
        post_migrate.connect(counting.install_triggers, sender=self, dispatch_uid="campaigns-count-triggers")
