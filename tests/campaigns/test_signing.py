"""Signing a petition: without JavaScript (post/redirect/get), with it (JSON), and what is stored."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models.counter import signature_count
from campaigns.models.pages import CampaignFormField
from campaigns.models.signature import Signature
from tests.builders import translate
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def sign(client, page, data, **headers):
    headers.setdefault("HTTP_ORIGIN", ORIGIN)
    return client.post(page.url, data, **headers)


def test_the_form_marks_required_fields_as_the_seed_shows(client, campaign):
    html = client.get(campaign.url).content.decode()

    assert "* indicates a required field" in html
    assert 'for="id_email">Email <span class="field-required" aria-hidden="true">*</span>' in html
    # Postal code is optional by default: no asterisk. Comment is hidden by default.
    assert 'for="id_postal_code">Postal code</label>' in html
    assert 'name="comment"' not in html
    # The newsletter box is offered unticked; the honeypot is there for bots.
    assert 'type="checkbox" name="newsletter_opt_in"' in html
    assert 'name="newsletter_opt_in" checked' not in html
    assert 'name="website"' in html


def test_fields_follow_the_page_settings(client, campaign):
    campaign.first_name_field = "optional"
    campaign.country_field = "hidden"
    campaign.comment_field = "required"
    campaign.newsletter_opt_in = False
    campaign.save_revision().publish()

    html = client.get(campaign.url).content.decode()

    assert 'for="id_first_name">First name</label>' in html
    assert 'name="country"' not in html
    assert 'for="id_comment">Comment <span class="field-required"' in html
    assert 'name="newsletter_opt_in"' not in html


@pytest.mark.parametrize(
    ("language", "country"), [("en-us", "US"), ("en-gb", "GB"), ("de", "DE"), ("fr", "FR"), ("es", "ES")]
)
def test_the_country_of_the_locale_is_preselected(client, campaign, language, country):
    page = campaign if language == "en-us" else translate(campaign, language)

    html = client.get(page.url).content.decode()

    assert f'<option value="{country}" selected>' in html


def test_country_names_follow_the_language_and_an_unknown_country_is_refused(client, campaign, sign_data):
    german = translate(campaign, "de")
    html = client.get(german.url).content.decode()
    assert '<option value="EG">Ägypten</option>' in html
    assert html.index(">Ägypten<") < html.index(">Albanien<")  # sorted as Germans sort

    response = sign(client, german, sign_data(country="XX"), HTTP_ACCEPT="application/json")

    assert response.status_code == 400
    assert "XX" in response.json()["errors"]["country"][0]["message"]
    assert "gültige" in response.json()["errors"]["country"][0]["message"]  # Django's own German wording
    assert not Signature.objects.exists()


def test_signing_without_javascript_stores_every_column_and_counts(client, campaign, sign_data):
    CampaignFormField.objects.create(
        page=campaign, locale=campaign.locale, label="Do you own a Ring camera?", field_type="singleline"
    )
    campaign.comment_field = "optional"
    campaign.save_revision().publish()
    data = sign_data(
        email="  Ada@Example.ORG ",
        comment="Stop it.",
        newsletter_opt_in="on",
        do_you_own_a_ring_camera="No",
        utm_source="newsletter",
        utm_medium="email",
        utm_campaign="ring-2020",
        referrer="https://news.example.com/story?id=7",
    )

    response = sign(client, campaign, data)

    assert response.status_code == 303
    assert response["Location"] == f"{campaign.url}thank-you/"
    signature = Signature.objects.get()
    assert signature.page_id == campaign.pk
    assert signature.campaign_key == campaign.translation_key
    assert (signature.first_name, signature.last_name) == ("Ada", "Lovelace")
    assert signature.email == "Ada@Example.ORG"
    assert signature.email_normalised == "ada@example.org"
    assert signature.country.code == "GB"
    assert signature.postal_code == "N1 9GU"
    assert signature.comment == "Stop it."
    assert signature.newsletter_opt_in is True
    assert signature.form_data == {"do_you_own_a_ring_camera": "No"}
    assert signature.locale == "en-us"
    assert signature.source == {
        "utm_source": "newsletter",
        "utm_medium": "email",
        "utm_campaign": "ring-2020",
        "referrer_host": "news.example.com",
    }
    assert signature.consent_text == campaign.consent_text
    assert timezone.now() - signature.consented_at < timedelta(minutes=1)
    assert signature.submit_time is not None
    assert signature.counted is True
    assert signature.confirmed_at is None
    assert signature_count(campaign.translation_key) == 1


def test_the_thank_you_state_shows_share_links_and_the_next_action(client, campaign, sign_data):
    other = campaign.get_parent().add_child(
        instance=type(campaign)(
            title="Ban face recognition in shops",
            slug="shops",
            summary="Shops scan faces.",
            target="Retailers",
            cta_heading="Sign",
            consent_text="We will keep you posted.",
        )
    )
    campaign.thank_you_heading = "You did it!"
    campaign.next_action_page = other
    campaign.next_action_text = "Now ask the shops"
    campaign.save_revision().publish()

    response = client.get(sign(client, campaign, sign_data())["Location"])

    html = response.content.decode()
    assert response.status_code == 200
    assert "You did it!" in html
    assert 'class="share-list"' in html
    assert f'href="{other.url}">Now ask the shops</a>' in html
    assert 'data-signature-count="1"' in html
    assert "ada@example.org" not in html.lower()
    assert "<form" not in html.split('id="sign"')[1]


def test_bad_input_gets_field_messages_status_400_and_stores_nothing(client, campaign, sign_data):
    response = sign(client, campaign, sign_data(email="not-an-address", first_name=""))

    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_error"' in html
    assert "Enter a valid email address." in html
    assert 'aria-describedby="id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_first_name_error"' in html
    assert 'value="Lovelace"' in html  # what was typed is kept
    assert not Signature.objects.exists()
    assert signature_count(campaign.translation_key) == 0


def test_one_signers_input_and_errors_never_reach_the_next_visitors_form(client, campaign, sign_data):
    """Every form of a page shares its fields (campaigns.forms._SharedFields): what one signer typed, and the
    messages about it, stay in that signer's reply."""
    refused = sign(client, campaign, sign_data(email="not-an-address", first_name="Mallory"))
    assert "Mallory" in refused.content.decode()

    html = client.get(campaign.url, {"nocache": "1"}).content.decode()  # rendered afresh, not from the cache
    assert "Mallory" not in html
    assert "not-an-address" not in html
    assert 'aria-invalid="true"' not in html
    assert '<option value="US" selected>' in html  # still the page's country, not the signer's


