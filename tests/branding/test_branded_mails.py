"""Every mail to signers looks like the organisation: the name and logo set in Settings → Organisation at the
top, the signer greeted by first name in their language, the contact line at the bottom, as HTML with a
plain-text part. Sent through a real SMTP server (aiosmtpd) and read as a mail program would."""

import io
from email.header import decode_header, make_header

import pytest
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as Picture
from wagtail.images import get_image_model
from wagtail.models import Site

from branding.models import Organisation
from campaigns import emails
from tests.builders import build_campaign, build_index, build_signature, build_site, translate
from updates import sending
from updates.models import Update

pytestmark = pytest.mark.django_db

LANGUAGES = ["en-us", "en-gb", "de", "fr", "es"]
GREETING = {
    "en-us": ("Hello Ada,", "Hello,"),
    "en-gb": ("Hello Ada,", "Hello,"),
    "de": ("Hallo Ada,", "Hallo,"),
    "fr": ("Bonjour Ada,", "Bonjour,"),
    "es": ("Hola, Ada:", "Hola:"),
}
CONFIRM_SUBJECT_START = {
    "en-us": "Please confirm your signature",
    "en-gb": "Please confirm your signature",
    "de": "Bitte bestätigen Sie Ihre Unterschrift",
    "fr": "Veuillez confirmer votre signature",
    "es": "Confirme su firma",
}
NAME = "Stand Up For Privacy"
CONTACT = "10 Example Street, Springfield · hello@example.org"


@pytest.fixture
def campaigns():
    index = build_index(build_site())
    page = build_campaign(index, confirmation_required=True)
    pages = {"en-us": page}
    for language in LANGUAGES[1:]:
        translate(index, language)
        pages[language] = translate(page, language)
    return pages


def set_organisation(logo=True):
    organisation = Organisation.for_site(Site.objects.get(is_default_site=True))
    organisation.name, organisation.contact = NAME, CONTACT
    if logo:
        buffer = io.BytesIO()
        Picture.new("RGB", (600, 200), (10, 78, 88)).save(buffer, format="PNG")
        organisation.logo = get_image_model().objects.create(
            title="Logo", file=ImageFile(io.BytesIO(buffer.getvalue()), name="logo.png")
        )
    organisation.save()
    return organisation


def read(message):
    """(text part, HTML part, {Content-ID: image bytes}) of a mail, as a mail program decodes it."""
    text = html = None
    images = {}
    for part in message.walk():
        kind = part.get_content_type()
        if kind == "text/plain":
            text = part.get_payload(decode=True).decode(part.get_content_charset()).replace("\r\n", "\n")
        elif kind == "text/html":
            html = part.get_payload(decode=True).decode(part.get_content_charset())
        elif kind.startswith("image/"):
            images[part["Content-ID"]] = part.get_payload(decode=True)
    return text, html, images


def subject(message):
    return str(make_header(decode_header(message["Subject"])))


def assert_branded(message, greeting):
    text, html, images = read(message)
    assert message.get_content_type() == "multipart/related"  # the logo travels with the HTML
    assert text.startswith(greeting) and text.rstrip().endswith(f"{NAME}\n{CONTACT}")
    assert f"<p>{greeting}</p>" in html
    assert f'<img src="cid:logo" alt="{NAME}" width="240" height="80"' in html
    assert CONTACT in html
    assert images["<logo>"].startswith(b"\x89PNG")  # the picture itself, not a link to fetch
    assert "https://" not in html.split("<body", 1)[1].split("</header>", 1)[0]  # nothing fetched on opening


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_confirmation_mail_is_branded_and_greets_the_signer_in_their_language(campaigns, smtp, language):
    set_organisation()
    signature = build_signature(campaigns[language], email="ada@example.org", first_name="Ada", counted=False)

    emails.send_confirmation.enqueue(signature.pk)

    [message] = smtp.messages
    assert subject(message).startswith(CONFIRM_SUBJECT_START[language])
    assert_branded(message, GREETING[language][0])
    text, html, _images = read(message)
    assert "/sign/confirm/" in text and 'href="https://campaigns.example.org/' in html  # the link, clickable


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_update_is_branded_and_greets_each_signer_in_their_language(campaigns, smtp, language):
    set_organisation()
    page = campaigns[language]
    now = timezone.now()
    for email, first_name in (("ada@example.org", "Ada"), ("anon@example.org", "")):
        build_signature(
            page,
            email=email,
            first_name=first_name,
            confirmed_at=now,
            updates_consented_at=now,
            updates_consent_text="Send me updates.",
        )
    update = Update.objects.create(
        campaign=page, locale=page.locale, subject="News", body="<p>Amazon has your petition.</p>"
    )

    sending.start_mailing(update, None)
    sending.send_batch.call(sending.Mailing.objects.get().pk)

    by_address = {message["To"]: message for message in smtp.messages}
    named, nameless = GREETING[language]
    assert_branded(by_address["ada@example.org"], named)
    assert_branded(by_address["anon@example.org"], nameless)  # no first name: a greeting all the same
    text, html, _images = read(by_address["ada@example.org"])
    assert "Amazon has your petition." in text and "Amazon has your petition." in html
    assert "Unsubscribe" in text or "/updates/unsubscribe/" in text


def test_the_already_signed_and_reminder_mails_are_branded_too(campaigns, smtp):
    set_organisation()
    german = campaigns["de"]
    signed = build_signature(german, email="karl@example.org", first_name="Karl")
    waiting = build_signature(german, email="eva@example.org", first_name="Eva", counted=False)

    emails.send_repeat_notice.enqueue(signed.pk, german.pk)
    emails.send_reminder.enqueue(waiting.pk)

    by_address = {message["To"]: message for message in smtp.messages}
    assert_branded(by_address["karl@example.org"], "Hallo Karl,")
    assert_branded(by_address["eva@example.org"], "Hallo Eva,")


def test_without_a_logo_the_mail_names_the_organisation_in_words(campaigns, smtp):
    set_organisation(logo=False)
    signature = build_signature(campaigns["fr"], email="emilie@example.org", first_name=" ", counted=False)

    emails.send_confirmation.enqueue(signature.pk)

    [message] = smtp.messages
    text, html, images = read(message)
    assert images == {} and "<img" not in html and message.get_content_type() == "multipart/alternative"
    assert f">{NAME}</p>" in html.split("</header>")[0]
    assert text.startswith("Bonjour,")  # a first name of blanks is no name


def test_with_nothing_set_the_mails_use_the_sites_name(campaigns, smtp, settings):
    settings.WAGTAIL_SITE_NAME = "Site name from the environment"
    signature = build_signature(campaigns["en-us"], email="ada@example.org", counted=False)

    emails.send_confirmation.enqueue(signature.pk)

    [message] = smtp.messages
    text, html, _images = read(message)
    assert text.rstrip().endswith("Site name from the environment")
    assert "Site name from the environment" in html


def test_the_admins_preview_shows_the_logo_from_this_site_and_greets_the_editor(campaigns):
    """A browser cannot read a mail's inline parts: the preview shows the same picture from the site."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    set_organisation()
    page = campaigns["en-us"]
    update = Update.objects.create(
        campaign=page, locale=page.locale, subject="News", body="<p>It went well.</p>"
    )
    request = RequestFactory().get("/")
    request.user = get_user_model()(first_name="Eda")

    response = update.serve_preview(request, update.default_preview_mode)  # as the admin's preview does
    html = response.render().content.decode()

    assert '<img src="/media/images/logo' in html and 'alt="Stand Up For Privacy"' in html
    assert "<p>Hello Eda,</p>" in html and CONTACT in html and "cid:" not in html
