"""The Signatures listing in Wagtail's admin (wagtail-modeladmin): columns, filters, search, who may see it.

Registered in `campaigns/wagtail_hooks.py`. Signatures are listed, inspected, exported and erased, never
created or edited by hand.
"""

from django.conf import settings
from django.contrib.admin import DateFieldListFilter
from django.contrib.admin import display as admin_display
from django.core.exceptions import PermissionDenied
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from wagtail_modeladmin.helpers import ButtonHelper, PermissionHelper
from wagtail_modeladmin.options import ModelAdmin

from campaigns.admin import views
from campaigns.admin.filters import CampaignFilter, ConfirmedFilter, FlaggedFilter, LocaleFilter
from campaigns.models.signature import VIEW_SIGNATURES, Signature


class SignaturePermissionHelper(PermissionHelper):
    """Signatures are listed, inspected (with their history) and erased; never created or edited by hand.

    Deleting one row here would bypass the count, so deletion goes through "Forget a person" (or
    Wagtail's submissions listing, see `views.SubmissionsDeleteView`), which keep the count right.
    """

    def user_can_list(self, user):
        return user.has_perm(VIEW_SIGNATURES)

    def user_can_inspect_obj(self, user, obj):
        return self.inspect_view_enabled and user.has_perm(VIEW_SIGNATURES)

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
    inspect_view_class = views.SignatureInspectView
    history_view_class = views.SignatureHistoryView
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
        FlaggedFilter,
        "newsletter_opt_in",
        ("submit_time", DateFieldListFilter),
    )
    list_select_related = ("page",)
    search_fields = ("email", "first_name", "last_name")
    list_per_page = 50
    inspect_view_fields_exclude = ("email_normalised", "repeat_notice_sent_at")

    # modeladmin looks the signature up in the view's constructor, before any permission is checked: a
    # user without the permission is refused first, so that a 404 or a 403 does not tell which ids exist.
    def inspect_view(self, request, instance_pk):
        _refuse_without_permission(request.user)
        return super().inspect_view(request, instance_pk)

    def history_view(self, request, instance_pk):
        _refuse_without_permission(request.user)
        return super().history_view(request, instance_pk)

    def edit_view(self, request, instance_pk):
        _refuse_without_permission(request.user)
        return super().edit_view(request, instance_pk)

    def delete_view(self, request, instance_pk):
        _refuse_without_permission(request.user)
        return super().delete_view(request, instance_pk)

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


def _refuse_without_permission(user):
    if not user.has_perm(VIEW_SIGNATURES):
        raise PermissionDenied


def _yes_no(value):
    return gettext("Yes") if value else gettext("No")
