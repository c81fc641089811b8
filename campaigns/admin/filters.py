"""The Signatures listing's own filters (besides country, newsletter and date, which Django provides)."""

from django.conf import settings
from django.contrib.admin import SimpleListFilter
from django.utils.translation import gettext_lazy as _

from campaigns.pages import CampaignPage


class CampaignFilter(SimpleListFilter):
    """Filter by campaign: all its locale variants together (signatures share its translation key)."""

    title = _("campaign")
    parameter_name = "campaign"

    def lookups(self, request, model_admin):
        campaigns = CampaignPage.by_campaign_key().items()
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
