"""Signing with a keyboard alone, and what a screen reader hears, in Chromium on the demo site.

A keyboard user reaches the petition from the campaign's first screen, fills it in the order it reads,
sends it with Enter and lands on the thank-you heading; a mistake takes them to the field it is in. Each
outcome is announced: the thank-you heading through a status region, mistakes through an alert. Motion
stops for people who ask their system for less of it.
"""

import uuid

import pytest
from playwright.sync_api import expect

from campaigns.models.signature import Signature
from tests.browser.conftest import open_page

pytestmark = pytest.mark.browser

# What the focused element is, and whether one can see it is focused (WCAG 2.4.7).
FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    return {
        tag: element.tagName.toLowerCase(),
        name: element.name || "",
        type: element.type || "",
        text: (element.textContent || "").trim().slice(0, 60),
        href: element.getAttribute("href") || "",
        inForm: Boolean(element.closest("[data-petition-form]")),
        ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    };
}"""

# The form's controls a keyboard reaches, in the order they come in the page.
FORM_STOPS = """() => [...document.querySelector("[data-petition-form]").querySelectorAll(
        "input, select, textarea, button, a[href]")]
    .filter(element => element.type !== "hidden" && element.tabIndex >= 0 && !element.disabled
        && !element.closest("[aria-hidden='true']"))
    .map(element => element.name || element.tagName.toLowerCase())"""

KEYBOARD_ANSWERS = {"first_name": "Kim", "last_name": "Keyboard", "postal_code": "10115"}


def tab(page):
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_visitor_signs_with_the_keyboard_alone(chromium, demo_site, width):
    email = f"kim-{uuid.uuid4().hex[:8]}@example.org"
    with open_page(chromium, demo_site.url, width=width, locale="de") as page:
        page.goto(demo_site.path("amazon-ring", "de"))

        # From the top: the skip link first, then the way to the petition, all with a visible focus ring.
        focused = tab(page)
        assert focused["href"] == "#main" and focused["ring"]
        for _press in range(15):
            focused = tab(page)
            assert focused["ring"], f"no visible focus on {focused}"
            if focused["href"] == "#sign":
                break
        assert focused["href"] == "#sign", "the petition cannot be reached from the campaign's first screen"
        page.keyboard.press("Enter")
        expect(page.locator("[data-petition-form] [name=first_name]")).to_be_focused()

        # Tab follows the form as it reads; each field is filled from the keyboard.
        expected = page.evaluate(FORM_STOPS)
        visited = ["first_name"]
        page.keyboard.type(KEYBOARD_ANSWERS["first_name"])
        while visited[-1] != "button":
            focused = tab(page)
            assert focused["inForm"] and focused["ring"], f"Tab left the form or hid the focus: {focused}"
            visited.append(focused["name"] or focused["tag"])
            if focused["name"] == "email":
                page.keyboard.type(email)
            elif focused["name"] in KEYBOARD_ANSWERS:
                page.keyboard.type(KEYBOARD_ANSWERS[focused["name"]])
        assert visited == expected

        # Enter on the button sends it: focus lands on the thank-you heading, which is announced.
        page.keyboard.press("Enter")
        heading = page.locator("[data-petition-thanks-heading]")
        expect(heading).to_be_focused()
        expect(page.locator("[data-petition] [role=status][data-petition-status]")).to_have_text(
            heading.inner_text()
        )
    signature = Signature.objects.get(email=email)
    assert (signature.first_name, signature.locale) == ("Kim", "de")


def test_enter_in_a_field_sends_the_form_and_a_mistake_takes_focus_to_its_field(chromium, demo_site):
    with open_page(chromium, demo_site.url, locale="fr") as page:
        page.goto(demo_site.path("amazon-ring", "fr"))
        form = page.locator("[data-petition-form]")
        form.evaluate("form => form.noValidate = true")  # the server judges, as for any browser
        form.locator("[name=first_name]").fill("Camille")
        form.locator("[name=email]").fill("camille-at-example.org")
        form.locator("[name=first_name]").press("Enter")

        # The first field in error has focus, says it is invalid and which mistake; the alert says it aloud.
        last_name = form.locator("[name=last_name]")
        expect(last_name).to_be_focused()
        expect(last_name).to_have_attribute("aria-invalid", "true")
        error = page.locator("#" + last_name.get_attribute("aria-describedby").split()[-1])
        expect(error).to_be_visible()
        expect(form.get_by_role("alert")).to_have_text(
            "Veuillez corriger les erreurs signalées dans le formulaire."
        )
        expect(form.locator("[name=email]")).to_have_attribute("aria-invalid", "true")

        # Corrected and sent again: the alert is gone, the thanks are announced.
        last_name.fill("Martin")
        form.locator("[name=email]").fill(f"camille-{uuid.uuid4().hex[:8]}@example.org")
        form.locator("[name=email]").press("Enter")
        expect(page.locator("[data-petition-thanks-heading]")).to_be_focused()
        expect(page.locator("[data-petition] [role=status][data-petition-status]")).not_to_be_empty()


def test_without_javascript_a_mistake_opens_the_page_at_the_petition(chromium, demo_site):
    with open_page(chromium, demo_site.url, locale="es", java_script_enabled=False) as page:
        page.goto(demo_site.path("amazon-ring", "es"))
        form = page.locator("[data-petition-form]")
        form.locator("[name=first_name]").fill("Lucía")
        form.locator("[name=last_name]").fill("Ejemplo")
        form.locator("[name=email]").fill("lucia@example")  # the browser lets it through, the server does not
        page.locator("[data-petition-form] [type=submit]").click()

        page.wait_for_url("**#petition-state")
        expect(page.get_by_role("alert")).to_contain_text("Corrija los errores señalados en el formulario.")
        # The petition is on screen, not the top of the story.
        expect(page.get_by_role("alert")).to_be_in_viewport()


MOTION = """() => {
    const durations = [];
    for (const element of document.querySelectorAll("*")) {
        const style = getComputedStyle(element);
        for (const value of [...style.transitionDuration.split(","), ...style.animationDuration.split(",")]) {
            durations.push(parseFloat(value) * (value.trim().endsWith("ms") ? 1 : 1000));
        }
    }
    return {longest: Math.max(...durations), scroll: getComputedStyle(document.documentElement).scrollBehavior};
}"""


def test_reduced_motion_turns_animation_off(chromium, demo_site):
    for path in (demo_site.path("home"), demo_site.path("amazon-ring")):
        with open_page(chromium, demo_site.url, width="desktop") as page:
            page.goto(path)
            moving = page.evaluate(MOTION)
        with open_page(chromium, demo_site.url, width="desktop", reduced_motion="reduce") as page:
            page.goto(path)
            still = page.evaluate(MOTION)
        assert moving["longest"] >= 100 and moving["scroll"] == "smooth"  # the site does move by default…
        assert still["longest"] <= 0.01 and still["scroll"] == "auto"  # …and stops when asked to
