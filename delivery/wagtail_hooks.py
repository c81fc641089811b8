"""Petition delivery in Wagtail's admin: its URLs, and a "Deliver the petition" button on campaign pages'
header and listing for users who may see signatures (the document names signers)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from campaigns.admin.buttons import campaign_button
from delivery import urls


@hooks.register("register_admin_urls")
def register_delivery_urls():
    return urls.urlpatterns


def deliver_button(page, user, priority):
    return campaign_button(page, user, _("Deliver the petition"), "delivery_deliver", "doc-full", priority)


@hooks.register("register_page_listing_more_buttons")
def page_listing_deliver_button(page, user, next_url=None):
    if button := deliver_button(page, user, priority=71):
        yield button


@hooks.register("register_page_header_buttons")
def page_header_deliver_button(page, user, view_name, next_url=None):
    if button := deliver_button(page, user, priority=91):
        yield button
