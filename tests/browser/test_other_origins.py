"""Every page a browser test opens records its requests and fails the test on one to another origin
(conftest.py: open_page and the phone, desktop and no_js pages). These tests show that the net holds."""

import pytest

from tests.browser.conftest import ForeignRequests, _on_this_machine, _page, open_page

pytestmark = pytest.mark.browser

# A font from a CDN, as a careless template would add it.
CDN_FONT = '<link rel="stylesheet" href="http://fonts.cdn.test/css?family=Inter">'


def test_a_page_of_the_demo_site_that_asks_another_origin_fails(chromium, demo_site):
    with pytest.raises(ForeignRequests, match="fonts.cdn.test"):
        with open_page(chromium, demo_site.url) as page:
            page.route("http://fonts.cdn.test/**", lambda route: route.fulfill(body=""))
            page.goto(demo_site.path("home"))
            page.evaluate(f"document.head.insertAdjacentHTML('beforeend', '{CDN_FONT}')")
            page.wait_for_load_state("networkidle")


def test_a_page_of_a_test_with_its_own_site_that_asks_another_host_fails(chromium):
    with pytest.raises(ForeignRequests, match="fonts.cdn.test"):
        with _page(chromium, {"width": 390, "height": 844}) as page:
            page.route("http://fonts.cdn.test/**", lambda route: route.fulfill(body=""))
            page.set_content(CDN_FONT)
            page.wait_for_load_state("networkidle")
    assert _on_this_machine("http://127.0.0.1:8123/en-us/")
