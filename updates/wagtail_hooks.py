"""Updates' registrations with Wagtail's admin: the snippet, the Send page, and a Send button on each update."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin import widgets
from wagtail.snippets.models import register_snippet

from updates import admin
from updates.models import Update

register_snippet(admin.UpdateViewSet)


@hooks.register("register_admin_urls")
def register_send_urls():
    return admin.urlpatterns()


@hooks.register("register_snippet_listing_buttons")
def send_button(snippet, user, next_url=None):
    if isinstance(snippet, Update) and user.has_perm(admin.SEND_UPDATES):
        yield widgets.ListingButton(
            _("Send"), reverse("updates_send", args=[snippet.pk]), icon_name="mail", priority=5
        )
