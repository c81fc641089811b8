"""The signing form, built for each campaign page from its settings and its editor-defined extra questions.

It only validates input. What happens to a valid signature is decided in campaigns.signing.
"""

from django import forms
from django.forms.utils import flatatt
from django.utils.functional import lazy
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from wagtail.contrib.forms.forms import BaseForm, FormBuilder

from campaigns.formfields import MultiLineTextField, SignerEmailField, SingleLineTextField
from campaigns.signer_fields import (
    FORM_SHOWN_FIELD,
    HONEYPOT_FIELD,
    NOT_QUESTIONS,
    REFERRER_FIELD,
    UTM_FIELDS,
)

# The longest answer an extra question takes: one line, a text (as long as a comment may be), a number.
ANSWER_MAX_LENGTH = 255
TEXT_MAX_LENGTH = 2000
NUMBER_MAX_DIGITS = 30

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


class CountrySelect(forms.Select):
    """The country list, its ~250 options rendered once per language and selection, not on every view.

    Django renders each option of a <select> through a template: for the country list that was a third of a
    campaign page's render time. The options depend only on the language (names and their order) and on which
    one is selected, so their HTML is kept per (language, selected); the <select> tag itself, with the
    attributes a bound field adds (id, required, aria-*), is still made for each render.
    """

    _options = {}

    def __init__(self, empty_label, attrs=None):
        super().__init__(attrs)
        self.empty_label = empty_label

    def render(self, name, value, attrs=None, renderer=None):
        selected = self.format_value(value)
        selected = selected[0] if selected else ""
        language = get_language()
        key = (language, str(self.empty_label), selected)
        if key not in self._options:
            # django_countries.countries lists the names in the active language, sorted for it.
            choices = [("", self.empty_label), *((country.code, country.name) for country in countries)]
            self._options[key] = "".join(
                f'<option value="{escape(code)}"{" selected" if code == selected else ""}>{escape(label)}</option>'
                for code, label in choices
            )
        attrs = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{self._options[key]}</select>')


class CountryField(forms.CharField):
    """A country code among django_countries' list, chosen in a CountrySelect.

    A plain field rather than a ChoiceField: Django copies a ChoiceField's ~250 choices into every form it
    makes, and the widget already knows the list, so the field only needs to check the code.
    """

    widget = CountrySelect

    def to_python(self, value):
        return super().to_python(value).upper()

    def validate(self, value):
        super().validate(value)
        if value and value not in countries:
            raise forms.ValidationError(
                forms.ChoiceField.default_error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )


class SignatureForm(BaseForm):
    """The base of every page's signing form; PetitionFormBuilder adds the fields."""

    def visible_questions(self):
        """The fields a person fills in, in order: everything but the hidden fields and the honeypot."""
        return [field for field in self.visible_fields() if field.name != HONEYPOT_FIELD]

    def honeypot(self):
        return self[HONEYPOT_FIELD]


def _text(label, max_length, autocomplete, required, widget=forms.TextInput):
    return SingleLineTextField(
        label=label,
        max_length=max_length,
        required=required,
        widget=widget(attrs={"autocomplete": autocomplete}),
    )


def _standard_handover_label(target):
    return gettext("Hand my name and country to %(target)s with the petition.") % {"target": target}


# In the language of the page being shown, when the label is shown (the form class is built once per page).
_handover_label = lazy(_standard_handover_label, str)


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
        fields["email"] = SignerEmailField(
            label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
        )
        if self.shown("country"):
            fields["country"] = CountryField(
                label=_("Country"),
                required=self.required("country"),
                # The form class is built per page, and a page is in one language.
                initial=likely_country(self.page.locale.language_code),
                widget=CountrySelect(empty_label=_("Choose your country"), attrs={"autocomplete": "country"}),
            )
        if self.shown("postal_code"):
            fields["postal_code"] = _text(_("Postal code"), 20, "postal-code", self.required("postal_code"))
        if self.shown("comment"):
            fields["comment"] = MultiLineTextField(
                label=_("Comment"),
                max_length=TEXT_MAX_LENGTH,
                required=self.required("comment"),
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        return fields

    def hidden_fields(self):
        fields = {
            name: SingleLineTextField(required=False, max_length=200, widget=forms.HiddenInput)
            for name in UTM_FIELDS
        }
        fields[REFERRER_FIELD] = SingleLineTextField(
            required=False, max_length=2000, widget=forms.HiddenInput
        )
        # Any text: a token that does not verify is judged as none (campaigns.form_shown), never a mistake
        # to show the signer.
        fields[FORM_SHOWN_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        return fields

    # The editor's extra questions take text through the same cleaning as the signer's own fields, and as
    # little of it: a line as long as a name may be, a text as long as a comment.

    def create_singleline_field(self, field, options):
        options["max_length"] = ANSWER_MAX_LENGTH
        return SingleLineTextField(**options)

    def create_multiline_field(self, field, options):
        options.setdefault("widget", forms.Textarea)
        options["max_length"] = TEXT_MAX_LENGTH
        return MultiLineTextField(**options)

    def create_email_field(self, field, options):
        return SignerEmailField(**options)

    def create_number_field(self, field, options):
        options["max_digits"] = NUMBER_MAX_DIGITS
        return super().create_number_field(field, options)

    def create_url_field(self, field, options):
        options["max_length"] = TEXT_MAX_LENGTH
        return super().create_url_field(field, options)

    def create_hidden_field(self, field, options):
        options.setdefault("widget", forms.HiddenInput)
        options["max_length"] = ANSWER_MAX_LENGTH
        return SingleLineTextField(**options)

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
        fields.update(self.consent_boxes())
        fields.update(self.hidden_fields())
        return fields

    def consent_boxes(self):
        """The unticked boxes the page switches on beside the newsletter's (campaigns.signing stores what
        each said when ticked)."""
        page = self.page
        fields = {}
        if page.offers_updates:
            fields["updates_opt_in"] = forms.BooleanField(
                label=page.updates_opt_in_label
                or _("Yes, email me updates about this petition, such as its delivery and the answer."),
                required=False,
            )
        if page.name_handover:
            fields["name_handover"] = forms.BooleanField(
                label=page.name_handover_label or _handover_label(page.target), required=False
            )
        return fields

    def get_form_class(self):
        form_class = type("PetitionForm", (SignatureForm,), self.formfields)
        form_class.base_fields = _SharedFields(form_class.base_fields)
        return form_class


class _SharedFields(dict):
    """A form class's fields, shared by all its forms rather than copied for each.

    Django deep-copies every field and its widget for each form it makes, so that one form may change its
    fields without touching another's: a twentieth of a signature's CPU for the signing form's 13 fields. The
    signing form never changes a field once its class is built (everything a field depends on, even the
    preselected country, is the page's, and the class is built per page), so each form gets its own dict
    of the same field objects, which it only reads, from whichever thread.
    """

    def __deepcopy__(self, memo):
        return dict(self)
