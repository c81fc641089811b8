"""Every public page in every state a visitor can meet, in all five languages, on a phone and a laptop:
axe-core finds nothing at WCAG 2.2 A/AA, nothing scrolls sideways, every target is big enough to tap, and
the page asks nothing of another origin (tests/browser/conftest.py: open_page).

Each state is reached the way a visitor reaches it (a form with mistakes is posted, a closed petition is
signed while it closes), first on a 390 × 844 phone, then checked again at 1280 × 800. axe-core runs
inside the page, so for the states of a browser without JavaScript the site's own scripts are blocked
instead of switching JavaScript off: the page is exactly what such a browser shows.
"""

import time
import uuid
from contextlib import contextmanager
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from campaigns.confirmation import confirmation_token
from campaigns.models.pages import CampaignPage
from serving import generation
from tests.browser.checks import assert_page_works_for_everyone
from tests.browser.conftest import LOCALES, WIDTHS, open_page
from tests.builders import build_signature

pytestmark = pytest.mark.browser

ELSEWHERE = "http://elsewhere.test"
STATES = {}


def state(name):
    def register(visit):
        STATES[name] = visit
        return visit

    return register


def without_scripts(page):
    page.route("**/static/js/**", lambda route: route.abort())


def petition_form(page):
    return page.locator("form[data-petition-form]")


def fill_petition(page, email=None):
    """Fill the petition's required fields as a signer (by field name: the labels are in the page's language)."""
    form = petition_form(page)
    form.locator("[name=first_name]").fill("Robin")
    form.locator("[name=last_name]").fill("Example")
    form.locator("[name=email]").fill(email or f"robin-{uuid.uuid4().hex[:10]}@example.org")
    country = form.locator("select[name=country]")
    if country.count():
        country.select_option("DE")


def submit_unchecked(page):
    """Submit the petition without the browser's own checks, so the server judges what was typed."""
    petition_form(page).evaluate("form => form.noValidate = true")
    petition_form(page).locator("[type=submit]").click()


@state("home")
def home(page, site, locale, settings):
    page.goto(site.path("home", locale))


@state("campaign-index")
def campaign_index(page, site, locale, settings):
    page.goto(site.path("campaigns", locale))


@state("campaign-open")
def campaign_open(page, site, locale, settings):
    page.goto(site.path("amazon-ring", locale))
    expect(petition_form(page)).to_be_visible()


@state("campaign-closed")
def campaign_closed(page, site, locale, settings):
    page.goto(site.path("location-data", locale))
    expect(page.locator(".petition-closed")).to_be_visible()


@state("campaign-goal-reached")
def campaign_goal_reached(page, site, locale, settings):
    page.goto(site.path("face-surveillance", locale))
    count = int(page.locator("[data-petition] [data-signature-count]").get_attribute("data-signature-count"))
    assert count > site.page("face-surveillance", locale).signature_goal


@state("form-errors-js")
def form_errors_with_javascript(page, site, locale, settings):
    page.goto(site.path("amazon-ring", locale))
    fill_petition(page, email="not-an-address")
    submit_unchecked(page)
    expect(petition_form(page).locator("[name=email]")).to_have_attribute("aria-invalid", "true")


@state("form-errors-no-js")
def form_errors_without_javascript(page, site, locale, settings):
    without_scripts(page)
    page.goto(site.path("amazon-ring", locale))
    petition_form(page).locator("[name=email]").fill("not-an-address")
    submit_unchecked(page)
    expect(petition_form(page).locator(".errorlist").first).to_be_visible()


@state("thank-you-js")
def thank_you_with_javascript(page, site, locale, settings):
    page.goto(site.path("amazon-ring", locale))
    fill_petition(page)
    petition_form(page).locator("[type=submit]").click()
    expect(page.locator("[data-petition-thanks-heading]")).to_be_focused()


@state("thank-you-no-js")
def thank_you_without_javascript(page, site, locale, settings):
    without_scripts(page)
    page.goto(site.path("amazon-ring", locale))
    fill_petition(page)
    petition_form(page).locator("[type=submit]").click()
    page.wait_for_url("**/thank-you/#petition-state")
    expect(page.locator("[data-petition-thanks]")).to_be_visible()


def confirmation_path(locale, token):
    with translation.override(locale):
        return reverse("campaigns:confirm", args=[token])


def confirmation_link(site, locale):
    """The link a signer of the Ring petition (which asks to confirm) finds in the mail."""
    signature = build_signature(site.page("amazon-ring", locale), counted=False, locale=locale)
    return confirmation_path(locale, confirmation_token(signature))


def press_confirm(page):
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


