"""The campaigns app in Wagtail's admin: the Signatures area and who may see signers' personal data.

Personal data is shown only to users with the Signature permissions ("Signature managers" and
superusers, see home/migrations/0002_roles.py): the Signatures area and its exports, forgetting a
person, the summaries, and Wagtail's own per-page form submissions, which would otherwise be open to
everyone who may edit the page.
"""

from django.conf import settings
from django.contrib.admin import DateFieldListFilter, SimpleListFilter
from django.contrib.admin import display as admin_display
from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from wagtail import hooks
from wagtail.admin import widgets
from wagtail.contrib.forms.utils import get_form_types
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from campaigns import reports
from campaigns.admin import views
from campaigns.pages import CampaignPage
from campaigns.signatures import Signature


class CampaignFilter(SimpleListFilter):
    """Filter by campaign: all its locale variants together (signatures share its translation key)."""

    title = _("campaign")
    parameter_name = "campaign"

    def lookups(self, request, model_admin):
        campaigns = reports.campaigns_by_key().items()
        return sorted(((str(key), page.title) for key, page in campaigns), key=lambda item: item[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(campaign_key=self.value())
        return queryset


class LocaleFilter(SimpleListFilter):
    """Filter by the language a signature was made in (the site's languages, no table scan)."""

    title = _("language")
    parameter_name = "locale"

    def lookups(self, request, model_admin):
        return settings.LANGUAGES

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(locale=self.value())
        return queryset


class ConfirmedFilter(SimpleListFilter):
    title = _("confirmed")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("Confirmed")), ("no", _("Not confirmed"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(confirmed_at__isnull=self.value() == "no")
        return queryset


class SignaturePermissionHelper(PermissionHelper):
    """Signatures are listed, inspected and erased; never created or edited by hand.

    Deleting one row here would bypass the count, so deletion goes through "Forget a person" (or
    Wagtail's submissions listing, see `views.SubmissionsDeleteView`), which keep the count right.
    """

    def user_can_list(self, user):
        return user.has_perm(views.VIEW_SIGNATURES)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and user.has_perm(views.VIEW_SIGNATURES)

    def user_can_create(self, user):
        return False

    def user_can_edit_obj(self, user, obj):
        return False

    def user_can_delete_obj(self, user, obj):
        return False


class SignatureButtonHelper(ButtonHelper):
    def get_buttons_for_obj(self, obj, **kwargs):
        return [self.inspect_button(obj.pk, classnames_add=kwargs.get("classnames_add"))]


class SignatureAdmin(ModelAdmin):
    model = Signature
    base_url_path = "campaigns/signature"  # /admin/campaigns/signature/
    menu_label = _("Signatures")
    menu_icon = "form"
    menu_order = 250
    add_to_settings_menu = False
    inspect_view_enabled = True
    index_view_class = views.SignatureIndexView
    index_template_name = "campaigns/admin/signature_index.html"
    permission_helper_class = SignaturePermissionHelper
    button_helper_class = SignatureButtonHelper
    list_display = (
        "signer",
        "campaign",
        "language",
        "country",
        "confirmed",
        "newsletter",
        "submit_time",
    )
    list_filter = (
        CampaignFilter,
        LocaleFilter,
        ("country", CountryFilter),
        ConfirmedFilter,
        "newsletter_opt_in",
        ("submit_time", DateFieldListFilter),
    )
    list_select_related = ("page",)
    search_fields = ("email", "first_name", "last_name")
    list_per_page = 50
    inspect_view_fields_exclude = ("email_normalised", "repeat_notice_sent_at")

    @admin_display(description=_("signer"), ordering="email")
    def signer(self, obj):
        """Name and address in one column, so the listing fits beside its filters."""
        name = f"{obj.first_name} {obj.last_name}".strip()
        return format_html("{}<br>{}", name, obj.email) if name else obj.email

    @admin_display(description=_("language"), ordering="locale")
    def language(self, obj):
        return dict(settings.LANGUAGES).get(obj.locale, obj.locale)

    @admin_display(description=_("campaign"), ordering="page__title")
    def campaign(self, obj):
        return Truncator(obj.page.title).chars(48)

    # Yes/No as words: modeladmin's boolean icons come from django.contrib.admin, which is not installed.
    @admin_display(description=_("confirmed"), ordering="confirmed_at")
    def confirmed(self, obj):
        return _yes_no(obj.confirmed_at is not None)

    @admin_display(description=_("newsletter"), ordering="newsletter_opt_in")
    def newsletter(self, obj):
        return _yes_no(obj.newsletter_opt_in)


def _yes_no(value):
    return gettext("Yes") if value else gettext("No")


modeladmin_register(SignatureAdmin)


@hooks.register("register_admin_urls")
def register_signature_urls():
    return [
        path(
            "campaigns/signature/forget/", views.ForgetPersonView.as_view(), name="campaigns_signature_forget"
        ),
        path(
            "campaigns/signature/summary/",
            views.SummaryIndexView.as_view(),
            name="campaigns_signature_summaries",
        ),
        path(
            "campaigns/signature/summary/<int:page_id>/",
            views.CampaignSummaryView.as_view(),
            name="campaigns_signature_summary",
        ),
        # Listed before wagtail.contrib.forms's own URLs (campaigns comes first in INSTALLED_APPS), so
        # this replaces Wagtail's view at the same address; reverse("wagtailforms:…") still points here.
        path(
            "forms/submissions/<int:page_id>/delete/",
            views.SubmissionsDeleteView.as_view(),
            name="campaigns_delete_submissions",
        ),
    ]


@hooks.register("insert_global_admin_css")
def signatures_admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("filter_form_submissions_for_user")
def only_signature_managers_see_submissions(user, editable_forms):
    """Wagtail lets anyone who may edit a form page read its submissions. Submissions are people's
    personal data, so only users who may view signatures see them, on every form page; nobody else does."""
    if user.has_perm(views.VIEW_SIGNATURES):
        return editable_forms.model.objects.filter(content_type__in=get_form_types())
    return editable_forms.none()


def _summary_button(page, user, priority):
    if (
        page.specific_class
        and issubclass(page.specific_class, CampaignPage)
        and user.has_perm(views.VIEW_SIGNATURES)
    ):
        return widgets.Button(
            _("Signature summary"),
            reverse("campaigns_signature_summary", args=[page.pk]),
            icon_name="form",
            priority=priority,
        )
    return None


@hooks.register("register_page_listing_more_buttons")
def page_listing_summary_button(page, user, next_url=None):
    button = _summary_button(page, user, priority=70)
    if button:
        yield button


@hooks.register("register_page_header_buttons")
def page_header_summary_button(page, user, view_name, next_url=None):
    button = _summary_button(page, user, priority=90)
    if button:
        yield button
