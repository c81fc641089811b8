"""An editor launches the next campaign by copying the Ring campaign, in Chromium: the copy's address follows the
title they type, the copy opens with a checklist of what still says what Ring says (passing axe-core), each
item's link takes them to its field (on whichever tab), and publishing with anything unchanged asks them to
confirm first."""

import re
import uuid

import pytest
from playwright.sync_api import expect
from wagtail.models import Page

from campaigns.models.pages import CampaignPage
from tests.browser.admin_users import log_in, user_in_role
from tests.browser.checks import assert_accessible
from tests.browser.conftest import open_page, screenshot

pytestmark = pytest.mark.browser


def test_an_editor_copies_the_ring_campaign_and_is_asked_about_its_old_words(chromium, demo_site):
    key = uuid.uuid4().hex[:6]
    title = f"Tell Google Nest: stop sharing footage {key}"
    ring = demo_site.page("amazon-ring")

    with open_page(chromium, demo_site.url, width="desktop") as editor:
        log_in(editor, user_in_role("Editors"))
        editor.goto(f"/admin/pages/{ring.pk}/copy/")
        editor.locator("#id_new_title").fill("")
        editor.locator("#id_new_title").press_sequentially(title)
        expect(editor.locator("#id_new_slug")).to_have_value(f"tell-google-nest-stop-sharing-footage-{key}")
        screenshot(editor, "copying-1-the-address-follows-the-title")
        editor.get_by_role("button", name="Copy this page").click()

        copy = CampaignPage.objects.get(slug=f"tell-google-nest-stop-sharing-footage-{key}")
        try:
            expect(editor).to_have_url(re.compile(rf"/admin/pages/{copy.pk}/edit/$"))
            expect(editor.locator(".messages")).to_contain_text(f"“{title}” was copied from “{ring.title}”")
            checklist = editor.locator("[data-copied-words]")
            expect(checklist).to_contain_text(f"This campaign is a copy of “{ring.title}”")
            for label in (
                "Summary",
                "Sign buttons in the body",
                "Target",
                "Petition text (the letter)",
                "Share text",
            ):
                expect(checklist.get_by_role("link", name=label)).to_be_visible()
            screenshot(editor, "copying-2-the-checklist")
            assert_accessible(editor, include="[data-copied-words]", where="the copy's checklist")

            # The link to the target opens the Petition tab at the target.
            checklist.get_by_role("link", name="Target").click()
            expect(editor.get_by_role("tab", name="Petition")).to_have_attribute("aria-selected", "true")
            expect(editor.locator("#id_target")).to_be_in_viewport()
            editor.locator("#id_target").fill("Google")

            editor.get_by_role("button", name="More actions").last.click()
            editor.get_by_role("button", name="Publish", exact=True).click()
            confirmation = editor.locator("#id_confirm_copied_words")
            expect(editor.locator("[data-copied-words]")).to_contain_text(
                "Some of this campaign still says what"
            )
            expect(checklist.get_by_role("link", name="Target")).to_have_count(0)  # rewritten: off the list
            screenshot(editor, "copying-3-asked-to-confirm")
            assert_accessible(editor, include="[data-copied-words]", where="the checklist asking to confirm")
            assert not Page.objects.get(pk=copy.pk).live

            editor.get_by_role("tab", name="Content").click()
            confirmation.check()
            editor.get_by_role("button", name="More actions").last.click()
            editor.get_by_role("button", name="Publish", exact=True).click()
            expect(editor.locator(".messages")).to_contain_text("has been published")
            copy.refresh_from_db()
            assert copy.live and copy.target == "Google"
        finally:
            Page.objects.get(pk=copy.pk).delete()  # the demo site is shared by the session's other tests
