"""The webhooks admin in Wagtail's menu (administrators only): what it registers lives in webhooks/admin.py."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy

from webhooks import admin
from webhooks.models import Delivery, Endpoint

register_permission_policy(Endpoint, admin.AdministratorsOnly(Endpoint))
register_permission_policy(Delivery, admin.AdministratorsOnly(Delivery, actions=("view",)))


@hooks.register("register_admin_viewset")
def register_webhooks():
    return admin.WebhooksGroup()


@hooks.register("register_admin_urls")
def register_webhook_urls():
    return admin.extra_urls()
