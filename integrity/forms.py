"""The description of an invalidation run (integrity.invalidation): one campaign and at least one thing that
narrows it down, and why. Everything a manager can type wrong is a form error, never a 500, and an empty
description never silently means "the whole campaign"."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from campaigns.admin.release import rule_label
from campaigns.models.pages import CampaignPage

RULES = (
    "address_rate",
    "network_rate",
    "blocked_network",
    "blocked_domain",
    "disposable_domain",
    "same_person",
)
_DOMAIN_GLOB = re.compile(r"^[a-z0-9*?.-]+$")
_TEXT_GLOB = re.compile(r"^[\w*?.' -]+$")
_WILDCARDS = set("*?. -")
# A network's pseudonym as a trend alert shows it ("network 7f3a9c…"): the first characters of
# Signature.network_hash, hexadecimal, enough of them to name one network among a campaign's.
_NETWORK = re.compile(r"^[0-9a-f]{6,16}$")

# The criteria besides the campaign; one at least must be given.
NARROWING = (
    "network",
    "email_domain",
    "country",
    "name",
    "postal_code",
    "signed_after",
    "signed_before",
    "source",
    "rule",
    "unconfirmed",
)


def _campaign_choices():
    pages = CampaignPage.by_campaign_key()
    return [("", "---------")] + sorted(
        ((str(key), page.title) for key, page in pages.items()), key=lambda c: c[1]
    )


def _only_wildcards(pattern):
    return set(pattern) <= _WILDCARDS


class CriteriaForm(forms.Form):
    campaign = forms.ChoiceField(label=_("Campaign"))
    network = forms.CharField(
        label=_("Network"),
        required=False,
        max_length=20,
        help_text=_(
            "The pseudonym of the signers' network, as a trending source shows it: '7f3a9c', at least 6 "
            "characters."
        ),
    )
    email_domain = forms.CharField(
        label=_("Email domain"),
        required=False,
        max_length=253,
        help_text=_("A domain such as 'example.com', or a pattern: 'mail*.example.com', '*.example.com'."),
    )
    country = CountryField(blank=True).formfield(label=_("Country"), required=False)
    name = forms.CharField(
        label=_("First or last name"),
        required=False,
        max_length=100,
        help_text=_("A name, or a pattern with * for any letters and ? for one: 'test*'."),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        required=False,
        max_length=20,
        help_text=_("A postal code or a pattern: 'SW1*'."),
    )
    signed_after = forms.DateTimeField(
        label=_("Signed from"), required=False, help_text=_("YYYY-MM-DD HH:MM")
    )
    signed_before = forms.DateTimeField(
        label=_("Signed before"), required=False, help_text=_("YYYY-MM-DD HH:MM")
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=200,
        help_text=_("A utm_source or utm_campaign value, or the host of the site the signers came from."),
    )
    rule = forms.ChoiceField(label=_("Flagged by the rule"), required=False)
    unconfirmed = forms.BooleanField(
        label=_("Only signatures whose signer has not confirmed"), required=False
    )
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Recorded with the run for whoever reviews it later. Describe the pattern, not the people: no "
            "names or addresses."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = _campaign_choices()
        self.fields["rule"].choices = [("", "---------")] + [(rule, rule_label(rule)) for rule in RULES]

    def clean_network(self):
        # As copied from an alert: "network 7f3a9c…" or "7f3a9c..." is taken for "7f3a9c".
        pseudonym = self.cleaned_data["network"].strip().lower().removeprefix("network").strip()
        pseudonym = pseudonym.rstrip(".…").strip()
        if pseudonym and not _NETWORK.match(pseudonym):
            raise ValidationError(
                _(
                    "Not a network pseudonym: type the 6 to 16 characters (digits and the letters a to f) a "
                    "trending source shows, such as '7f3a9c'."
                )
            )
        return pseudonym

    def clean_email_domain(self):
        pattern = self.cleaned_data["email_domain"].strip().lower().lstrip("@")
        if pattern and (not _DOMAIN_GLOB.match(pattern) or _only_wildcards(pattern)):
            raise ValidationError(
                _("Not a domain or a domain pattern: use letters, digits, dots, hyphens, * and ?.")
            )
        return pattern

    def _clean_text_pattern(self, name):
        pattern = " ".join(self.cleaned_data[name].split())
        if pattern and (not _TEXT_GLOB.match(pattern) or _only_wildcards(pattern)):
            raise ValidationError(
                _("Use letters, digits, spaces, * and ?, and at least one letter or digit.")
            )
        return pattern

    def clean_name(self):
        return self._clean_text_pattern("name")

    def clean_postal_code(self):
        return self._clean_text_pattern("postal_code")

    def clean_source(self):
        return self.cleaned_data["source"].strip()

    def clean(self):
        cleaned = super().clean()
        after, before = cleaned.get("signed_after"), cleaned.get("signed_before")
        if after and before and after >= before:
            self.add_error("signed_before", _("This must be later than “Signed from”."))
        if not self.errors and not any(cleaned.get(name) for name in NARROWING):
            raise ValidationError(
                _(
                    "Describe the signatures with at least one criterion besides the campaign: a run never "
                    "takes a whole campaign."
                )
            )
        return cleaned

    def criteria(self):
        """The cleaned description, as JSON for Invalidation.criteria (integrity.invalidation.matching)."""
        criteria = {"campaign": self.cleaned_data["campaign"]}
        for name in NARROWING:
            value = self.cleaned_data.get(name)
            if value:
                criteria[name] = value.isoformat() if hasattr(value, "isoformat") else value
        if "country" in criteria:
            criteria["country"] = str(criteria["country"])
        return criteria
