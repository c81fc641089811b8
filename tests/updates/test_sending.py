"""Updates to signers, sent through a real SMTP server (aiosmtpd): who gets one, in which language, with a
one-click unsubscribe that works without login, and nobody twice."""

import re
import smtplib
from collections import Counter
from email.header import decode_header, make_header

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.utils import timezone

from campaigns import privacy
from campaigns.models.signature import Signature
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in, translate
from tests.services import SmtpServer
from updates.models import Delivery, Mailing, Update

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp(settings):
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "ops.mail.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.BASE_URL = "https://campaigns.example.org"
    yield server
    server.stop()


@pytest.fixture
def ring():
    index = build_index(build_site())
    page = build_campaign(index, confirmation_required=True)
    for language in ("de", "fr"):
        translate(index, language)
    return (
        page,
        translate(page, "de", title="Amazon Ring: keine Aufnahmen an die Polizei"),
        translate(page, "fr"),
    )


def wants_updates(page, email, **kwargs):
    now = timezone.now()
    kwargs.setdefault("confirmed_at", now)
    kwargs.setdefault("updates_consented_at", now)
    kwargs.setdefault("updates_consent_text", "Send me updates about this petition.")
    return build_signature(page, email=email, **kwargs)


def write_update(page):
    update = Update.objects.create(
        campaign=page,
        locale=page.locale,
        subject="We handed it over",
        body="<p>Amazon has your petition.</p>",
    )
    german = update.copy_for_translation(translate_locale("de"))
    german.subject, german.body = "Wir haben sie übergeben", "<p>Amazon hat Ihre Petition.</p>"
    german.save()
    return update


def translate_locale(code):
    from wagtail.models import Locale

    return Locale.objects.get(language_code=code)


def unsubscribe_link(message):
    """The List-Unsubscribe header, unfolded (a long header is folded over lines, as RFC 5322 allows)."""
    return "".join(message["List-Unsubscribe"].split())


def subject(message):
    return str(make_header(decode_header(message["Subject"])))


def send_url(update):
    return f"/admin/updates/{update.pk}/send/"


def editor(client):
    """`client` logged in as the Editor (one user, with an address for tests)."""
    user = get_user_model().objects.filter(username="editors").first()
    if user is None:
        log_in(client, "Editors")
        get_user_model().objects.filter(username="editors").update(email="editor@example.org")
    else:
        client.force_login(user)
    return client


