"""What every page must pass in the browser, as assertions with messages that say what to fix.

- accessibility: axe-core (bundled by axe-playwright-python) at WCAG 2.2 A and AA, zero violations;
- no horizontal scrolling: nothing is wider than the screen;
- tap targets: everything one taps is at least 24 × 24 px, except links inside a sentence (WCAG 2.5.8).
"""

from axe_playwright_python.base import AXE_SCRIPT

# axe-core's rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA; no rule is turned off.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
MIN_TARGET = 24

_RUN_AXE = """async ([include, options]) => {
    const results = await axe.run(include ? {include: [include]} : document, options);
    return results.violations;
}"""


def axe_violations(page, include=None):
    """axe-core's WCAG A/AA violations on `page` (or inside the element `include` selects)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate(_RUN_AXE, [include, AXE_OPTIONS])


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['html'][:160]}")
            lines.append(f"        {node['failureSummary'].replace(chr(10), ' ')[:300]}")
    return "\n".join(lines)


# Colours in the middle of a fade (a message sliding in) are neither the start's nor the end's: axe-core
# judges the page once the transitions of the moment have ended (not the slow decorative loops, such as
# the admin's 25-second pulse on a badge).
_AT_REST = """async () => {
    const ending = document.getAnimations().filter(animation => animation.playState === "running"
        && animation.effect.getComputedTiming().endTime - animation.currentTime <= 2000);
    await Promise.allSettled(ending.map(animation => animation.finished));
}"""


def assert_accessible(page, include=None, where=""):
    page.evaluate(_AT_REST)
    violations = axe_violations(page, include)
    assert not violations, f"axe-core at WCAG 2.2 AA on {where or page.url}:\n{describe(violations)}"


# What a visitor cannot reach: the page scrolls sideways, or something sticks out past the left edge (where
# no scrolling reaches it), unless a scrolling box of its own holds it. Screen-reader-only text is left out.
_WIDER_THAN_THE_SCREEN = """() => {
    const screen = document.documentElement.clientWidth;
    const describe = (element, box) => `${element.tagName.toLowerCase()}.${element.className} `
        + `(${Math.round(box.left)} to ${Math.round(box.right)} px): ` + (element.textContent || "").trim().slice(0, 50);
    const scrolledWithin = (element) => {
        for (let parent = element.parentElement; parent; parent = parent.parentElement) {
            if (["auto", "scroll"].includes(getComputedStyle(parent).overflowX)) return true;
        }
        return false;
    };
    const wide = [], cut = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (!box.width || !element.checkVisibility({visibilityProperty: true})) continue;  // e.g. in a closed <details>
        if (box.right > screen + 0.5) wide.push(describe(element, box));
        if (box.left < -0.5 && box.right > 0.5 && !scrolledWithin(element)
            && !element.closest(".visually-hidden, .w-sr-only, .skip-link, [aria-hidden='true']")) {
            cut.push(describe(element, box));
        }
    }
    return {overflow: document.documentElement.scrollWidth - screen, wide: wide.slice(0, 8), cut: cut.slice(0, 8)};
}"""


def assert_no_horizontal_overflow(page, where=""):
    found = page.evaluate(_WIDER_THAN_THE_SCREEN)
    assert found["overflow"] <= 0, (
        f"{where or page.url} scrolls sideways by {found['overflow']} px; too wide:\n"
        + "\n".join(found["wide"])
    )
    assert not found["cut"], f"{where or page.url} cuts off at its left edge:\n" + "\n".join(found["cut"])


# Targets one taps, laid out (not hidden, not off-screen like the skip link before it is focused or the
# honeypot), except links within a line of text, whose size the text decides (WCAG 2.5.8's "inline").
_SMALL_TARGETS = """(minimum) => {
    const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex='-1'])";
    const small = [];
    for (const element of document.querySelectorAll(selector)) {
        const box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        if (!box.width || !box.height || style.visibility === "hidden") continue;
        if (box.right + window.scrollX <= 0 || box.bottom + window.scrollY <= 0) continue;
        if (element.closest("[aria-hidden='true'], .visually-hidden")) continue;
        const parent = element.parentElement;
        const inText = style.display === "inline" && parent
            && parent.textContent.trim().length > element.textContent.trim().length;
        if (inText) continue;
        if (box.width < minimum - 0.01 || box.height < minimum - 0.01) {
            small.push(`${element.tagName.toLowerCase()} "${(element.textContent || element.name || "").trim().slice(0, 40)}" `
                + `${box.width.toFixed(1)} × ${box.height.toFixed(1)} px`);
        }
    }
    return small;
}"""


def assert_tap_targets(page, where=""):
    small = page.evaluate(_SMALL_TARGETS, MIN_TARGET)
    assert not small, (
        f"targets smaller than {MIN_TARGET} × {MIN_TARGET} px on {where or page.url}:\n" + "\n".join(small)
    )


def assert_page_works_for_everyone(page, where=""):
    """The three checks above, at the page's current width."""
    assert_accessible(page, where=where)
    assert_no_horizontal_overflow(page, where=where)
    assert_tap_targets(page, where=where)
