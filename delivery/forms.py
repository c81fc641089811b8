"""The two things a signature manager asks of the Deliver page: a document, and "it was delivered"."""

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delivery.documents import ALL_LANGUAGES


class DocumentForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Letter in"),
        help_text=_(
            "The letter in the campaign's language, or in every language it is published in. The counts and "
            "the list of names are written in the first language."
        ),
    )

    def __init__(self, *args, variants, **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        codes = [page.locale.language_code for page in variants]
        self.fields["language"].choices = [(code, names.get(code, code)) for code in codes] + [
            (ALL_LANGUAGES, _("All its languages"))
        ]
        self.fields["language"].initial = codes[0] if codes else ALL_LANGUAGES


class DeliveredForm(forms.Form):
    delivered_on = forms.DateField(
        label=_("Delivered on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day you handed the petition over."),
    )
    delivered_to = forms.CharField(
        label=_("Delivered to"),
        max_length=160,
        help_text=_("Who received it, for example 'Amazon'. Every language of the page names them."),
    )

    def clean_delivered_on(self):
        day = self.cleaned_data["delivered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(
                _("A petition cannot be delivered in the future: give the day it was.")
            )
        return day