@contextmanager
def petition_closed(site):
    """The Ring petition, closed in every language for the time being, as an editor closes it."""
    ring = CampaignPage.objects.filter(translation_key=site.page("amazon-ring").translation_key)
    ring.update(closed=True)
    generation.bump()
    try:
        yield
    finally:
        ring.update(closed=False)
        generation.bump()


@state("confirm-ask")
def confirm_ask(page, site, locale, settings):
    """Opening the link changes nothing: the page asks for a press of its button."""
    response = page.goto(confirmation_link(site, locale))
    assert response.status == 200
    expect(page.locator("main form button[type=submit]")).to_be_visible()


@state("confirmed")
def confirmed(page, site, locale, settings):
    page.goto(confirmation_link(site, locale))
    press_confirm(page)
    expect(page.locator(".petition-message__count")).to_be_visible()


@state("already-confirmed")
def already_confirmed(page, site, locale, settings):
    link = confirmation_link(site, locale)
    page.goto(link)
    press_confirm(page)
    page.goto(link)
    expect(page.locator(".petition-message__count")).to_be_visible()
    expect(page.locator("main form")).to_have_count(0)


@state("confirm-closed-409")
def confirm_closed(page, site, locale, settings):
    """The petition closed between the mail and the press of its button."""
    page.goto(confirmation_link(site, locale))
    with petition_closed(site):
        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            press_confirm(page)
    assert posted.value.status == 409


@state("confirm-expired")
def confirm_expired(page, site, locale, settings):
    signature = build_signature(site.page("amazon-ring", locale), counted=False, locale=locale)
    with mock.patch("time.time", return_value=time.time() - 8 * 24 * 3600):
        token = confirmation_token(signature)
    response = page.goto(confirmation_path(locale, token))
    assert response.status == 400


@state("confirm-bad-link")
def confirm_bad_link(page, site, locale, settings):
    response = page.goto(confirmation_path(locale, "not-a-token"))
    assert response.status == 404


@state("refused-403")
def refused(page, site, locale, settings):
    """A page on another site posts a signature to the campaign: the campaign refuses it."""
    form = f'<!DOCTYPE html><form method="post" action="{site.page_url("amazon-ring", locale)}">'
    form += '<input name="email" value="someone@example.org"><button>Sign</button></form>'
    page.route(f"{ELSEWHERE}/**", lambda route: route.fulfill(body=form, content_type="text/html"))
    page.goto(f"{ELSEWHERE}/")
    with page.expect_navigation():
        page.get_by_role("button").click()
    assert page.locator("h1").count() == 1


@state("closed-409")
def closed_while_signing(page, site, locale, settings):
    """The petition closes while the visitor fills in the form."""
    without_scripts(page)
    page.goto(site.path("amazon-ring", locale))
    fill_petition(page)
    with petition_closed(site):
        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            petition_form(page).locator("[type=submit]").click()
        assert posted.value.status == 409
    expect(page.locator(".petition-closed")).to_be_visible()


@state("rate-limited-429")
def rate_limited(page, site, locale, settings):
    settings.SIGN_RATE_LIMIT = "1/10m"
    without_scripts(page)
    for _attempt in range(2):
        page.goto(site.path("amazon-ring", locale))
        fill_petition(page)
        with page.expect_response(lambda response: response.request.method == "POST") as posted:
            petition_form(page).locator("[type=submit]").click()
    assert posted.value.status == 429
    page.wait_for_load_state()


@state("search-results")
def search_with_results(page, site, locale, settings):
    page.goto(f"/{locale}/search/?q=Ring")
    expect(page.locator(".search-results li").first).to_be_visible()


@state("search-no-results")
def search_without_results(page, site, locale, settings):
    page.goto(f"/{locale}/search/?q=zyxwvut")
    expect(page.locator(".empty-state")).to_be_visible()


@state("404")
def not_found(page, site, locale, settings):
    response = page.goto(f"/{locale}/no-such-page/")
    assert response.status == 404


@state("500")
def server_error(page, site, locale, settings):
    settings.ROOT_URLCONF = "tests.browser.urls"  # the site's URLs and one that fails
    response = page.goto(f"/{locale}/test-failure/")
    assert response.status == 500


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", list(STATES))
def test_every_state_works_for_everyone_on_a_phone_and_a_laptop(chromium, demo_site, settings, name, locale):
    allow = [ELSEWHERE] if name == "refused-403" else []  # the other site is a page the test serves itself
    with open_page(chromium, demo_site.url, locale=locale, allow=allow) as page:
        STATES[name](page, demo_site, locale, settings)
        assert page.evaluate("document.documentElement.lang") == locale
        for width in ("phone", "desktop"):
            page.set_viewport_size(WIDTHS[width])
            assert_page_works_for_everyone(page, where=f"{name} in {locale} at {WIDTHS[width]['width']} px")
