"""Signing in to the admin with a second factor, in Chromium, as a Signature manager does it the first time:
password, the set-up page (its QR code drawn by the site, its key typed into an app), the backup codes, the
Signatures listing; and the page a client gets after too many wrong passwords. Each page passes axe-core at
WCAG 2.2 A/AA on a phone and a laptop, in English and German, and fetches nothing from another site."""

import base64
import re

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.admin_users import PASSWORD, user_in_role
from tests.browser.checks import assert_accessible, assert_no_horizontal_overflow
from tests.browser.conftest import WIDTHS, open_page

pytestmark = pytest.mark.browser


def check(page, what):
    for width in ("phone", "desktop"):
        page.set_viewport_size(WIDTHS[width])
        where = f"{what} at {WIDTHS[width]['width']} px"
        assert_accessible(page, where=where)
        assert_no_horizontal_overflow(page, where=where)


def sign_in(page, username, password):
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("form [type=submit]").click()


@pytest.mark.parametrize("admin_language", ["en", "de"])
def test_a_signature_manager_sets_up_two_factor_and_reaches_the_signatures(
    chromium, demo_site, settings, admin_language
):
    settings.REQUIRE_TWO_FACTOR = True
    manager = user_in_role("Signature managers", admin_language)

    with open_page(chromium, demo_site.url) as page:
        sign_in(page, manager.username, PASSWORD)
        expect(page).to_have_url(re.compile(r"/admin/two-factor/set-up/\?next="))
        assert page.evaluate("document.documentElement.lang") == admin_language
        expect(
            page.locator(".accounts-qr-code svg")
        ).to_be_visible()  # once: the icons are icons, not this page
        check(page, f"setting up two-factor in {admin_language}")

        # What a person types into their app when they cannot scan: the key shown as text.
        typed = page.locator("main code").first.inner_text().replace(" ", "")
        key = base64.b32decode(typed + "=" * (-len(typed) % 8))
        page.locator("#id_code").fill(f"{totp(key):06d}")
        page.locator("main form [type=submit]").first.click()
        codes = page.locator(".accounts-backup-codes code")
        expect(codes).to_have_count(10)
        check(page, f"the backup codes in {admin_language}")

        page.locator("main a.button").click()
        expect(page).to_have_url(re.compile(r"/admin/$"))
        page.goto("/admin/campaigns/signature/")
        expect(page).to_have_url(re.compile(r"/admin/campaigns/signature/$"))


def test_the_lockout_page_works_for_everyone(chromium, demo_site):
    editor = user_in_role("Editors")

    with open_page(chromium, demo_site.url, locale="de") as page:
        for _ in range(5):
            sign_in(page, editor.username, "not the password")
        expect(page.locator("h1")).to_have_text("Zu viele fehlgeschlagene Anmeldungen")
        check(page, "the lockout page in German")
