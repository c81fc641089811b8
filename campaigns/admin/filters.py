"""The Signatures listing's filters, and the form that checks its query string before any of them runs."""

from django import forms
from django.conf import settings
from django.contrib.admin import SimpleListFilter
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from campaigns.models.pages import CampaignPage


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


class FlaggedFilter(SimpleListFilter):
    """Signatures an integrity rule flagged (campaigns.quarantine): held until released, or released."""

    title = _("flagged")
    parameter_name = "flagged"

    def lookups(self, request, model_admin):
        return [("held", _("Flagged, not released")), ("released", _("Released"))]

    def queryset(self, request, queryset):
        if self.value() == "held":
            return queryset.filter(flagged_at__isnull=False, released_at__isnull=True)
        if self.value() == "released":
            return queryset.filter(released_at__isnull=False)
        return queryset


class ListingQuery(forms.Form):
    """Every query parameter the Signatures listing understands, each checked as a form field.

    modeladmin hands any other parameter to the database as a lookup (`?page__owner__password__startswith=`
    would let a signature manager probe a password hash), and a value of the wrong type, or holding a NUL
    byte that PostgreSQL refuses, fails deep in a query as a server error. So the listing runs only on a
    query string this form accepts; `unusable()` names the parameters to drop.
    """

    # The search box, the filters (see SignatureAdmin.list_filter), and modeladmin's own paging and
    # ordering (`p`, `o`, `ot`, which it parses leniently itself) and export.
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    campaign = forms.UUIDField(label=_("campaign"), required=False)
    locale = forms.ChoiceField(label=_("language"), required=False, choices=settings.LANGUAGES)
    country = forms.ChoiceField(label=_("country"), required=False, choices=lambda: list(countries))
    confirmed = forms.ChoiceField(label=_("confirmed"), required=False, choices=[("yes", ""), ("no", "")])
    flagged = forms.ChoiceField(label=_("flagged"), required=False, choices=[("held", ""), ("released", "")])
    newsletter_opt_in__exact = forms.ChoiceField(
        label=_("newsletter"), required=False, choices=[("1", ""), ("0", "")]
    )
    submit_time__gte = forms.DateTimeField(label=_("Signed at"), required=False)
    submit_time__lt = forms.DateTimeField(label=_("Signed at"), required=False)
    LENIENT = frozenset({"p", "o", "ot", "export", "e"})

    def unusable(self):
        """The parameters to drop: unknown ones, repeated ones and those whose value is not valid."""
        known = set(self.fields) | self.LENIENT
        bad = {name for name in self.data if name not in known or len(self.data.getlist(name)) > 1}
        bad |= {name for name in self.data if "\x00" in "".join(self.data.getlist(name))}
        if not self.is_valid():
            bad |= set(self.errors)
        return bad

    def labels(self, names):
        """The names of the filters among `names`, as the listing shows them."""
        return sorted({str(self.fields[name].label) for name in names if name in self.fields})
