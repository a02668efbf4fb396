"""prefers-reduced-motion: a reader who asks for less motion gets no transition, animation or
smooth scrolling anywhere; everyone else keeps the sliding menu drawer."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y_site import open_context, site  # noqa: F401

STATIC_JS = Path(__file__).parents[2] / "static" / "js"

#: Every element (and its ::before/::after) whose computed style still moves something.
_MOVING = """() => {
    const moving = [];
    const zero = (value) => value.split(",").every(part => parseFloat(part) === 0);
    for (const element of document.querySelectorAll("*")) {
        for (const pseudo of [null, "::before", "::after"]) {
            const style = getComputedStyle(element, pseudo);
            const problems = [];
            if (!zero(style.transitionDuration))
                problems.push("transition " + style.transitionDuration);
            if (style.animationName !== "none" && !zero(style.animationDuration))
                problems.push("animation " + style.animationDuration);
            if (style.scrollBehavior !== "auto")
                problems.push("scroll-behavior " + style.scrollBehavior);
            if (problems.length)
                moving.push((element.id || element.className || element.tagName) + (pseudo || "")
                            + ": " + problems.join(", "));
        }
    }
    return moving.slice(0, 10);
}"""


def _open_drawer(page: Page) -> list[str]:
    """Open the narrow-screen menu drawer; the names of the animations it started."""
    page.get_by_role("button", name="Menu", exact=True).click()
    started = page.evaluate(
        "document.getAnimations().map(a => a.transitionProperty || a.animationName)"
    )
    expect(page.get_by_role("button", name="Close Menu")).to_be_visible()
    return started


@pytest.mark.parametrize("path_key", ["home", "article"])
def test_reduced_motion_stills_every_transition_and_smooth_scroll(browser, site, path_key):  # noqa: F811
    context = open_context(
        browser, site, reduced_motion="reduce", viewport={"width": 375, "height": 800}
    )
    try:
        page = context.new_page()
        page.goto(site.paths[path_key])
        assert page.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
        assert page.evaluate(_MOVING) == []
        assert _open_drawer(page) == [], "the drawer slid in although the reader asked for less"
        page.locator("#search-button").click()
        expect(page.get_by_role("dialog", name="Search")).to_be_visible()
        assert page.evaluate(_MOVING) == []
    finally:
        context.close()


def test_without_the_preference_the_drawer_still_slides(browser, site):  # noqa: F811
    """The check above can fail: the same drawer is animated for everyone else."""
    context = open_context(
        browser, site, reduced_motion="no-preference", viewport={"width": 375, "height": 800}
    )
    try:
        page = context.new_page()
        page.goto(site.paths["home"])
        duration = page.evaluate(
            "getComputedStyle(document.getElementById('main-menu')).transitionDuration"
        )
        assert duration == "0.2s"
        assert any("#main-menu" in line or "main-menu" in line for line in page.evaluate(_MOVING))
        assert _open_drawer(page) == ["transform"]
    finally:
        context.close()


def test_scripts_scroll_smoothly_only_for_readers_who_want_motion():
    """A script that asks for smooth scrolling must also check prefers-reduced-motion."""
    for script in sorted(STATIC_JS.glob("*.js")):
        source = script.read_text()
        if "smooth" in source:
            assert "prefers-reduced-motion" in source, f"{script.name} scrolls smoothly for all"
