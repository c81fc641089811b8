"""The SMTP backend: Django's, able to deliver to mailbox names in any script (`josé@bücher.example`).

Django's SMTP backend passes every envelope address through `sanitize_address`, which writes an
internationalised domain in its ASCII form (`xn--bcher-kva.example`, deliverable) but a non-ASCII mailbox
name as an RFC 2047 encoded word (`=?utf-8?b?am9zw6k=?=@…`), an address that does not exist. Mail
systems deliver such names with the SMTPUTF8 extension (RFC 6531), which carries them as UTF-8. This
backend does that for a message that has such a recipient and leaves every other message to Django.

Every mail the site sends names itself with `message_id`: the same Message-ID each time the same mail is
written, so that a mail sent again after its first sending was cut off (see campaigns/emails.py and
updates/sending.py) can be recognised as a copy by the relay or the mailbox.

The relay must offer SMTPUTF8 (Postfix 3 and the large mail providers do); if it does not, sending such a
message fails with smtplib.SMTPNotSupportedError rather than going to a wrong address. The headers are
still written by Django, so the To: line shows the encoded word; the envelope is what delivers.
"""

import smtplib
from email.utils import parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.message import sanitize_address
from django.utils.crypto import salted_hmac
from django.utils.encoding import punycode


def message_id(kind, key):
    """The Message-ID of the mail `kind` ("update", a task's name…) identified by `key` (a delivery's key, a
    queued task's id): the same every time that mail is written, whichever worker writes it, and different
    for every other mail. A mail is sent at least once: when the connection is lost before the server said
    it took the mail, it is sent again, and a receiver that keeps Message-IDs drops the copy. Keyed with
    SECRET_KEY, so it names no row, key or address."""
    # The salt keeps the module's first name (campaigns.mail): a new one would give a resent mail a new Message-ID.
    digest = salted_hmac(f"campaigns.mail.message_id.{kind}", str(key), algorithm="sha256").hexdigest()
    return f"<{digest[:40]}@{urlsplit(settings.BASE_URL).hostname or 'localhost'}>"


def envelope_address(address):
    """`address` as an SMTPUTF8 envelope carries it: the mailbox name as written, the domain in ASCII."""
    local_part, _at, domain = parseaddr(address)[1].rpartition("@")
    return f"{local_part}@{punycode(domain)}"


def needs_smtputf8(address):
    return not parseaddr(address)[1].rpartition("@")[0].isascii()


class EmailBackend(smtp.EmailBackend):
    def _send(self, email_message):
        recipients = email_message.recipients()
        if not any(needs_smtputf8(address) for address in recipients):
            return super()._send(email_message)
        encoding = email_message.encoding or settings.DEFAULT_CHARSET
        sender = sanitize_address(email_message.from_email, encoding)
        message = email_message.message().as_bytes(linesep="\r\n")
        try:
            self.connection.sendmail(
                sender,
                [envelope_address(address) for address in recipients],
                message,
                mail_options=["SMTPUTF8"],
            )
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
