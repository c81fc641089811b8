"""What a campaign page costs a visitor on a phone: at most 300 KB over the wire without its hero image,
and nothing moves while it loads (every image says its width and height; Chromium measures no layout shift).

The test server sends static files uncompressed, so the bytes counted here are an upper bound of what a
visitor downloads in production (WhiteNoise serves the same files compressed).
"""

import pytest

from tests.browser.conftest import LOCALES, open_page

pytestmark = pytest.mark.browser

BUDGET = 300 * 1024

# Layout shifts a visitor did not cause, summed as Chromium reports them (the page's CLS).
RECORD_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
        if (!entry.hadRecentInput) window.__layoutShift += entry.value;
    }
}).observe({type: "layout-shift", buffered: true});
"""

IMAGES_WITHOUT_SIZE = """() => [...document.images]
    .filter(image => !image.getAttribute("width") || !image.getAttribute("height"))
    .map(image => image.currentSrc || image.src)"""


def hero_image_urls(page):
    return set(
        page.locator(".campaign-hero__image").evaluate_all(
            "images => images.flatMap(image => [image.currentSrc, image.src])"
        )
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_a_campaign_page_is_light_and_still_while_it_loads(chromium, demo_site, locale):
    with open_page(chromium, demo_site.url, locale=locale) as page:
        page.add_init_script(RECORD_SHIFTS)
        responses = []
        page.on("requestfinished", lambda request: responses.append(request))
        page.goto(demo_site.path("amazon-ring", locale), wait_until="load")
        page.wait_for_load_state("networkidle")
        # Scroll through the story so lazy images load and would shift what follows if unsized.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_load_state("networkidle")

        hero = hero_image_urls(page)
        assert hero, "the Ring campaign has a hero image"
        sizes = {}
        for request in responses:
            if request.url in hero:
                continue
            size = request.sizes()
            sizes[request.url] = size["responseBodySize"] + size["responseHeadersSize"]
        total = sum(sizes.values())
        listing = "\n".join(f"{size:>8} {url}" for url, size in sorted(sizes.items(), key=lambda i: -i[1]))
        assert total <= BUDGET, f"the campaign page in {locale} transfers {total} bytes:\n{listing}"
        print(f"campaign page in {locale}: {total / 1024:.0f} KB without its hero image")

        assert page.evaluate(IMAGES_WITHOUT_SIZE) == []
        assert page.evaluate("window.__layoutShift") < 0.01, "the page moves while it loads"
