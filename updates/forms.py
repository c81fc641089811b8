"""The forms of an update's Send page (updates/admin.py): a test to typed addresses, sending to the signers
now or at a chosen time."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

MAX_TEST_ADDRESSES = 10


class TestSendForm(forms.Form):
    addresses = forms.CharField(
        label=_("Send a test to"),
        help_text=_("One or more email addresses, separated by commas or on separate lines (at most 10)."),
        widget=forms.Textarea(attrs={"rows": 2, "autocomplete": "email"}),
        max_length=2000,
        error_messages={"required": _("Type at least one email address.")},
    )

    def clean_addresses(self):
        addresses = list(
            dict.fromkeys(part for part in re.split(r"[\s,;]+", self.cleaned_data["addresses"]) if part)
        )
        if not addresses:
            raise ValidationError(_("Type at least one email address."), code="required")
        if len(addresses) > MAX_TEST_ADDRESSES:
            raise ValidationError(
                _("A test goes to at most %(limit)s addresses; you typed %(count)s."),
                code="too_many",
                params={"limit": MAX_TEST_ADDRESSES, "count": len(addresses)},
            )
        bad = [address for address in addresses if not _valid(address)]
        if bad:
            raise ValidationError(
                ngettext(
                    "This is not an email address: %(addresses)s",
                    "These are not email addresses: %(addresses)s",
                    len(bad),
                ),
                code="invalid",
                params={"addresses": ", ".join(bad)},
            )
        return addresses


def _valid(address):
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


class SendForm(forms.Form):
    """Send to the signers now (the Send button) or at `send_at` (the Schedule button): both need the box."""

    confirm = forms.BooleanField(
        label=_("Yes, send it to every signer listed above"),
        error_messages={"required": _("Tick the box to say you mean to send it to the signers.")},
    )
    send_at = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )

    def __init__(self, *args, scheduling=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.scheduling = scheduling
        zone = timezone.get_current_timezone_name()
        self.fields["send_at"].help_text = _(
            "Date and time in %(zone)s. The update goes within a minute of that time, to everyone who wants it "
            "then (also those who sign meanwhile). You can change or cancel it until then."
        ) % {"zone": zone}

    def clean(self):
        cleaned = super().clean()
        if self.scheduling:
            send_at = cleaned.get("send_at")
            if send_at is None and "send_at" not in self.errors:
                self.add_error("send_at", _("Choose the date and time to send it."))
            elif send_at is not None and send_at <= timezone.now():
                self.add_error("send_at", _("Choose a time in the future."))
        return cleaned
