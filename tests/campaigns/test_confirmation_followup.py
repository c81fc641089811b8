"""Getting people to confirm: the thank-you state says what to do, "send it again" reaches only the address
signed in this browser, one reminder goes out, and signatures never confirmed are deleted and counted in the rate."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail, signing
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaigns import confirmation, privacy, reminders
from campaigns.models.signature import Signature
from campaigns.reports import campaign_summary
from tests.builders import build_signature
from tests.campaigns import test_confirmation
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db

RESEND = "/en-us/sign/confirm/again/"

# The campaign asks signers to confirm by email; signers post like a browser of this site.
campaign = test_confirmation.campaign
sign = test_confirmation.sign


def send_again(client, **headers):
    return client.post(RESEND, HTTP_ORIGIN=ORIGIN, **headers)


def allow_resend_now():
    """As if the last link had been mailed long enough ago for another."""
    Signature.objects.update(confirmation_sent_at=timezone.now() - confirmation.RESEND_INTERVAL * 2)


def test_the_thank_you_state_says_to_check_the_inbox_and_what_to_do_if_nothing_comes(
    client, campaign, sign_data
):
    response = sign(client, campaign, sign_data(), follow=True)
    page = BeautifulSoup(response.content, "html.parser")
    inbox = page.select_one(".petition-thanks__inbox").get_text(" ", strip=True)
    assert "Please check your inbox." in inbox
    assert "Look in your spam or junk folder" in inbox
    form = page.select_one("form[data-resend-form]")
    assert form["action"] == RESEND and form["method"] == "post"
    assert form.button.get_text(strip=True) == "Send the email again"


def test_send_it_again_mails_the_address_just_signed_and_says_so(client, campaign, sign_data):
    sign(client, campaign, sign_data(email="ada@example.org"))
    assert len(mail.outbox) == 1
    allow_resend_now()

    response = send_again(client)

    assert response.status_code == 200
    assert "we have sent the email again" in response.content.decode()
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["ada@example.org"]
    assert "/sign/confirm/" in mail.outbox[1].body


def test_send_it_again_answers_json_for_the_script(client, campaign, sign_data):
    sign(client, campaign, sign_data(), HTTP_ACCEPT="application/json")
    allow_resend_now()
    response = send_again(client, HTTP_ACCEPT="application/json")
    assert response.json()["ok"] is True
    assert len(mail.outbox) == 2


def test_the_cookie_is_sent_only_to_send_it_again_and_never_read_by_scripts(client, campaign, sign_data):
    response = sign(client, campaign, sign_data())
    cookie = response.cookies[confirmation.RESEND_COOKIE]
    assert cookie["path"] == RESEND
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    assert "ada" not in cookie.value and "example" not in cookie.value  # no address in it


def test_nobody_can_aim_it_at_another_inbox(client, campaign, sign_data):
    """Without the cookie of a signature made in this browser there is nobody to mail, whatever is posted."""
    build_signature(campaign, email="victim@example.org", counted=False)
    for attempt in (
        {},
        {"email": "victim@example.org"},
    ):
        response = client.post(RESEND, attempt, HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 200
    client.cookies[confirmation.RESEND_COOKIE] = "made-up:token"
    assert send_again(client).status_code == 200
    assert mail.outbox == []


def test_a_cookie_set_before_cookies_were_encrypted_still_works_until_it_expires(client, campaign, sign_data):
    """Cookies set before the upgrade held the key signed, not encrypted: their signers keep the button."""
    sign(client, campaign, sign_data(email="ada@example.org"))
    allow_resend_now()
    key = Signature.objects.get().confirmation_key
    client.cookies[confirmation.RESEND_COOKIE] = signing.TimestampSigner(salt=confirmation.RESEND_SALT).sign(
        key
    )

    send_again(client)

    assert [message.to for message in mail.outbox] == [["ada@example.org"]] * 2


def test_it_answers_the_same_whatever_happened(client, campaign, sign_data):
    """A repeat, a confirmed signature and a fresh one get the same cookie shape and the same answer."""
    first = sign(client, campaign, sign_data(email="ada@example.org"))
    allow_resend_now()
    answer_first = send_again(client).content
    repeat = sign(client, campaign, sign_data(email="ada@example.org"))
    answer_repeat = send_again(client).content
    assert answer_first == answer_repeat
    assert len(first.cookies[confirmation.RESEND_COOKIE].value) == len(
        repeat.cookies[confirmation.RESEND_COOKIE].value
    )


def test_each_signature_has_it_sent_again_a_few_times_at_most(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    for _ in range(confirmation.RESEND_LIMIT + 2):
        allow_resend_now()
        send_again(client)
    assert len(mail.outbox) == 1 + confirmation.RESEND_LIMIT


def test_two_presses_in_a_row_send_one_mail(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    allow_resend_now()
    send_again(client)
    send_again(client)
    assert len(mail.outbox) == 2


def test_pressing_too_often_is_refused_with_a_wait(client, campaign, sign_data, settings):
    settings.SIGN_RATE_LIMIT = "2/10m"
    sign(client, campaign, sign_data())
    send_again(client)
    send_again(client)
    response = send_again(client)
    assert response.status_code == 429
    assert "You have asked for the email many times" in response.content.decode()
    assert int(response["Retry-After"]) > 0


def test_a_confirmed_signature_gets_nothing_more(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    Signature.objects.update(counted=True, confirmed_at=timezone.now())
    allow_resend_now()
    send_again(client)
    assert len(mail.outbox) == 1


def test_send_it_again_takes_only_posts_from_this_site(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    assert client.get(RESEND).status_code == 405
    assert client.post(RESEND, HTTP_ORIGIN="https://evil.example").status_code == 403
    assert len(mail.outbox) == 1


# The reminder


def _reminders():
    return [message for message in mail.outbox if "not counted yet" in message.subject]


def test_one_reminder_after_a_day_if_the_link_was_not_used(campaign, django_capture_on_commit_callbacks):
    now = timezone.now()
    waiting = build_signature(
        campaign, counted=False, email="late@example.org", submit_time=now - timedelta(hours=25)
    )
    build_signature(campaign, counted=False, submit_time=now - timedelta(hours=2))  # not yet
    build_signature(
        campaign, counted=True, confirmed_at=now, submit_time=now - timedelta(hours=30)
    )  # confirmed

    with django_capture_on_commit_callbacks(execute=True):  # the reminder's event, as after a real commit
        call_command("send_reminders", stdout=open("/dev/null", "w"))
        call_command("send_reminders", stdout=open("/dev/null", "w"))

    reminders = _reminders()
    assert [message.to for message in reminders] == [["late@example.org"]]
    assert "/sign/confirm/" in reminders[0].body
    assert "This is the only reminder we send." in reminders[0].body
    waiting.refresh_from_db()
    assert waiting.reminded_at is not None


def test_the_editor_sets_the_delay_or_turns_it_off(campaign):
    now = timezone.now()
    build_signature(campaign, counted=False, submit_time=now - timedelta(hours=5))
    campaign.confirmation_reminder_hours = 4
    campaign.save_revision().publish()
    assert reminders.send_reminders() == 1
    build_signature(campaign, counted=False, submit_time=now - timedelta(hours=50))
    campaign.confirmation_reminder_hours = 0
    campaign.save_revision().publish()
    assert reminders.send_reminders() == 0


def test_the_reminder_is_in_the_signers_language(campaign, django_capture_on_commit_callbacks):
    from tests.builders import translate

    german = translate(campaign, "de")
    build_signature(german, counted=False, submit_time=timezone.now() - timedelta(hours=25))
    with django_capture_on_commit_callbacks(execute=True):  # the reminder's event, as after a real commit
        reminders.send_reminders()
    assert mail.outbox[0].subject.startswith("Ihre Unterschrift zählt noch nicht")
    assert "/de/sign/confirm/" in mail.outbox[0].body


# Never confirmed


def test_a_reminded_signature_is_kept_until_the_reminders_link_expires(campaign):
    now = timezone.now()
    signature = build_signature(campaign, counted=False, submit_time=now - timedelta(days=8, hours=12))
    Signature.objects.filter(pk=signature.pk).update(confirmation_sent_at=now - timedelta(days=2))
    assert privacy.delete_unconfirmed() == 0
    assert privacy.delete_unconfirmed(now=now + timedelta(days=7)) == 1


def test_the_summary_shows_the_confirmation_rate_counting_those_deleted(admin_client, campaign):
    long_ago = timezone.now() - timedelta(days=30)
    for _ in range(3):
        build_signature(campaign, counted=True, confirmed_at=long_ago, submit_time=long_ago)
    build_signature(campaign, counted=False, submit_time=long_ago)
    privacy.delete_unconfirmed()
    assert campaign_summary(campaign.translation_key).confirmation_rate == 0.75
    response = admin_client.get(reverse("campaigns_signature_summary", args=[campaign.pk]))
    assert 'data-summary="confirmation-rate">75%<' in response.content.decode()