def test_each_signer_who_wants_updates_gets_one_in_their_language(client, ring, smtp):
    english, german, french = ring
    wants_updates(english, "ada@example.org", locale="en-us")
    wants_updates(german, "karl@example.org")
    wants_updates(french, "emilie@example.org")  # no French update: the campaign's own language
    wants_updates(english, "late@example.org", counted=False, confirmed_at=None)  # never confirmed
    build_signature(english, email="quiet@example.org", confirmed_at=timezone.now())  # did not ask
    wants_updates(english, "gone@example.org", updates_unsubscribed_at=timezone.now())
    wants_updates(
        english, "", first_name="", last_name="", anonymised_at=timezone.now(), email_normalised=None
    )
    erased = wants_updates(english, "erased@example.org")
    privacy.forget_person(erased.email)
    update = write_update(english)
    editor(client)

    page = client.get(send_url(update)).content.decode()
    assert "3 signers asked for updates" in page
    response = client.post(send_url(update), {"send": "1", "confirm": "on"})

    assert response.status_code == 302
    by_address = {message["To"]: message for message in smtp.messages}
    assert set(by_address) == {"ada@example.org", "karl@example.org", "emilie@example.org"}
    assert subject(by_address["ada@example.org"]) == "We handed it over"
    assert subject(by_address["karl@example.org"]) == "Wir haben sie übergeben"
    assert subject(by_address["emilie@example.org"]) == "We handed it over"
    for address, message in by_address.items():
        unsubscribe = unsubscribe_link(message)
        assert (
            unsubscribe.startswith("<https://campaigns.example.org/")
            and "/updates/unsubscribe/" in unsubscribe
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = unsubscribe.rsplit("/unsubscribe/", 1)[1].strip("/>")
        # The token names the delivery's random key (signed), not a row id.
        assert Delivery.objects.get(key=token.split(":")[0]).signature.email == address
    assert "/de/updates/unsubscribe/" in unsubscribe_link(by_address["karl@example.org"])
    german_text = by_address["karl@example.org"].get_payload()[0].get_payload(decode=True).decode()
    assert (
        "Amazon hat Ihre Petition." in german_text
        and "Amazon Ring: keine Aufnahmen an die Polizei" in german_text
    )

    page = client.get(send_url(update)).content.decode()
    assert 'data-count="sent">3<' in page and 'data-count="failed">0<' in page

    # Sending again reaches nobody twice.
    client.post(send_url(update), {"send": "1", "confirm": "on"})
    assert len(smtp.messages) == 3
    assert Counter(message["To"] for message in smtp.messages).most_common(1)[0][1] == 1


def test_the_send_page_names_the_update_its_campaign_and_the_languages(client, ring):
    """Updates of two campaigns may share a subject: the page says whose signers get this one, and in
    which languages, by name."""
    english, german, french = ring
    wants_updates(german, "karl@example.org")
    wants_updates(french, "emilie@example.org")
    update = write_update(english)

    page = BeautifulSoup(editor(client).get(send_url(update)).content, "html.parser")

    title = " ".join(page.title.get_text().split())
    assert "Send “We handed it over”" in title
    assert "to the signers of “Tell Amazon Ring: stop sharing footage with police”" in title
    header = " ".join(page.find("header").get_text().split())
    assert "Send “We handed it over”" in header
    rows = {
        row["data-language"]: [cell.get_text() for cell in row.find_all("td")]
        for row in page.select("tr[data-language]")
    }
    # French signers get the English update: there is no French one.
    assert rows == {"de": ["Deutsch", "1", "Deutsch"], "fr": ["Français", "1", "English (US)"]}


def test_one_click_unsubscribe_works_without_login_and_is_counted(client, ring, smtp):
    english, _german, _french = ring
    ada = wants_updates(english, "ada@example.org")
    update = write_update(english)
    editor(client.__class__()).post(send_url(update), {"send": "1", "confirm": "on"})
    [message] = smtp.messages
    link = unsubscribe_link(message).strip("<>").removeprefix("https://campaigns.example.org")

    opened = client.get(link)  # a mail scanner opens it: nothing changes
    assert opened.status_code == 200 and "Unsubscribe" in opened.content.decode()
    assert Signature.objects.get(pk=ada.pk).updates_unsubscribed_at is None

    clicked = client.post(
        link, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert clicked.status_code == 200 and "You are unsubscribed" in clicked.content.decode()
    assert Signature.objects.get(pk=ada.pk).updates_unsubscribed_at is not None
    assert Delivery.objects.get().unsubscribed_at is not None
    page = editor(client.__class__()).get(send_url(update)).content.decode()
    assert 'data-count="unsubscribed">1<' in page

    second = Update.objects.create(
        campaign=english, locale=english.locale, subject="Amazon answered", body="<p>…</p>"
    )
    editor(client.__class__()).post(send_url(second), {"send": "1", "confirm": "on"})
    assert len(smtp.messages) == 1  # unsubscribed: no more updates


def test_a_broken_unsubscribe_link_says_so(client):
    response = client.get("/de/updates/unsubscribe/not-a-token/")

    assert response.status_code == 404
    assert "Dieser Link funktioniert nicht" in response.content.decode()


def test_a_test_goes_to_the_typed_addresses_only_marked_as_a_test_and_unsubscribes_nobody(client, ring, smtp):
    english, _german, _french = ring
    wants_updates(english, "ada@example.org")
    update = write_update(english)
    editor(client)

    response = client.post(send_url(update), {"test": "1", "addresses": "editor@example.org"})

    assert response.status_code == 302
    [message] = smtp.messages
    assert message["To"] == "editor@example.org" and subject(message) == "[Test] We handed it over"
    assert not Mailing.objects.exists()
    link = unsubscribe_link(message).strip("<>").removeprefix("https://campaigns.example.org")
    assert "test email" in client.post(link).content.decode()


def test_sending_needs_ticking_the_box(client, ring, smtp):
    english, _german, _french = ring
    wants_updates(english, "ada@example.org")
    update = write_update(english)

    response = editor(client).post(send_url(update), {"send": "1"})

    assert response.status_code == 400 and "Tick the box" in response.content.decode()
    assert smtp.messages == []


@pytest.mark.parametrize("role", ["Translators", "Signature managers"])
def test_only_editors_send(client, ring, smtp, role):
    english, _german, _french = ring
    wants_updates(english, "ada@example.org")
    update = write_update(english)
    log_in(client, role)

    response = client.post(send_url(update), {"send": "1", "confirm": "on"})

    assert response.status_code in (302, 403) and smtp.messages == []
    assert not Mailing.objects.exists()


def test_when_retention_has_ended_nobody_gets_it(client, ring, smtp):
    english, _german, _french = ring
    wants_updates(english, "ada@example.org")
    english.closed, english.retention_days = True, 0
    english.save_revision().publish()
    update = write_update(english)

    editor(client).post(send_url(update), {"send": "1", "confirm": "on"})

    assert smtp.messages == []


def test_a_signer_erased_after_the_mailing_started_gets_nothing(
    client, ring, smtp, settings, django_capture_on_commit_callbacks
):
    from updates import sending

    english, _german, _french = ring
    ada = wants_updates(english, "ada@example.org")
    wants_updates(english, "grace@example.org")
    update = write_update(english)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # the worker waits
    sending.start_mailing(update, user=None)

    with django_capture_on_commit_callbacks(execute=True):
        privacy.forget_person(ada.email)
    sending.send_batch.call(Mailing.objects.get().pk)

    assert [message["To"] for message in smtp.messages] == ["grace@example.org"]
    assert sorted(Delivery.objects.values_list("status", flat=True)) == ["sent", "skipped"]


def test_a_server_that_says_try_later_gets_the_mail_later_once(client, ring, smtp):
    from updates import sending

    english, _german, _french = ring
    wants_updates(english, "ada@example.org")
    update = write_update(english)
    smtp.handler.mood = "refuse"  # 451: not taken

    editor(client).post(send_url(update), {"send": "1", "confirm": "on"})

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.error, smtp.messages) == ("pending", "try again later", [])
    smtp.handler.mood = "accept"
    sending.send_batch.call(delivery.mailing_id)  # the retry (ops/tasks.py puts the task back in the queue)
    sending.send_batch.call(delivery.mailing_id)
    assert [message["To"] for message in smtp.messages] == ["ada@example.org"]
    assert Delivery.objects.get().status == "sent"


def test_every_link_in_an_update_mail_leads_to_the_site(client, ring, smtp):
    """A mail has no address of its own: an internal page link or a relative one must name the site."""
    english, _german, _french = ring
    wants_updates(english, "ada@example.org")
    update = Update.objects.create(
        campaign=english,
        locale=english.locale,
        subject="Read the letter",
        body=(
            f'<p>Read <a linktype="page" id="{english.pk}">the petition</a>, '
            '<a href="/en-us/about/">who we are</a> and <a href="letter/">the letter</a>.</p>'
        ),
    )
    editor(client).post(send_url(update), {"send": "1", "confirm": "on"})

    [message] = smtp.messages
    text, html = (part.get_payload(decode=True).decode() for part in message.get_payload())
    hrefs = re.findall(r'href="([^"]*)"', html)
    written = re.findall(r"\((https?://[^)\s]*)\)", text)
    assert hrefs == [
        f"https://campaigns.example.org{english.url}",
        "https://campaigns.example.org/en-us/about/",
        "https://campaigns.example.org/letter/",
        unsubscribe_link(message).strip("<>"),
    ]
    assert written == hrefs[:3]
    assert "the petition (https://campaigns.example.org/" in text


def test_a_mail_cut_off_by_the_relay_is_sent_again_with_the_same_message_id(client, ring, smtp):
    """The relay read the whole mail, then the connection dropped before it said it took it: the sender
    cannot know whether it arrived, so it sends it again, and the copy names itself as the same mail."""
    from updates import sending

    english, _german, _french = ring
    wants_updates(english, "ada@example.org")
    wants_updates(english, "grace@example.org")
    update = write_update(english)
    smtp.handler.mood = "drop"

    editor(client).post(send_url(update), {"send": "1", "confirm": "on"})

    [cut_off] = smtp.handler.cut_off
    assert smtp.messages == []
    page = client.get(send_url(update)).content.decode()
    assert 'data-count="pending">2<' in page and 'data-count="failed">0<' in page
    smtp.handler.mood = "accept"
    sending.send_batch.call(
        Mailing.objects.get().pk
    )  # the retry (ops/tasks.py puts the task back in the queue)

    received = Counter(message["To"] for message in smtp.messages)
    assert received == {"ada@example.org": 1, "grace@example.org": 1}
    [again] = [message for message in smtp.messages if message["To"] == cut_off["To"]]
    assert again["Message-ID"] == cut_off["Message-ID"]
    assert len({message["Message-ID"] for message in smtp.messages}) == 2  # each mail its own
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_a_mail_the_relay_keeps_cutting_off_is_failed_in_the_end(client, ring, smtp):
    from updates import sending

    english, _german, _french = ring
    wants_updates(english, "ada@example.org")
    update = write_update(english)
    smtp.handler.mood = "drop"

    editor(client).post(send_url(update), {"send": "1", "confirm": "on"})
    for _retry in range(sending.LOST_AT_MOST - 1):
        with pytest.raises(smtplib.SMTPServerDisconnected):  # so that ops/tasks.py retries it later
            sending.send_batch.call(Mailing.objects.get().pk)
    sending.send_batch.call(Mailing.objects.get().pk)  # nothing left to send

    assert len(smtp.handler.cut_off) == sending.LOST_AT_MOST and smtp.messages == []
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", sending.LOST_AT_MOST)
    assert 'data-count="failed">1<' in client.get(send_url(update)).content.decode()
