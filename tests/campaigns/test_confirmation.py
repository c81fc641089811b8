"""Confirmation by email: a link in the signer's language that opens a page with a button; pressing it (a post)
confirms, and the signature counts once. Opening the link, as mail scanners do, changes nothing."""

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core import mail, signing
from django.utils import timezone

from campaigns.models.counter import signature_count
from campaigns.models.signature import Signature
from tests.builders import translate
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/sign/confirm/\S+/")
EIGHT_DAYS = 8 * 24 * 3600


@pytest.fixture
def campaign(campaign):
    campaign.confirmation_required = True
    campaign.save_revision().publish()
    return campaign


def sign(client, page, data, **headers):
    return client.post(page.url, data, HTTP_ORIGIN=ORIGIN, **headers)


def link_path(message):
    """The confirmation link's path, for the test client (the mail's link is absolute, on BASE_URL)."""
    url = LINK.search(message.body).group(0)
    return "/" + url.split("/", 3)[3]


def token_of(message):
    return link_path(message).rstrip("/").rsplit("/", 1)[1]


def press_the_button(client, path, **headers):
    """What a person does: open the link, then press the page's button, which posts where its form says."""
    page = client.get(path)
    form = BeautifulSoup(page.content, "html.parser").find("form", method="post")
    assert form is not None, page.content.decode()
    return client.post(form["action"], **{"HTTP_ORIGIN": ORIGIN, **headers})


def counted():
    return Signature.objects.filter(counted=True).count()


# The mail and its link


def test_the_mail_is_in_the_signers_language_and_nothing_counts_before_the_link(client, campaign, sign_data):
    german = translate(campaign, "de", title="Amazon Ring: Schluss mit der Polizei-Partnerschaft")

    response = sign(client, german, sign_data())

    assert response.status_code == 303
    [message] = mail.outbox
    assert message.to == ["ada@example.org"]
    assert "Amazon Ring: Schluss mit der Polizei-Partnerschaft" in message.subject
    assert link_path(message).startswith("/de/sign/confirm/")
    signature = Signature.objects.get()
    assert (signature.counted, signature.confirmed_at) == (False, None)
    assert signature_count(campaign.translation_key) == 0


def test_the_thank_you_state_asks_the_signer_to_check_their_inbox(client, campaign, sign_data):
    thank_you = client.get(sign(client, campaign, sign_data())["Location"])
    as_json = sign(client, campaign, sign_data(email="grace@example.org"), HTTP_ACCEPT="application/json")

    assert "Please check your inbox." in thank_you.content.decode()
    assert "Please check your inbox." in as_json.json()["html"]


def test_the_link_names_a_random_key_never_the_row(client, campaign, sign_data):
    for n in range(3):
        sign(client, campaign, sign_data(email=f"signer{n}@example.org"))

    keys = [token_of(message).split(":")[0] for message in mail.outbox]

    stored = {s.email: s.confirmation_key for s in Signature.objects.all()}
    assert keys == [stored[message.to[0]] for message in mail.outbox]
    # 128 random bits each: unrelated to the row id, to each other and to the order of signing.
    assert len(set(keys)) == 3 and all(len(key) == 22 for key in keys)
    ids = {
        signing.b64_encode(str(pk).encode()).decode() for pk in Signature.objects.values_list("pk", flat=True)
    }
    assert not ids & set(keys)


def test_a_campaign_without_confirmation_gives_no_key(client, campaign, sign_data):
    campaign.confirmation_required = False
    campaign.save_revision().publish()

    sign(client, campaign, sign_data())

    assert Signature.objects.get().confirmation_key is None
    assert not mail.outbox


# Opening the link, pressing the button


def test_opening_the_link_as_a_mail_scanner_does_changes_nothing(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    path = link_path(mail.outbox[0])

    opened = [client.get(path), client.head(path), client.get(path, HTTP_USER_AGENT="SafeLinks scanner")]

    assert [r.status_code for r in opened] == [200, 200, 200]
    signature = Signature.objects.get()
    assert (signature.counted, signature.confirmed_at) == (False, None)
    assert signature_count(campaign.translation_key) == 0
    html = opened[0].content.decode()
    assert "Confirm your signature" in html and campaign.title in html
    assert '<meta name="robots" content="noindex">' in html
    assert '<meta name="referrer" content="no-referrer">' in html  # a meta would override the header
    for response in opened:
        assert response["Cache-Control"] == "private, no-store"
        assert response["Referrer-Policy"] == "no-referrer"


def test_pressing_the_button_confirms_and_counts_once_then_says_so_kindly(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    path = link_path(mail.outbox[0])

    first = press_the_button(client, path)
    again = client.post(path, HTTP_ORIGIN=ORIGIN)  # the browser's reload
    opened_later = client.get(path)

    assert first.status_code == 200
    assert "your signature is confirmed" in first.content.decode()
    signature = Signature.objects.get()
    assert signature.counted is True
    assert signature.confirmed_at is not None
    for response in (again, opened_later):
        assert response.status_code == 200
        assert "You have already confirmed your signature" in response.content.decode()
        assert response["Cache-Control"] == "private, no-store"
        assert response["Referrer-Policy"] == "no-referrer"
    assert signature_count(campaign.translation_key) == 1


def test_the_button_works_although_the_page_hides_its_origin(client, campaign, sign_data):
    """With Referrer-Policy no-referrer, browsers post the button's form with `Origin: null`: Sec-Fetch-Site
    (which no page can set) still says where it came from. Browsers too old to send it are let through here,
    where the token is the proof."""
    for n, headers in enumerate(
        [{"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_ORIGIN": "null"}]
    ):
        sign(client, campaign, sign_data(email=f"signer{n}@example.org"))
        response = press_the_button(client, link_path(mail.outbox[-1]), **headers)
        assert "your signature is confirmed" in response.content.decode()

    assert signature_count(campaign.translation_key) == 2


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null", "HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_REFERER": "https://evil.example/confirm-trap.html"},
    ],
    ids=["foreign-origin", "sandboxed-frame-elsewhere", "fetch-metadata", "foreign-referer"],
)
def test_a_confirmation_posted_from_another_site_is_refused(client, campaign, sign_data, headers):
    sign(client, campaign, sign_data())
    path = link_path(mail.outbox[0])

    response = client.post(path, **headers)

    assert response.status_code == 403
    assert "sent from another website" in response.content.decode()
    assert counted() == 0


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_on_the_link_are_not_allowed(client, campaign, sign_data, method):
    sign(client, campaign, sign_data())

    response = getattr(client, method)(link_path(mail.outbox[0]), HTTP_ORIGIN=ORIGIN)

    assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, POST")
    assert counted() == 0


