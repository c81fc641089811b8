"""The SMTP backend (ops/mail.py) against a small SMTP server in the test: what goes on the envelope."""

import smtplib
import socketserver
import threading

import pytest
from django.core.mail import get_connection, send_mail


class FakeSMTPHandler(socketserver.StreamRequestHandler):
    """Just enough ESMTP to accept one session and record its commands."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        self.reply("220 fake.example ESMTP")
        while line := self.rfile.readline():
            verb, _space, rest = line.decode("utf-8").rstrip("\r\n").partition(" ")
            verb = verb.upper()  # smtplib writes "mail FROM:…"
            self.server.commands.append(f"{verb} {rest}")
            if verb == "EHLO":
                extensions = ["8BITMIME", *(["SMTPUTF8"] if self.server.smtputf8 else [])]
                for extension in ["fake.example", *extensions][:-1]:
                    self.reply(f"250-{extension}")
                self.reply(f"250 {extensions[-1]}")
            elif verb == "DATA":
                self.reply("354 go ahead")
                while self.rfile.readline() != b".\r\n":
                    pass
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


@pytest.fixture(params=[True, False], ids=["relay with SMTPUTF8", "relay without"])
def relay(request, settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeSMTPHandler)
    server.daemon_threads = True
    server.commands, server.smtputf8 = [], request.param
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "ops.mail.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.server_address
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield server
    server.shutdown()
    server.server_close()


def envelope(relay):
    return [command for command in relay.commands if command.startswith(("MAIL", "RCPT"))]


def test_a_mailbox_name_in_any_script_is_delivered_with_smtputf8(relay):
    def send():
        return send_mail(
            "Hi", "Body", "campaigns@example.org", ["josé@bücher.example"], connection=get_connection()
        )

    if not relay.smtputf8:  # refused by the sender rather than sent to a mangled address
        with pytest.raises(smtplib.SMTPNotSupportedError):
            send()
        assert not [command for command in relay.commands if command.startswith("RCPT")]
        return
    assert send() == 1
    assert envelope(relay) == [
        "MAIL FROM:<campaigns@example.org> SMTPUTF8",
        "RCPT TO:<josé@xn--bcher-kva.example>",
    ]


def test_an_ascii_mailbox_at_an_internationalised_domain_needs_nothing_special(relay):
    assert send_mail("Hi", "Body", "campaigns@example.org", ["ada@BÜCHER.example"]) == 1
    assert envelope(relay) == ["MAIL FROM:<campaigns@example.org>", "RCPT TO:<ada@xn--bcher-kva.example>"]
