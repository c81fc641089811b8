from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _

from ops.middleware import forget_request_id


class OpsConfig(AppConfig):
    """Running the site in production: health checks, what visitors see when a service fails, security
    headers, request ids in the logs, and mail tasks that survive an SMTP outage or a lost worker."""

    name = "ops"
    verbose_name = _("Operations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported in ready(), as Django's app loading requires: these modules import models.
        from ops import tasks

        tasks.connect()
        request_finished.connect(forget_request_id, dispatch_uid="ops-forget-request-id")