def test_json_success_returns_the_thank_you_state_and_not_the_count(client, campaign, sign_data):
    """Whether the count moved would tell a prober if the address had signed before (a repeat changes
    nothing): the reply never carries it; petition.js shows the signer's own signature added."""
    first = sign(client, campaign, sign_data(), **JSON)
    repeat = sign(client, campaign, sign_data(), **JSON)

    assert first.status_code == repeat.status_code == 200
    assert first.json() == repeat.json()
    assert set(first.json()) == {"ok", "redirect", "html"}
    assert first.json()["ok"] is True
    assert first.json()["redirect"] == f"{campaign.url}thank-you/"
    assert "Thank you for signing!" in first.json()["html"]
    assert Signature.objects.count() == 1


def test_json_errors_are_listed_per_field_with_status_400(client, campaign, sign_data):
    response = sign(client, campaign, sign_data(email="nope", last_name=None), **JSON)

    body = response.json()
    assert response.status_code == 400
    assert body["ok"] is False
    assert body["errors"]["email"][0]["message"] == "Enter a valid email address."
    assert body["errors"]["last_name"][0]["message"] == "This field is required."
    assert not Signature.objects.exists()


@pytest.mark.parametrize("headers", [{}, JSON], ids=["no-js", "json"])
def test_a_repeat_signer_gets_exactly_the_same_reply_and_is_not_counted(client, campaign, sign_data, headers):
    first = sign(client, campaign, sign_data(), **headers)
    repeat = sign(client, campaign, sign_data(email=" ADA@example.org", first_name="Augusta"), **headers)

    assert repeat.status_code == first.status_code
    assert repeat.content == first.content
    assert repeat.get("Location") == first.get("Location")
    assert sorted(repeat.cookies) == sorted(first.cookies)
    assert Signature.objects.count() == 1
    assert Signature.objects.get().first_name == "Ada"  # the first signature stands
    assert signature_count(campaign.translation_key) == 1


