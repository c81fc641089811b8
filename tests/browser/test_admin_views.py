"""The project's own admin views, as a signature manager uses them, pass axe-core at WCAG 2.2 A/AA on a
phone and a laptop, in English and in German: the Signatures listing, a campaign's summary with its chart,
and both steps of "forget a person". The chart is an image with a text alternative: the per-day table on
the same page holds every number the bars show.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.admin_users import log_in, user_in_role
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow
from tests.browser.conftest import WIDTHS, open_page
from tests.builders import build_signature

pytestmark = pytest.mark.browser


def check(page, what):
    for width in ("phone", "desktop"):
        page.set_viewport_size(WIDTHS[width])
        where = f"{what} at {WIDTHS[width]['width']} px"
        assert_accessible(page, where=where)
        assert_no_horizontal_overflow(page, where=where)


@pytest.mark.parametrize("admin_language", ["en", "de"])
def test_the_signature_managers_views_work_for_everyone(chromium, demo_site, admin_language):
    ring = demo_site.page("amazon-ring")
    today = timezone.now()
    email = f"forget-me-{admin_language}@example.org"
    for days_ago in (0, 1, 1, 3):
        build_signature(ring, submit_time=today - datetime.timedelta(days=days_ago))
    build_signature(demo_site.page("amazon-ring", "de"), email=email)
    manager = user_in_role("Signature managers", admin_language)

    with open_page(chromium, demo_site.url) as page:
        log_in(page, manager)

        page.goto("/admin/campaigns/signature/")
        assert page.evaluate("document.documentElement.lang") == admin_language
        expect(page.get_by_text(email)).to_be_visible()
        check(page, f"the Signatures listing in {admin_language}")

        page.goto(f"/admin/campaigns/signature/summary/{ring.pk}/")
        chart = page.locator(".signature-chart svg[role=img]")
        expect(chart).to_be_visible()
        # The chart's description points to the table, and the table has a row for every day with a bar.
        description = page.locator("#signature-chart-desc").text_content()
        assert page.locator("#per-day").inner_text() in description
        days = page.locator("table[aria-labelledby=per-day] tbody tr")
        assert days.count() == chart.locator("rect").count() >= 3
        check(page, f"a campaign's summary in {admin_language}")

        page.goto("/admin/campaigns/signature/forget/")
        check(page, f"forget a person, step one, in {admin_language}")
        page.locator("main [name=email]").fill(email)
        page.locator("main form [type=submit]").click()
        expect(page.locator("main button[name=confirm]")).to_be_visible()
        check(page, f"forget a person, step two, in {admin_language}")
        page.locator("main button[name=confirm]").click()
        page.wait_for_url("**/admin/campaigns/signature/**")
        expect(page.get_by_text(email)).to_have_count(0)
        check(page, f"the listing after forgetting a person in {admin_language}")
