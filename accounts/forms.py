from django import forms
from django.utils.translation import gettext_lazy as _


class CodeForm(forms.Form):
    """A code from an authenticator app (6 digits) or a backup code (8 letters and digits)."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        help_text=_("The 6-digit code your authenticator app shows now, or one of your backup codes."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()