def test_a_repeat_signer_gets_one_already_signed_mail_a_day(client, campaign, sign_data):
    sign(client, campaign, sign_data())
    assert mail.outbox == []  # no confirmation asked for, so no mail for a first signature

    sign(client, campaign, sign_data())
    sign(client, campaign, sign_data())

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert "You have already signed" in mail.outbox[0].subject
    assert campaign.url in mail.outbox[0].body

    Signature.objects.update(repeat_notice_sent_at=timezone.now() - timedelta(hours=25))
    sign(client, campaign, sign_data())
    assert len(mail.outbox) == 2


def test_one_signature_per_person_across_every_locale_of_a_campaign(client, campaign, sign_data):
    german = translate(campaign, "de")

    sign(client, german, sign_data())
    sign(client, campaign, sign_data(email="ADA@example.org"))

    signature = Signature.objects.get()
    assert signature.locale == "de"
    assert signature.page_id == german.pk
    assert signature_count(campaign.translation_key) == 1
    # The repeat mail speaks the language of the page signed second.
    assert mail.outbox[0].subject.startswith("You have already signed")


def test_the_server_renders_the_same_form_whatever_the_url_says(client, campaign):
    """utm_* parameters reach the hidden fields in the browser (petition.js), never from the server's render:
    the page is one cached copy for every visitor (tests/browser/test_page_cache.py signs with them)."""
    first = client.get(f"{campaign.url}?utm_source=first-q7&utm_campaign=ring-q7").content.decode()
    second = client.get(f"{campaign.url}?utm_source=second-q7").content.decode()

    assert first == second
    assert '<input type="hidden" name="utm_source" id="id_utm_source">' in first
    assert "q7" not in first


def test_no_ip_address_is_stored_anywhere_in_the_row(client, campaign, sign_data):
    sign(
        client,
        campaign,
        sign_data(referrer="https://203.0.113.50.example.net/path"),
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )

    row = Signature.objects.values().get()
    stored = json.dumps(row, default=str)
    assert "203.0.113.7" not in stored
    assert "198.51.100.23" not in stored
    assert row["source"] == {"referrer_host": "203.0.113.50.example.net"}


@pytest.mark.parametrize("referrer", ["http://[oops", "https://[::1", "//["])
def test_a_referrer_that_is_no_url_is_dropped_and_the_signature_kept(client, campaign, sign_data, referrer):
    response = sign(client, campaign, sign_data(referrer=referrer, utm_source="mail"))

    assert response.status_code == 303
    assert Signature.objects.get().source == {"utm_source": "mail"}


def test_the_page_view_reads_the_count_without_touching_the_signatures_table(client, campaign, sign_data):
    sign(client, campaign, sign_data())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(campaign.url)

    assert 'data-signature-count="1"' in response.content.decode()
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "campaigns_signaturecounter" in sql
    # The one exception, the public integrity report (integrity.report), reads only the held and the invalidated
    # signatures, over their partial indexes: never a signature that counts.
    reading_signatures = [
        query["sql"] for query in queries.captured_queries if '"campaigns_signature"' in query["sql"]
    ]
    for query in reading_signatures:
        selects = query.split(" UNION ")
        for select in selects:
            if '"campaigns_signature"' in select:
                assert (
                    '"campaigns_signature"."flagged_at" IS NOT NULL' in select
                    or '"campaigns_signature"."invalidated_at" IS NOT NULL' in select
                ), select
    assert len(reading_signatures) <= 1


