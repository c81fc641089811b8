"""The signing form, built for each campaign page from its settings and its editor-defined extra questions.

It only validates input. What happens to a valid signature is decided in campaigns.signatures.
"""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

from campaigns.signatures import HONEYPOT_FIELD, NOT_QUESTIONS, REFERRER_FIELD, UTM_FIELDS, Signature

# The country a visitor reading a language without a region most likely lives in; "en-gb" gives GB.
LANGUAGE_COUNTRIES = {"en": "US", "de": "DE", "fr": "FR", "es": "ES"}


def likely_country(language_code):
    """The country to preselect for a language code: its region (en-gb → GB), else LANGUAGE_COUNTRIES."""
    language, _dash, region = (language_code or "").lower().partition("-")
    return region.upper() if region else LANGUAGE_COUNTRIES.get(language, "")


def question_name(clean_name):
    """The form field (and form_data key) of an extra question. An editor's question called "Email" must
    not replace the real email field, so names the form already uses get a prefix."""
    return f"question_{clean_name}" if clean_name in NOT_QUESTIONS else clean_name


class SignatureForm(BaseForm):
    """The base of every page's signing form; PetitionFormBuilder adds the fields."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "country" in self.fields:
            self.fields["country"].initial = likely_country(get_language())

    def visible_questions(self):
        """The fields a person fills in, in order: everything but the hidden fields and the honeypot."""
        return [field for field in self.visible_fields() if field.name != HONEYPOT_FIELD]

    def honeypot(self):
        return self[HONEYPOT_FIELD]


def _text(label, max_length, autocomplete, required, widget=forms.TextInput):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget(attrs={"autocomplete": autocomplete}),
    )


class PetitionFormBuilder(FormBuilder):
    """Wagtail's FormBuilder, extended with the standard signer fields a CampaignPage switches on or off.

    Order: the signer's details, the extra questions, the newsletter box, then hidden fields.
    """

    def __init__(self, page):
        super().__init__(page.get_form_fields())
        self.page = page

    # The page's <name>_field settings hold FieldChoice values ("required", "optional", "hidden").

    def shown(self, name):
        return getattr(self.page, f"{name}_field") != "hidden"

    def required(self, name):
        return getattr(self.page, f"{name}_field") == "required"

    def signer_fields(self):
        fields = {}
        if self.shown("first_name"):
            fields["first_name"] = _text(_("First name"), 100, "given-name", self.required("first_name"))
        if self.shown("last_name"):
            fields["last_name"] = _text(_("Last name"), 100, "family-name", self.required("last_name"))
        fields["email"] = forms.EmailField(
            label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
        )
        if self.shown("country"):
            fields["country"] = Signature._meta.get_field("country").formfield(
                label=_("Country"),
                required=self.required("country"),
                empty_label=_("Choose your country"),
            )
            fields["country"].widget.attrs["autocomplete"] = "country"
        if self.shown("postal_code"):
            fields["postal_code"] = _text(_("Postal code"), 20, "postal-code", self.required("postal_code"))
        if self.shown("comment"):
            fields["comment"] = forms.CharField(
                label=_("Comment"),
                max_length=2000,
                required=self.required("comment"),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        return fields

    def hidden_fields(self):
        fields = {
            name: forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
            for name in UTM_FIELDS
        }
        fields[REFERRER_FIELD] = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
        fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        return fields

    @property
    def formfields(self):
        fields = self.signer_fields()
        for clean_name, field in super().formfields.items():  # the editor's extra questions
            fields[question_name(clean_name)] = field
        if self.page.newsletter_opt_in:
            fields["newsletter_opt_in"] = forms.BooleanField(
                label=self.page.newsletter_opt_in_label
                or _("Yes, email me news about this and other campaigns."),
                required=False,
            )
        fields.update(self.hidden_fields())
        return fields

    def get_form_class(self):
        return type("PetitionForm", (SignatureForm,), self.formfields)
