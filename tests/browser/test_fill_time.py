"""The fill-time rule in Chromium, on a page from the page cache: petition.js fetches the signed "form shown"
token when the form comes into view (campaigns/form_shown.py); a person who takes a few seconds counts, a
script that fills the form at once is held. Without JavaScript the form carries no token and counts."""

import time
import urllib.request

import pytest
from playwright.sync_api import expect

from campaigns.models.signature import Signature
from tests.builders import build_campaign, build_index, build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fill_time_rule():
    """The rule on at its shipped threshold, 3 s (tests/conftest.py turns it off for other browser tests)."""
    return True


@pytest.fixture
def cached_campaign(live_server):
    ring = build_campaign(build_index(build_site()), confirmation_required=False)
    url = f"{live_server.url}{ring.url}"
    for _ in range(2):  # someone opened it first: it is in the cache
        urllib.request.urlopen(url).close()
    return url


def sign(page, email, seconds_after_shown):
    page.locator("[data-petition-form]").scroll_into_view_if_needed()
    token = page.locator("input[name=form_shown]")
    expect(token).not_to_have_value("")  # fetched once the form came into view
    time.sleep(seconds_after_shown)
    page.get_by_role("textbox", name="First name").fill("Jane")
    page.get_by_role("textbox", name="Last name").fill("Doe")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("button", name="Sign the petition").click()


def test_a_person_counts_and_a_script_filling_at_once_is_held(phone, cached_campaign, fill_time_rule):
    response = phone.goto(cached_campaign)
    assert "age" in response.headers  # the shared, cached page: the token is the visitor's own all the same

    sign(phone, "jane@example.org", seconds_after_shown=3.5)
    expect(phone.locator("[data-petition-thanks]")).to_be_visible()
    phone.goto(cached_campaign)
    sign(phone, "bot@example.org", seconds_after_shown=0)
    expect(phone.locator("[data-petition-thanks]")).to_be_visible()  # told what anyone is told

    jane = Signature.objects.get(email="jane@example.org")
    bot = Signature.objects.get(email="bot@example.org")
    assert (jane.counted, jane.flag_reasons) == (True, [])
    assert not bot.counted and [reason["rule"] for reason in bot.flag_reasons] == ["filled_too_fast"]


def test_without_javascript_a_form_filled_at_once_counts(no_js, cached_campaign, fill_time_rule):
    no_js.goto(cached_campaign)
    no_js.get_by_role("textbox", name="First name").fill("Joe")
    no_js.get_by_role("textbox", name="Last name").fill("Doe")
    no_js.get_by_role("textbox", name="Email").fill("joe@example.org")
    no_js.get_by_role("button", name="Sign the petition").click()

    expect(no_js.get_by_role("heading", level=2).first).to_be_visible()
    joe = Signature.objects.get(email="joe@example.org")
    assert (joe.counted, joe.flag_reasons) == (True, [])
