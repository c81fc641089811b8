"""Form fields for what signers type: text made safe to store, and addresses the mail system can deliver.

The signing form (campaigns/forms.py) builds every text field a signer fills in from these, its extra
questions included; "forget a person" reads addresses with `SignerEmailField` so that it finds them.

Text is kept exactly as written in every script (Arabic, Hebrew, Devanagari, Chinese, emoji and combining
accents alike), in Unicode's composed form (NFC), so "Zoë" typed with a combining diaeresis and "Zoë" typed
as one character are stored, searched and exported the same. Removed are the characters that are not
writing but instructions: control characters (a terminal escape, a NUL, a line break in a name that would
add a line to a mail or a CSV row) and the bidirectional overrides and isolates, which make a name display
in an order other than the one it is stored in ("Trojan source"). Right-to-left and left-to-right marks,
zero-width joiners and non-joiners are writing, and stay.

A post whose bytes are not valid UTF-8 reaches the form with U+FFFD in place of each broken sequence (Django
decodes leniently); such text is refused with a message, rather than stored half-unreadable.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.encoding import punycode
from django.utils.translation import gettext_lazy as _

# Bidirectional embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
BIDI_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Characters that break a line. In a single-line field each becomes a space; in a multi-line one, "\n".
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
REPLACEMENT_CHARACTER = "\ufffd"


def clean_text(value, multiline=False):
    """`value` in NFC, without control characters or bidirectional overrides; see the module's docstring.

    A tab becomes a space. Line breaks become spaces in a single-line text; in a multi-line one, every kind
    of line break (CR LF, CR, U+2028…) becomes one "\\n".
    """
    if value.isascii() and value.isprintable():
        return value  # most names, addresses and postal codes: nothing to compose, replace or remove
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n"))
    kept = []
    for char in value:
        if char in LINE_BREAKS:
            kept.append("\n" if multiline else " ")
        elif char == "\t":
            kept.append(" ")
        elif char in BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            continue
        else:
            kept.append(char)
    return "".join(kept)


def refuse_unreadable(value):
    if REPLACEMENT_CHARACTER in value:
        raise ValidationError(
            _("Some of these characters could not be read. Please type them again."), code="unreadable"
        )


class SingleLineTextField(forms.CharField):
    """One line of text: a name, a postal code, an answer, a utm parameter."""

    multiline = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(refuse_unreadable)

    def to_python(self, value):
        if isinstance(value, str):
            value = clean_text(value, self.multiline)
        return super().to_python(value)


class MultiLineTextField(SingleLineTextField):
    """Text that may run over several lines: a comment, an answer in a text box."""

    multiline = True


def _valid_unicode_local_part(local_part):
    """An internationalised mailbox name (RFC 6531): dot-separated runs of letters, marks and digits of
    any script, and the ASCII characters a plain address may use."""
    ascii_atext = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")
    if len(local_part.encode()) > 64:
        return False
    for atom in local_part.split("."):
        if not atom:
            return False
        for char in atom:
            if char.isascii() and char not in ascii_atext:
                return False
            if not char.isascii() and unicodedata.category(char)[0] not in "LMN":
                return False
    return True


class SignerEmailValidator(EmailValidator):
    """Addresses a mail system can deliver to, which is more than Django's validator accepts.

    - The mailbox name may be in any script (`josé@`, `用户@`), as SMTPUTF8 mail systems deliver
      (ops/mail.py sends such mail); ASCII names follow Django's rules.
    - The domain may be internationalised (`bücher.example`); it must convert to its ASCII form
      (`xn--bcher-kva.example`), which is what mail travels to.
    - No `localhost` and no IP address in brackets: the site's own mail server must not be sent
      to itself or to a machine on its network by whoever fills in the form.
    """

    domain_allowlist = []

    def __call__(self, value):
        if not value or "@" not in value or len(value) > 254:
            raise ValidationError(self.message, code=self.code, params={"value": value})
        local_part, domain = value.rsplit("@", 1)
        if local_part.isascii():
            super().__call__(value)
        elif not _valid_unicode_local_part(local_part):
            raise ValidationError(self.message, code=self.code, params={"value": value})
        if not self.domain_regex.match(domain):
            raise ValidationError(self.message, code=self.code, params={"value": value})
        try:
            ascii_domain = punycode(domain)
        except UnicodeError:
            raise ValidationError(self.message, code=self.code, params={"value": value}) from None
        if len(f"{local_part}@{ascii_domain}") > 254:
            raise ValidationError(self.message, code=self.code, params={"value": value})


class SignerEmailField(SingleLineTextField):
    """A signer's email address, cleaned like any text, then checked by SignerEmailValidator."""

    widget = forms.EmailInput
    default_validators = [SignerEmailValidator()]

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
