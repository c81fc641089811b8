"""In Chromium, with the Content-Security-Policy and Permissions-Policy the site sends: the public pages and
the Wagtail admin work, and the browser reports no violation (a blocked script, style or frame would)."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from campaigns.models.pages import CampaignPage
from tests.builders import build_campaign, build_index, build_signature, build_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__violations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(desktop):
    """The desktop page, recording CSP violations and the console's complaints about either policy."""
    complaints = []
    desktop.add_init_script(WATCH)
    desktop.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Policy" in message.text or "Refused" in message.text else None
        ),
    )

    def problems():
        frames = desktop.frames
        found = [v for frame in frames for v in (frame.evaluate("window.__violations || []"))]
        return found + complaints

    desktop.problems = problems
    return desktop


@pytest.fixture
def ring(live_server):
    campaign = build_campaign(build_index(build_site()), signature_goal=1000)
    build_signature(campaign, email="ada@example.org")
    return campaign


def test_a_visitor_signs_with_javascript_and_nothing_is_blocked(watched, live_server, ring):
    watched.goto(f"{live_server.url}{ring.url}")
    watched.get_by_role("textbox", name="First name").fill("Jane")
    watched.get_by_role("textbox", name="Last name").fill("Doe")
    watched.get_by_role("textbox", name="Email").fill("jane@example.org")
    watched.get_by_role("button", name="Sign the petition").click()

    expect(watched.locator("[data-petition-thanks]")).to_be_visible()
    expect(watched.locator("[data-petition] [data-signature-count]")).to_have_text("2")
    assert watched.problems() == []


def test_an_administrator_logs_in_edits_a_page_and_reads_the_signatures(watched, live_server, ring):
    get_user_model().objects.create_superuser("editor", "editor@example.org", "correct horse battery")
    admin = f"{live_server.url}/admin"

    watched.goto(f"{admin}/login/")
    watched.get_by_label("Username").fill("editor")
    watched.get_by_label("Password").fill("correct horse battery")
    watched.get_by_role("button", name="Sign in").click()
    expect(watched.get_by_role("heading", name="Site summary")).to_be_visible()

    # The page editor: tabs, the body's StreamField, the rich text editor and the live preview.
    watched.goto(f"{admin}/pages/{ring.pk}/edit/")
    expect(watched.locator("#id_title")).to_have_value(ring.title)
    watched.get_by_role("tab", name="Petition").click()
    watched.get_by_role("tab", name="Content").click()
    watched.get_by_role("button", name="Toggle preview").click()
    preview = watched.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", name=ring.title)).to_be_visible(timeout=15000)
    # A paragraph added to the body in the rich text editor, saved as a draft.
    watched.locator("#panel-child-content-body-content").get_by_role(
        "button", name="Insert a block"
    ).first.click()
    watched.get_by_role("option", name="Text").click()
    editor = watched.locator("#panel-child-content-body-content [contenteditable=true]").first
    editor.click()
    editor.type("Ring shares footage with police without a warrant.")
    # Draftail keeps the block's value in a hidden input; save once it holds what was typed.
    expect(watched.locator("input[name='body-0-value']")).to_have_value(re.compile("without a warrant"))
    watched.get_by_role("button", name="Save draft").click()
    expect(watched.get_by_text("has been updated")).to_be_visible()
    draft = CampaignPage.objects.get(pk=ring.pk).get_latest_revision_as_object()
    assert "without a warrant" in str(draft.body)

    # The Signatures admin and the campaign's summary with its chart.
    watched.goto(f"{admin}/campaigns/signature/")
    expect(watched.get_by_text("ada@example.org")).to_be_visible()
    watched.goto(f"{admin}/campaigns/signature/summary/{ring.pk}/")
    expect(watched.locator(".signature-chart svg")).to_be_visible()

    assert watched.problems() == []