def test_the_count_is_formatted_for_the_locale_with_a_progress_bar(client, campaign):
    from tests.builders import set_count

    german = translate(campaign, "de", signature_goal=5000)
    set_count(campaign, 1234)

    html = client.get(german.url).content.decode()

    assert 'data-signature-count="1234">1.234</strong>' in html
    assert '<progress class="petition-count__progress" max="5000" value="1234"' in html


def test_the_count_endpoint_serves_the_shared_count_and_the_locale_goal(client, campaign, sign_data):
    german = translate(campaign, "de", signature_goal=5000)
    sign(client, campaign, sign_data())
    sign(client, german, sign_data(email="grace@example.org"))
    url = f"/api/campaigns/{campaign.translation_key}/count/"

    response = client.get(f"/en-us{url}")

    assert response.status_code == 200
    assert response.json() == {"count": 2, "goal": campaign.signature_goal}
    assert client.get(f"/de{url}").json() == {"count": 2, "goal": 5000}
    assert f'data-count-url="/de{url}"' in client.get(german.url).content.decode()
    assert client.get("/en-us/api/campaigns/00000000-0000-0000-0000-000000000000/count/").status_code == 404


def test_wagtail_forms_listing_and_export_show_the_signature_columns(client, campaign, sign_data):
    CampaignFormField.objects.create(
        page=campaign, locale=campaign.locale, label="Do you own a Ring camera?", field_type="singleline"
    )
    sign(client, campaign, sign_data(do_you_own_a_ring_camera="Yes"))
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@example.org", "pw"))

    listing = client.get(f"/admin/forms/submissions/{campaign.pk}/")
    export = client.get(f"/admin/forms/submissions/{campaign.pk}/?export=csv")

    assert listing.status_code == 200
    assert "ada@example.org" in listing.content.decode()
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert header[:4] == ["Signed at", "First name", "Last name", "Email"]
    assert header[-1] == "Do you own a Ring camera?"
    assert row[1:5] == ["Ada", "Lovelace", "ada@example.org", "United Kingdom"]
    assert row[-1] == "Yes"


def test_the_team_is_notified_of_new_signatures_when_the_page_asks(client, campaign, sign_data):
    campaign.to_address = "team@example.org"
    campaign.subject = "New signature"
    campaign.save_revision().publish()

    sign(client, campaign, sign_data())
    sign(client, campaign, sign_data())  # a repeat is not new

    team = [message for message in mail.outbox if message.to == ["team@example.org"]]
    assert len(team) == 1
    assert team[0].subject == "New signature"
    assert "Email: ada@example.org" in team[0].body


def test_editors_preview_the_form_and_the_thank_you_state(campaign):
    form = campaign.make_preview_request(preview_mode="form")
    landing = campaign.make_preview_request(preview_mode="landing")

    assert form.status_code == landing.status_code == 200
    assert "data-petition-form" in form.rendered_content
    assert "Thank you for signing!" in landing.rendered_content


def test_no_ip_address_reaches_the_logs(client, campaign, sign_data, settings, caplog):
    """Every log line of a signing, a repeat, a refused post and a rate-limited post, at DEBUG."""
    settings.SIGN_RATE_LIMIT = "2/10m"
    address = {"REMOTE_ADDR": "203.0.113.7", "HTTP_X_FORWARDED_FOR": "198.51.100.23"}
    with caplog.at_level("DEBUG"):
        sign(client, campaign, sign_data(), **address)
        sign(client, campaign, sign_data(), **address)  # a repeat
        client.post(campaign.url, sign_data(), HTTP_ORIGIN="https://evil.example", **address)  # 403
        sign(client, campaign, sign_data(email="third@example.org"), **address)  # 429

    assert caplog.records, "the signing produced no log at all: the test would prove nothing"
    logged = "\n".join(f"{record.getMessage()} {record.args} {record.__dict__}" for record in caplog.records)
    assert "203.0.113.7" not in logged
    assert "198.51.100.23" not in logged