# Links that cannot confirm


def test_a_tampered_link_gets_a_clear_404_page(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    path = link_path(mail.outbox[0])
    token = path.rstrip("/").rsplit("/", 1)[1]
    forged = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    for url in (forged, "/en-us/sign/confirm/not-a-token/"):
        for response in (client.get(url), client.post(url, HTTP_ORIGIN=ORIGIN)):
            assert response.status_code == 404
            assert "This link does not work" in response.content.decode()
    assert signature_count(campaign.translation_key) == 0


def test_an_expired_link_gets_a_clear_400_page(client, campaign, sign_data):
    with mock.patch("time.time", return_value=time.time() - EIGHT_DAYS):
        sign(client, campaign, sign_data())
    path = link_path(mail.outbox[0])

    for response in (client.get(path), client.post(path, HTTP_ORIGIN=ORIGIN)):
        assert response.status_code == 400
        assert "This link has expired" in response.content.decode()
    assert signature_count(campaign.translation_key) == 0


def test_the_link_of_an_erased_signature_no_longer_works(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    Signature.objects.all().delete()

    assert client.get(link_path(mail.outbox[0])).status_code == 404
    assert client.post(link_path(mail.outbox[0]), HTTP_ORIGIN=ORIGIN).status_code == 404


@pytest.mark.parametrize("how", ["by hand", "by date"])
def test_a_confirmation_after_the_petition_closed_does_not_count(client, campaign, sign_data, how):
    sign(client, campaign, sign_data())
    path = link_path(mail.outbox[0])
    opened = client.get(path)  # the page with the button, still open in a tab
    if how == "by hand":
        campaign.closed = True
    else:
        campaign.closing_date = timezone.now() - timedelta(minutes=1)
    campaign.save_revision().publish()

    pressed = client.post(path, HTTP_ORIGIN=ORIGIN)
    opened_again = client.get(path)

    assert opened.status_code == 200
    for response in (pressed, opened_again):
        assert response.status_code == 409
        html = response.content.decode()
        assert "This petition is closed" in html
        assert "closed before your signature was confirmed" in html
    signature = Signature.objects.get()
    assert (signature.counted, signature.confirmed_at) == (False, None)
    assert signature_count(campaign.translation_key) == 0


# Signing again


def test_a_repeat_signer_still_unconfirmed_gets_a_new_link_at_most_daily(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    sign(client, campaign, sign_data())
    sign(client, campaign, sign_data())

    assert len(mail.outbox) == 2
    assert all(LINK.search(message.body) for message in mail.outbox)
    press_the_button(client, link_path(mail.outbox[1]))
    assert signature_count(campaign.translation_key) == 1


def test_a_repeat_signer_gets_a_fresh_week_and_the_earlier_link_lasts_its_own(client, campaign, sign_data):
    with mock.patch("time.time", return_value=time.time() - EIGHT_DAYS):
        sign(client, campaign, sign_data())
    sign(client, campaign, sign_data())  # a week later, the same person signs again
    first, second = mail.outbox

    assert token_of(first) != token_of(second)
    assert client.get(link_path(first)).status_code == 400
    assert "your signature is confirmed" in press_the_button(client, link_path(second)).content.decode()
    assert signature_count(campaign.translation_key) == 1


def test_a_link_mailed_before_keys_existed_works_until_it_expires(client, campaign, sign_data):
    """Links mailed by the previous version named the row id; they are honoured for their week."""
    sign(client, campaign, sign_data())
    sign(client, campaign, sign_data(email="grace@example.org"))
    ada, grace = Signature.objects.order_by("pk")
    legacy = signing.dumps(ada.pk, salt="campaigns.signature.confirm")
    with mock.patch("time.time", return_value=time.time() - EIGHT_DAYS):
        expired = signing.dumps(grace.pk, salt="campaigns.signature.confirm")

    confirmed = press_the_button(client, f"/en-us/sign/confirm/{legacy}/")

    assert "your signature is confirmed" in confirmed.content.decode()
    assert client.get(f"/en-us/sign/confirm/{expired}/").status_code == 400
    assert signature_count(campaign.translation_key) == 1
