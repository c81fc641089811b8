"""Social proof and urgency as a visitor sees them, on a 390 × 844 phone and a 1280 × 800 laptop: each campaign
card says its count and goal in the page's language, the bar beside the words stays inside its card, the
petition says when it closes, and the latest signers appear by first name and country only."""

import pytest
from django.utils import formats, translation
from playwright.sync_api import expect

from campaigns.models.counter import signature_count
from campaigns.models.signature import Signature
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow
from tests.browser.conftest import LOCALES, open_page, screenshot

pytestmark = pytest.mark.browser

CAMPAIGNS = ("amazon-ring", "face-surveillance", "location-data")


def expected_card_words(demo_site, key, locale):
    """What a card should say: "1,120 signatures · Goal: 50,000" in the page's language and number format."""
    page = demo_site.page(key, locale)
    count = signature_count(page.translation_key)
    with translation.override(locale):
        number = formats.number_format(count, use_l10n=True, force_grouping=True)
        goal = formats.number_format(page.current_goal(count), use_l10n=True, force_grouping=True)
    return number, goal


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("locale", LOCALES)
def test_campaign_cards_show_count_and_goal_inside_the_card(chromium, demo_site, locale, width):
    with open_page(chromium, demo_site.url, width=width, locale=locale) as page:
        page.goto(demo_site.path("campaigns", locale))
        cards = page.locator("article.card")
        # Every card has its count (other tests on the shared demo may have published more campaigns)…
        expect(cards.first).to_be_visible()
        assert cards.count() >= len(CAMPAIGNS)
        expect(page.locator("article.card .card__count-text")).to_have_count(cards.count())
        # …and each demo campaign's card says its own figures.
        for key in CAMPAIGNS:
            title = demo_site.page(key, locale).title
            card = cards.filter(has=page.get_by_role("link", name=title, exact=True))
            expect(card).to_have_count(1)
            words = card.locator(".card__count-text")
            number, goal = expected_card_words(demo_site, key, locale)
            expect(words).to_be_visible()
            expect(words).to_contain_text(number)
            expect(words).to_contain_text(goal)
            # The bar is drawn inside the card, as wide as its text column, and hidden from screen readers.
            bar = card.locator("progress.card__progress")
            expect(bar).to_have_attribute("aria-hidden", "true")
            card_box, bar_box = card.bounding_box(), bar.bounding_box()
            assert bar_box["width"] > card_box["width"] * 0.6, (key, locale, width, bar_box, card_box)
            assert (
                card_box["x"] <= bar_box["x"]
                and bar_box["x"] + bar_box["width"] <= card_box["x"] + card_box["width"]
            )
        assert_no_horizontal_overflow(page, where=f"the campaign list in {locale} at {width}")
        if locale in ("en-us", "de"):
            screenshot(page, f"campaign-cards-{locale}")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_home_page_cards_show_counts_too(chromium, demo_site, width):
    with open_page(chromium, demo_site.url, width=width) as page:
        page.goto(demo_site.path("home"))
        counts = page.locator(".card__count-text")
        expect(counts.first).to_be_visible()
        number, goal = expected_card_words(demo_site, "amazon-ring", "en-us")
        expect(page.locator(".card--featured .card__count-text")).to_contain_text(
            f"{number} signatures · Goal: {goal}"
        )
        assert_accessible(page, include=".card-list", where=f"the home page's cards at {width}")
        screenshot(page, "home-cards")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_petition_shows_its_deadline_and_latest_signers_by_first_name_and_country(
    chromium, demo_site, width
):
    campaign = demo_site.page("face-surveillance")
    latest = list(
        Signature.objects.filter(campaign_key=campaign.translation_key, counted=True)
        .order_by("-submit_time", "-pk")
        .values_list("first_name", "last_name", "email")[:5]
    )
    with open_page(chromium, demo_site.url, width=width) as page:
        page.goto(demo_site.path("face-surveillance"))
        closing = page.locator(".campaign-closing")
        expect(closing).to_contain_text("Closes in")
        expect(closing).to_be_in_viewport()  # on the first screen, beside the count

        box = page.locator("[data-latest-signers]")
        expect(box).to_be_visible()
        items = box.get_by_role("listitem")
        expect(items).to_have_count(5)
        text = box.inner_text()
        for first_name, last_name, email in latest:
            assert first_name in text
            assert last_name not in text and email not in text
        assert_no_horizontal_overflow(page, where=f"the face surveillance petition at {width}")
        screenshot(page, "latest-signers")
