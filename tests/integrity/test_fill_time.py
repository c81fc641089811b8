"""A form sent faster than a person fills it in is flagged (`filled_too_fast`), as measured from the signed
"form shown" token the page's script fetches when the form comes into view (campaigns.form_shown); a form
without a valid token (no JavaScript, forged, expired, another campaign's) is not flagged for that alone."""

import re

import pytest
from django.core import signing

from campaigns import form_shown
from campaigns.models.counter import reconcile_counts, signature_count
from campaigns.models.signature import Signature
from integrity.models import IntegritySettings
from tests.builders import build_campaign, build_index, build_site
from tests.campaigns.conftest import ORIGIN

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fill_time_rule")]


@pytest.fixture
def campaign(db):
    return build_campaign(build_index(build_site()))


@pytest.fixture
def clock(monkeypatch):
    """campaigns.form_shown's clock, standing still until a test moves it on."""

    class Clock:
        now = 1_800_000_000.0

        def __call__(self):
            return self.now

    clock = Clock()
    monkeypatch.setattr(form_shown, "clock", clock)
    return clock


def shown_token(client, campaign):
    """What petition.js does when the form comes into view: fetch a token from the address the page names."""
    page = client.get(campaign.url).content.decode()
    url = re.search(r'data-form-shown-url="([^"]+)"', page).group(1)
    assert 'name="form_shown"' in page  # the hidden field the token goes into
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]  # never one token for many visitors
    return response.json()["token"]


def sign(client, campaign, sign_data, email, token=None):
    data = sign_data(email=email, form_shown=token)
    response = client.post(campaign.url, data, HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 303
    return Signature.objects.get(email=email)


def test_a_form_sent_half_a_second_after_it_was_shown_is_flagged(client, campaign, sign_data, clock):
    token = shown_token(client, campaign)
    clock.now += 0.5
    signature = sign(client, campaign, sign_data, "quick@example.org", token)
    assert signature.flag_reasons == [
        {"rule": "filled_too_fast", "reason": "the form was sent 0.5 s after it was shown"}
    ]
    assert (signature.held, signature.counted) == (True, False)
    assert signature_count(campaign.translation_key) == 0
    assert reconcile_counts() == {}


def test_a_form_sent_five_seconds_after_it_was_shown_counts(client, campaign, sign_data, clock):
    token = shown_token(client, campaign)
    clock.now += 5
    signature = sign(client, campaign, sign_data, "human@example.org", token)
    assert (signature.flag_reasons, signature.counted) == ([], True)
    assert signature_count(campaign.translation_key) == 1


def test_the_threshold_is_the_managers_and_zero_turns_the_rule_off(client, campaign, sign_data, clock):
    values = IntegritySettings.load()
    values.min_fill_seconds = 10
    values.save()
    token = shown_token(client, campaign)
    clock.now += 5
    assert sign(client, campaign, sign_data, "five@example.org", token).held

    values.min_fill_seconds = 0
    values.save()
    token = shown_token(client, campaign)
    assert not sign(client, campaign, sign_data, "instant@example.org", token).held


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param(lambda token, other: None, id="none (no JavaScript)"),
        pytest.param(lambda token, other: "", id="empty"),
        pytest.param(lambda token, other: token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), id="forged"),
        pytest.param(lambda token, other: token.rsplit(":", 1)[0] + ":x", id="no signature"),
        pytest.param(lambda token, other: other, id="another campaign's"),
        pytest.param(lambda token, other: "x" * 5000, id="junk"),
    ],
)
def test_a_form_without_a_valid_token_is_not_flagged_for_that(client, campaign, sign_data, clock, spoil):
    other = build_campaign(campaign.get_parent(), title="Another", slug="another")
    token = spoil(shown_token(client, campaign), shown_token(client, other))
    clock.now += 0.5  # as fast as a bot: the token, not the speed, is what is missing
    signature = sign(client, campaign, sign_data, "ada@example.org", token)
    assert (signature.flag_reasons, signature.counted) == ([], True)


def test_an_expired_token_is_treated_as_none(client, campaign, sign_data, clock):
    token = shown_token(client, campaign)
    clock.now += form_shown.MAX_AGE + 1
    assert not sign(client, campaign, sign_data, "late@example.org", token).held


def test_a_token_from_the_future_beyond_clock_skew_is_treated_as_none(campaign, clock):
    token = form_shown.make_token(campaign.translation_key, now=clock.now + 60)
    assert form_shown.seconds_since_shown(token, campaign.translation_key) is None
    token = form_shown.make_token(campaign.translation_key, now=clock.now + 1)
    assert form_shown.seconds_since_shown(token, campaign.translation_key) == 0.0


def test_a_token_signed_under_another_salt_does_not_verify(campaign):
    """The confirmation links and other signed values of the site are no "form shown" tokens."""
    token = signing.Signer().sign(f"{campaign.translation_key}:0")
    assert form_shown.seconds_since_shown(token, campaign.translation_key) is None


def test_a_form_shown_again_with_its_mistakes_keeps_its_token(client, campaign, sign_data, clock):
    """Without JavaScript too: the form shown again after a mistake carries back the token it was sent with."""
    token = shown_token(client, campaign)
    response = client.post(
        campaign.url, sign_data(email="not-an-address", form_shown=token), HTTP_ORIGIN=ORIGIN
    )
    assert response.status_code == 400
    assert f'value="{token}"' in response.content.decode()
    clock.now += 6
    assert not sign(client, campaign, sign_data, "ada@example.org", token).held


def test_the_manager_sees_why_in_the_list_of_flagged_signatures(
    client, admin_client, campaign, sign_data, clock
):
    token = shown_token(client, campaign)
    clock.now += 1
    sign(client, campaign, sign_data, "quick@example.org", token)
    page = admin_client.get("/admin/campaigns/signature/flagged/").content.decode()
    assert "Filled in faster than a person can" in page
    assert "the form was sent 1.0 s after it was shown" in page
