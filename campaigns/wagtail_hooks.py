"""The campaigns app's registrations with Wagtail's admin. What they register lives in `campaigns/admin/`.

Personal data is shown only to users with the Signature permissions ("Signature managers" and
superusers, see home/migrations/0002_roles.py): the Signatures area (listing, exports, each signature and
its history), forgetting a person, the summaries, and Wagtail's own per-page form submissions, which would
otherwise be open to everyone who may edit the page. tests/test_admin_access.py walks every admin URL to
prove it.
"""

from django.contrib import messages as django_messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail import hooks
from wagtail.admin import messages
from wagtail.contrib.forms.utils import get_form_types
from wagtail.log_actions import LogFormatter
from wagtail_modeladmin.options import modeladmin_register

from campaigns import new_campaigns
from campaigns.admin import audit, release, translation_review, urls
from campaigns.admin.buttons import summary_button
from campaigns.admin.listing import SignatureAdmin
from campaigns.admin.panels import OpenCampaignsPanel
from campaigns.copying import copied_words, record_copy
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import VIEW_SIGNATURES

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


@hooks.register("construct_main_menu")
def no_forms_menu(request, menu_items):
    """Wagtail's "Forms" menu lists the campaigns again, each with Wagtail's own submissions listing: the
    Signatures area shows the same signatures, filtered by campaign, with exports and summaries, to the same
    people. Two menus for one thing send a team looking in both. Only the menu item goes: its addresses stay,
    guarded by `only_signature_managers_see_submissions`."""
    menu_items[:] = [item for item in menu_items if item.name != "forms"]


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


@hooks.register("after_copy_page")
def open_the_copied_campaign(request, source, copy):
    """A copied campaign opens in its edit view, where its checklist lists what still says what the source
    says, and the message names the copy: Wagtail's own ("Page 'Ring' copied.") names only the source, and
    two pages with the same title are easy to mix up."""
    if not isinstance(copy, CampaignPage):
        return None
    record_copy(source, copy)
    # Wagtail has already queued its message; reading the queue consumes it, the others are queued again.
    queued = list(django_messages.get_messages(request))
    for message in queued[:-1]:
        django_messages.add_message(request, message.level, message.message, message.extra_tags)
    messages.success(
        request,
        _(
            "“%(copy)s” was copied from “%(source)s”. Check the words it still shares with it before publishing."
        )
        % {"copy": copy.title, "source": source.specific_deferred.get_admin_display_title()},
    )
    return redirect("wagtailadmin_pages:edit", copy.pk)


@hooks.register("before_bulk_action")
def no_bulk_publishing_of_unchecked_copies(request, action_type, objects, action):
    """Publishing several pages at once from a listing has no form to confirm in: a copy that still says what
    its source says is sent to its edit view, where its checklist and the confirmation are."""
    if action_type != "publish":
        return None
    unchecked = [
        page
        for page in objects
        if isinstance(page.specific, CampaignPage)
        and copied_words(page.specific.get_latest_revision_as_object())[0]
    ]
    if not unchecked:
        return None
    for page in unchecked:
        messages.error(
            request,
            _(
                "“%(title)s” still says what the campaign it was copied from says in places. Check them "
                "and publish it from its edit view."
            )
            % {"title": page.get_admin_display_title()},
            buttons=[messages.button(reverse("wagtailadmin_pages:edit", args=[page.pk]), _("Edit"))],
        )
    return redirect(action.next_url)


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def say_what_the_choices_hide(request, page):
    """After saving a campaign, a warning for each part of the form its settings hide (the updates box
    without confirmation, the form after the closing date): the editor learns it here, not from a signer."""
    if isinstance(page, CampaignPage):
        for sentence in new_campaigns.hidden_by_choices(page):
            django_messages.warning(request, sentence)


@hooks.register("register_log_actions")
def signature_log_actions(actions):
    """Releasing flagged signatures (campaigns.admin.release), erasing and exporting them
    (campaigns.admin.audit), as the page's history and the "Logs" report say it: how many, never whose."""

    @actions.register_action(release.RELEASE_ACTION)
    class ReleaseSignatures(LogFormatter):
        label = gettext_lazy("Release flagged signatures")

        def format_message(self, log_entry):
            number = log_entry.data.get("released", 0)
            return ngettext(
                "Released %(number)d flagged signature", "Released %(number)d flagged signatures", number
            ) % {"number": number}

    @actions.register_action(audit.ERASE_ACTION)
    class EraseSignatures(LogFormatter):
        label = gettext_lazy("Erase signatures")

        def format_message(self, log_entry):
            number = log_entry.data.get("count", 0)
            return ngettext(
                "Erased %(number)d signature on request", "Erased %(number)d signatures on request", number
            ) % {"number": number}

    @actions.register_action(audit.EXPORT_ACTION)
    class ExportSignatures(LogFormatter):
        label = gettext_lazy("Export signatures")

        def format_message(self, log_entry):
            number = log_entry.data.get("count", 0)
            return ngettext(
                "Exported %(number)d signature (%(format)s)",
                "Exported %(number)d signatures (%(format)s)",
                number,
            ) % {"number": number, "format": str(log_entry.data.get("format", "")).upper()}
