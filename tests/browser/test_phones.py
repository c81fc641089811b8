"""On a 390 × 844 phone, in every language: the way to sign is on the campaign's first screen, and it
takes the visitor to the form with the cursor in its first field.

That nothing scrolls sideways and every target is big enough to tap, on every page in every state and
language, is checked by test_page_states.py (assert_page_works_for_everyone); the journeys check it again
on the pages they pass through (test_journeys.py).
"""

import pytest
from playwright.sync_api import expect

from tests.browser.checks import assert_no_horizontal_overflow
from tests.browser.conftest import LOCALES, WIDTHS, open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("locale", LOCALES)
def test_the_way_to_sign_is_on_the_first_screen_and_puts_the_cursor_in_the_form(chromium, demo_site, locale):
    # A phone's browser: touch, and the page laid out by its viewport meta tag.
    with open_page(chromium, demo_site.url, locale=locale, has_touch=True, is_mobile=True) as page:
        page.goto(demo_site.path("amazon-ring", locale))
        cta_heading = demo_site.page("amazon-ring", locale).cta_heading
        sign = page.locator("main a[href='#sign']").first
        expect(sign).to_contain_text(cta_heading)
        # Wholly on the first screen, without scrolling: not cut by its bottom edge.
        box = sign.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, f"the sign button is at {box} on a phone"
        assert page.evaluate("window.scrollY") == 0

        sign.tap()
        first_field = page.locator("[data-petition-form] [name=first_name]")
        expect(first_field).to_be_focused()
        expect(first_field).to_be_in_viewport()


@pytest.mark.parametrize("locale", LOCALES)
def test_the_open_language_menu_stays_on_the_screen(chromium, demo_site, locale):
    """The switcher sits at the header's start on a phone, at its end on a laptop: its menu opens inward."""
    with open_page(chromium, demo_site.url, locale=locale) as page:
        page.goto(demo_site.path("amazon-ring", locale))
        for width in ("phone", "desktop"):
            page.set_viewport_size(WIDTHS[width])
            page.locator(".language-switcher summary").click()
            menu = page.locator(".language-switcher ul")
            expect(menu).to_be_visible()
            assert_no_horizontal_overflow(page, where=f"the open language menu in {locale} at {width}")
            for link in menu.get_by_role("link").all():
                expect(link).to_be_in_viewport(ratio=1)
            page.locator(".language-switcher summary").click()
