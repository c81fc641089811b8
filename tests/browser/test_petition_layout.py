"""The Sign button is always in reach: at every laptop and phone size, in every language, with and without
JavaScript, scrolling the page alone brings the petition's submit button wholly into view, and no box
around it scrolls or cuts it (a panel with a scroll of its own inside the page's scroll hid it on every
laptop). On a phone the count and the way to sign are on the first screen, and the form comes right after
the story and the letter, before the references.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_LOCALES, LOCALES

pytestmark = pytest.mark.browser

LAPTOPS = ["1280x720", "1280x800", "1440x900", "1920x1080"]
PHONES = ["390x844", "360x640"]

# Scrolls the page (never anything inside it) a third of a window at a time, from the top to the bottom, and
# returns where the submit button was seen whole, or what cut it off at the place it came nearest.
REACH_THE_BUTTON = """() => {
  const button = document.querySelector("[data-petition-form] [type=submit]");
  const clippers = [];
  for (let box = button.parentElement; box && box !== document.body; box = box.parentElement) {
    const style = getComputedStyle(box);
    if (/(auto|scroll|hidden|clip)/.test(style.overflowX + style.overflowY)) clippers.push(box);
  }
  const cutBy = () => {
    const r = button.getBoundingClientRect();
    if (r.top < 0 || r.bottom > innerHeight || r.left < 0 || r.right > innerWidth) return "the window";
    for (const box of clippers) {
      const q = box.getBoundingClientRect();
      if (r.top < q.top - 1 || r.bottom > q.bottom + 1 || r.left < q.left - 1 || r.right > q.right + 1)
        return box.tagName.toLowerCase() + "." + box.className;
    }
    return null;
  };
  const scrollers = clippers.filter(box => box.scrollHeight > box.clientHeight + 1)
                            .map(box => box.tagName.toLowerCase() + "." + box.className);
  let last = "never reached";
  const bottom = document.documentElement.scrollHeight;
  for (let y = 0; y <= bottom; y += Math.floor(innerHeight / 3)) {
    // At once (the site scrolls smoothly); reading a box lays the page out, sticky panel included. No waiting
    // for a frame: with JavaScript off, a page draws none for a script it runs.
    window.scrollTo({top: y, behavior: "instant"});
    const cut = cutBy();
    if (!cut) return {seen: true, at: scrollY, scrollers};
    last = cut;
  }
  return {seen: false, cut: last, scrollers};
}"""


def _campaign(chromium, demo_site, locale, size, **options):
    width, height = (int(n) for n in size.split("x"))
    context = chromium.new_context(
        viewport={"width": width, "height": height}, locale=BROWSER_LOCALES[locale], **options
    )
    page = context.new_page()
    page.goto(demo_site.page_url("amazon-ring", locale))
    return context, page


@pytest.mark.parametrize("size", LAPTOPS + PHONES)
@pytest.mark.parametrize("locale", LOCALES)
def test_scrolling_the_page_alone_brings_the_whole_sign_button_into_view(chromium, demo_site, locale, size):
    for javascript in (True, False):
        context, page = _campaign(chromium, demo_site, locale, size, java_script_enabled=javascript)
        try:
            reach = page.evaluate(REACH_THE_BUTTON)
        finally:
            context.close()
        where = f"{locale} at {size}, JavaScript {'on' if javascript else 'off'}"
        assert reach["scrollers"] == [], (
            f"{where}: the petition scrolls inside the page: {reach['scrollers']}"
        )
        assert reach["seen"], f"{where}: the Sign button is never wholly in view (cut by {reach['cut']})"


@pytest.mark.parametrize("size", PHONES)
@pytest.mark.parametrize("locale", LOCALES)
def test_a_phones_first_screen_shows_the_count_and_the_way_to_sign(chromium, demo_site, locale, size):
    context, page = _campaign(chromium, demo_site, locale, size, has_touch=True, is_mobile=True)
    try:
        count = page.locator(".campaign-hero [data-signature-count]")
        sign = page.locator("main a[href='#sign']").first
        expect(count).to_be_in_viewport(ratio=1)
        expect(sign).to_be_in_viewport(ratio=1)
        assert page.evaluate("window.scrollY") == 0

        # Story, letter, form, then the sources.
        tops = page.evaluate(
            """() => ["main .block-paragraph", ".campaign-letter", "[data-petition-form]", ".references"]
                .map(selector => document.querySelector(selector).getBoundingClientRect().top)"""
        )
        assert tops == sorted(tops), f"story, letter, form and references are not in that order: {tops}"
    finally:
        context.close()
