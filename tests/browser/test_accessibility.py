"""Accessibility in a real browser: axe-core on the reader's pages, skip link, focus, headings."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import new_context

AXE_VERSION = "4.14.1"
AXE_FILE = Path(__file__).parent / "vendor" / f"axe-{AXE_VERSION}.min.js"
AXE_SHA256 = "KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="  # tests/browser/vendor/README.md
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_source() -> str:
    data = AXE_FILE.read_bytes()
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert digest == AXE_SHA256, f"{AXE_FILE.name} does not match its recorded integrity"
    return data.decode()


def _violations(page: Page, axe_source: str) -> list[str]:
    """Serious and critical axe violations of the page as it is now, one line each."""
    # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays on.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source + "\n;undefined")
    results = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                               resultTypes: ["violations"]});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: "
                       + (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 160))}));
        }""",
        AXE_TAGS,
    )
    return [
        f"[{v['impact']}] {v['id']}: {v['help']} -> {v['nodes']}"
        for v in results
        if v["impact"] in BLOCKING
    ]


def _pages(seeded) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        "/",
        f"/article/{seeded.article_slug}",
        "/category/business-finance",
        "/contact-us",
        "/no-such-page",
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_serious_violations(browser, seeded, axe_source, scheme, width):
    context = new_context(
        browser, seeded.url, color_scheme=scheme, viewport={"width": width, "height": 900}
    )
    try:
        page = context.new_page()
        found = {}
        for path in _pages(seeded):
            page.goto(path)
            problems = _violations(page, axe_source)
            if problems:
                found[path] = problems
        assert not found, "\n".join(f"{p}: {v}" for p, vs in found.items() for v in vs)
    finally:
        context.close()


def test_axe_on_open_menus_and_a_form_with_errors(page: Page, seeded, axe_source):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    page.get_by_role("navigation", name="Main menu").locator("summary", has_text="More").click()
    assert not _violations(page, axe_source)
    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_role("button", name="Menu", exact=True).click()
    expect(page.get_by_role("button", name="Close Menu")).to_be_visible()
    assert not _violations(page, axe_source)

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/contact-us")
    page.get_by_role("button", name="Send Message").click()
    expect(page.locator("#email-error")).to_be_visible()
    assert not _violations(page, axe_source)


def test_axe_catches_a_real_violation(page: Page, seeded, axe_source):
    """The check can fail: an unlabelled field and low-contrast text are reported."""
    page.goto("/contact-us")
    page.evaluate(
        """() => {
            document.querySelector('label[for="email"]').remove();
            document.querySelector('h1').style.color = '#bbbbbb';
        }"""
    )
    problems = " ".join(_violations(page, axe_source))
    assert "label" in problems
    assert "color-contrast" in problems


@pytest.mark.parametrize("path", ["/", "/contact-us", "/no-such-page"])
def test_skip_link_is_first_visible_on_focus_and_jumps_to_main(page: Page, seeded, path):
    page.goto(path)
    skip = page.get_by_role("link", name="Skip to content")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10, "the skip link must show when focused"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert inside_main


def test_every_page_has_landmarks_and_one_h1(page: Page, seeded):
    for path in _pages(seeded):
        page.goto(path)
        expect(page.locator("h1")).to_have_count(1)
        expect(page.get_by_role("main")).to_have_count(1)
        expect(page.get_by_role("banner")).to_have_count(1)
        expect(page.get_by_role("contentinfo")).to_have_count(1)
        expect(page.get_by_role("navigation", name="Main menu")).to_have_count(1)


def test_focus_is_visible_on_every_control_tabbed_to(page: Page, seeded):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/article/{seeded.article_slug}")
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 30),
                        outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                        shadow: s.boxShadow}; }"""
        )
        if style["tag"] == "BODY":
            continue
        seen += 1
        visible = (style["outline"] != "none" and style["width"] >= 2) or style["shadow"] != "none"
        assert visible, f"no visible focus on {style}"
    assert seen >= 30
