"""What signers type: every script kept exactly, invisible instructions removed, unreadable bytes refused,
and addresses in any script accepted and matched as the mail system matches them."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from django.core.mail.message import sanitize_address

from campaigns import privacy
from campaigns.formfields import clean_text
from campaigns.models.pages import CampaignFormField
from campaigns.models.signature import Signature
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def sign(client, page, data, **headers):
    headers.setdefault("HTTP_ORIGIN", ORIGIN)
    return client.post(page.url, data, **headers)


@pytest.fixture
def open_campaign(campaign):
    """The campaign with every signer field shown, and an extra question."""
    campaign.comment_field = "optional"
    campaign.save_revision().publish()
    CampaignFormField.objects.create(
        page=campaign,
        locale=campaign.locale,
        label="Your neighbourhood",
        field_type="singleline",
        required=False,
    )
    return campaign


# Names and comments in every script, each already in composed form (NFC): stored exactly as sent.
SCRIPTS = {
    "arabic": ("محمد", "عبد الله", "أوقفوا المراقبة، من فضلكم."),
    "hebrew": ("שָׁלוֹם", "כהן", "די למעקב."),
    "devanagari": ("अजित", "कुमार", "निगरानी बंद करो।"),
    "cjk": ("山田", "太郎", "監視をやめてください。停止监控。감시를 멈춰라."),
    "emoji": ("Ada 👩🏽‍💻", "Lovelace 🏳️‍🌈", "No more 📹 👮‍♀️ sharing!"),
    "accents": ("Zoë", "Nguyễn Thị Ánh", "Ça suffit, señor Müller-Łukasiewicz."),
    "persian zwnj": ("می‌خواهم", "نیم‌فاصله", "نه به نظارت."),
}


@pytest.mark.parametrize("first, last, comment", SCRIPTS.values(), ids=SCRIPTS.keys())
def test_every_script_is_stored_exactly(client, open_campaign, sign_data, first, last, comment):
    response = sign(
        client,
        open_campaign,
        sign_data(first_name=first, last_name=last, comment=comment, your_neighbourhood=last),
    )
    assert response.status_code == 303
    signature = Signature.objects.get()
    assert (signature.first_name, signature.last_name, signature.comment) == (first, last, comment)
    assert signature.form_data == {"your_neighbourhood": last}


def test_combining_accents_are_stored_composed(client, open_campaign, sign_data):
    decomposed = "Zoe\u0308 Nguye\u0302\u0303n"  # e + combining diaeresis; e + circumflex + tilde
    sign(client, open_campaign, sign_data(first_name=decomposed, comment=decomposed))
    signature = Signature.objects.get()
    assert signature.first_name == "Zoë Nguyễn" == signature.comment
    assert len(signature.first_name) == 10


def test_control_characters_and_line_breaks_are_removed_from_one_line_fields(
    client, open_campaign, sign_data
):
    data = sign_data(
        first_name="Ada\x00\x07\x1b[31m\u0085\u009b",
        last_name="Love\r\nBcc: victim@example.org\tlace",
        postal_code="N1\u2028 9GU",
        your_neighbourhood="Isling\x0bton",
        utm_source="mail\r\ning",
    )
    assert sign(client, open_campaign, data).status_code == 303
    signature = Signature.objects.get()
    assert signature.first_name == "Ada[31m"
    assert signature.last_name == "Love Bcc: victim@example.org lace"
    assert signature.postal_code == "N1  9GU"
    assert signature.form_data == {"your_neighbourhood": "Isling ton"}
    assert signature.source == {"utm_source": "mail ing"}  # CR LF is one line break


def test_a_comment_keeps_its_lines_in_one_form(client, open_campaign, sign_data):
    sign(client, open_campaign, sign_data(comment="One\r\nTwo\rThree\u2028Four\x00\tFive"))
    assert Signature.objects.get().comment == "One\nTwo\nThree\nFour Five"


def test_bidirectional_overrides_and_isolates_are_removed_but_marks_stay(client, open_campaign, sign_data):
    first = "\u202eadA\u202c \u2066Ada\u2069 \u202a\u202b\u202d\u2067\u2068"
    last = "Lovelace\u200f (\u200eמוסף\u200f)"  # right-to-left and left-to-right marks are writing
    sign(client, open_campaign, sign_data(first_name=first, last_name=last))
    signature = Signature.objects.get()
    assert signature.first_name == "adA Ada"
    assert signature.last_name == last


@pytest.mark.parametrize(
    "body",
    [
        b"first_name=Ada%FF%FELovelace&last_name=L&email=ada%40example.org&country=GB",
        b"first_name=Ad\xc3a&last_name=L&email=ada%40example.org&country=GB",
        b"first_name=Ada&last_name=L&email=ad%C3%28a%40example.org&country=GB",
    ],
    ids=["percent-encoded", "raw", "in the address"],
)
@pytest.mark.parametrize("headers", [{}, JSON], ids=["no-js", "json"])
def test_invalid_utf8_gets_a_clear_400_and_stores_nothing(client, campaign, body, headers):
    response = client.post(
        campaign.url,
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_ORIGIN=ORIGIN,
        **headers,
    )
    assert response.status_code == 400
    assert "could not be read. Please type them again." in response.content.decode()
    assert not Signature.objects.exists()


def test_invalid_utf8_in_a_multipart_post_gets_a_400(client, campaign):
    boundary = "BoUnDaRy"
    parts = [
        ("first_name", b"Ada\xff"),
        ("last_name", b"L"),
        ("email", b"ada@example.org"),
        ("country", b"GB"),
    ]
    body = (
        b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value
            + b"\r\n"
            for name, value in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    response = client.post(
        campaign.url, body, content_type=f"multipart/form-data; boundary={boundary}", HTTP_ORIGIN=ORIGIN
    )
    assert response.status_code == 400
    assert not Signature.objects.exists()


def test_clean_text_is_idempotent():
    text = "Zoe\u0308\r\n\u202eX\x00"
    assert clean_text(clean_text(text, True), True) == clean_text(text, True) == "Zoë\nX"


# Addresses


@pytest.mark.parametrize(
    "address, key",
    [
        ("josé@bücher.example", "josé@xn--bcher-kva.example"),
        ("Jose\u0301@Bücher.Example", "josé@xn--bcher-kva.example"),
        ("用户@例子.广告", "用户@xn--fsqu00a.xn--4rr70v"),
        ("अजित@डाटामेल.भारत", "अजित@xn--c2bd4bq1db8d.xn--h2brj9c"),
        ("ada@xn--bcher-kva.example", "ada@xn--bcher-kva.example"),
        ("o'brien+petition@example.org", "o'brien+petition@example.org"),
    ],
)
def test_addresses_the_mail_system_delivers_to_are_accepted(client, campaign, sign_data, address, key):
    assert sign(client, campaign, sign_data(email=address)).status_code == 303
    signature = Signature.objects.get()
    assert signature.email == address.replace("e\u0301", "é")
    assert signature.email_normalised == key


@pytest.mark.parametrize(
    "address",
    [
        "josé@",
        "jo sé@bücher.example",
        "jo\u00a0sé@bücher.example",  # a no-break space is not part of a name
        "josé..x@bücher.example",
        "jos😀@bücher.example",
        "ada@localhost",
        "ada@[127.0.0.1]",
        "ada@" + "x" * 64 + ".example",
        "ö" * 33 + "@example.org",  # 66 bytes: a mailbox name holds at most 64
    ],
)
def test_addresses_no_mail_system_delivers_to_are_refused(client, campaign, sign_data, address):
    response = sign(client, campaign, sign_data(email=address), **JSON)
    assert response.status_code == 400
    assert response.json()["errors"]["email"][0]["message"] == "Enter a valid email address."
    assert not Signature.objects.exists()


def test_an_internationalised_domain_is_one_person_in_either_spelling(client, campaign, sign_data):
    sign(client, campaign, sign_data(email="a@BÜCHER.example"))
    sign(client, campaign, sign_data(email="a@xn--bcher-kva.example", first_name="Eve"))
    sign(client, campaign, sign_data(email="A@bücher.EXAMPLE", first_name="Eve"))
    assert Signature.objects.count() == 1
    assert Signature.objects.get().first_name == "Ada"


def test_a_person_with_an_internationalised_address_can_be_forgotten(
    client, campaign, sign_data, admin_client
):
    sign(client, campaign, sign_data(email="josé@bücher.example"))
    response = admin_client.post(
        "/admin/campaigns/signature/forget/", {"email": "JOSÉ@xn--bcher-kva.example", "confirm": "1"}
    )
    assert response.status_code == 302
    assert not Signature.objects.exists()
    assert privacy.forget_person("josé@bücher.example") == 0


def test_the_confirmation_mail_goes_to_an_internationalised_address(client, campaign, sign_data):
    campaign.confirmation_required = True
    campaign.save_revision().publish()
    sign(client, campaign, sign_data(email="josé@bücher.example"))
    (message,) = mail.outbox
    assert message.to == ["josé@bücher.example"]
    assert b"xn--bcher-kva.example" in message.message().as_bytes()


def test_djangos_own_smtp_envelope_cannot_carry_a_non_ascii_mailbox_name():
    """Why ops/mail.py exists: Django's SMTP backend passes recipients through sanitize_address, which
    converts an internationalised domain (deliverable) but turns a non-ASCII mailbox name into an RFC 2047
    encoded word, an address nobody has."""
    assert sanitize_address("ada@bücher.example", "utf-8") == "ada@xn--bcher-kva.example"
    assert sanitize_address("josé@bücher.example", "utf-8") == "=?utf-8?b?am9zw6k=?=@xn--bcher-kva.example"
    EmailMessage("Hello", "Body", "campaigns@example.org", ["josé@bücher.example"]).message()  # builds
