"""A test of an update goes to the addresses the editor types (one or several), marked as a test, greeting
the editor; anything that is not an address is refused with a message in the editor's language, and nothing
is sent. Through a real SMTP server (aiosmtpd)."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.users.models import UserProfile

from tests.branding.test_branded_mails import read
from tests.updates.test_sending import (
    editor,
    send_url,
    subject,
    wants_updates,
    write_update,
)
from updates.models import Mailing

pytestmark = pytest.mark.django_db


@pytest.fixture
def update(ring):
    english, _german, _french = ring
    wants_updates(english, "ada@example.org")
    return write_update(english)


def editor_speaking(client, language):
    editor(client)
    user = get_user_model().objects.get(username="editors")
    user.first_name = "Eda"
    user.save()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()
    return client


def test_a_test_goes_to_every_typed_address_marked_as_a_test(client, update, smtp):
    editor_speaking(client, "en")
    page = client.get(send_url(update)).content.decode()
    assert "editor@example.org</textarea>" in page  # the editor's own address to start with

    response = client.post(
        send_url(update),
        {"test": "1", "addresses": "colleague@example.org,\nboss@example.org  lawyer@example.org"},
        follow=True,
    )

    assert "A test was sent to colleague@example.org, boss@example.org, lawyer@example.org." in (
        response.content.decode()
    )
    assert sorted(message["To"] for message in smtp.messages) == [
        "boss@example.org",
        "colleague@example.org",
        "lawyer@example.org",
    ]
    message = smtp.messages[0]
    text, html, _images = read(message)
    assert subject(message) == "[Test] We handed it over"
    assert text.startswith("*** This is a test. Signers have not received it. ***\n\nHello Eda,")
    assert "This is a test. Signers have not received it." in html
    assert not Mailing.objects.exists()  # no signer got anything


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        (
            "en",
            "colleague@example.org, not-an-address, x@",
            "These are not email addresses: not-an-address, x@",
        ),
        (
            "en",
            "colleague@example.org; boss(at)example.org",
            "This is not an email address: boss(at)example.org",
        ),
        ("en", "   ", "Type at least one email address."),
        (
            "en",
            ", ".join(f"p{n}@example.org" for n in range(11)),
            "A test goes to at most 10 addresses; you typed 11.",
        ),
        ("de", "nobody", "Das ist keine E-Mail-Adresse: nobody"),
        ("fr", "a@, b@", "Ce ne sont pas des adresses e-mail : a@, b@"),
        ("es", "", "Escriba al menos una dirección de correo electrónico."),
    ],
)
def test_anything_but_addresses_is_refused_with_a_message_and_nothing_sent(
    client, update, smtp, language, typed, message
):
    editor_speaking(client, language)

    response = client.post(send_url(update), {"test": "1", "addresses": typed})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert smtp.messages == []


def test_a_mail_server_that_is_down_gets_a_message_not_an_error_page(client, update, smtp):
    editor_speaking(client, "de")
    smtp.stop()

    response = client.post(send_url(update), {"test": "1", "addresses": "colleague@example.org"}, follow=True)

    assert response.status_code == 200
    assert "Der Mailserver hat den Test nicht angenommen" in response.content.decode()
