"""The campaigns app's registrations with Wagtail's admin. What they register lives in `campaigns/admin/`.

Personal data is shown only to users with the Signature permissions ("Signature managers" and
superusers, see home/migrations/0002_roles.py): the Signatures area (listing, exports, each signature and
its history), forgetting a person, the summaries, and Wagtail's own per-page form submissions, which would
otherwise be open to everyone who may edit the page. tests/test_admin_access.py walks every admin URL to
prove it.
"""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks
from wagtail.contrib.forms.utils import get_form_types
from wagtail_modeladmin.options import modeladmin_register

from campaigns.admin import translation_review, urls
from campaigns.admin.buttons import summary_button
from campaigns.admin.listing import SignatureAdmin
from campaigns.admin.panels import OpenCampaignsPanel
from campaigns.signatures import VIEW_SIGNATURES

modeladmin_register(SignatureAdmin)


@hooks.register("register_admin_urls")
def register_signature_urls():
    return urls.urlpatterns


@hooks.register("insert_global_admin_css")
def signatures_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("filter_form_submissions_for_user")
def only_signature_managers_see_submissions(user, editable_forms):
    """Wagtail lets anyone who may edit a form page read its submissions. Submissions are people's
    personal data, so only users who may view signatures see them, on every form page; nobody else does."""
    if user.has_perm(VIEW_SIGNATURES):
        return editable_forms.model.objects.filter(content_type__in=get_form_types())
    return editable_forms.none()


@hooks.register("register_page_listing_more_buttons")
def page_listing_summary_button(page, user, next_url=None):
    button = summary_button(page, user, priority=70)
    if button:
        yield button


@hooks.register("register_page_header_buttons")
def page_header_summary_button(page, user, view_name, next_url=None):
    button = summary_button(page, user, priority=90)
    if button:
        yield button


@hooks.register("construct_homepage_panels")
def open_campaigns_panel(request, panels):
    panels.append(OpenCampaignsPanel())


# Before wagtail-localize's own hook, which would show its editor (campaigns/admin/translation_review.py).
hooks.register("before_edit_page", translation_review.act_on_translation, order=-1)


@hooks.register("register_admin_urls")
def register_translation_review_urls():
    return translation_review.urlpatterns


@hooks.register("construct_page_action_menu")
def no_convert_to_alias(menu_items, request, context):
    """Wagtail's editor of a translation no longer synced offers no "Convert to alias page" either."""
    menu_items[:] = [item for item in menu_items if item.name != "localize-convert-to-alias"]
