"""Library pictures in a real browser: each loads one of its srcset's WebP files at the size the
layout gives it, What's Hot thumbnails are left out of a narrow screen, the search overlay
shows thumbnails as a reader types, and axe finds nothing wrong with any of it."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import read_axe_source, violations
from tests.browser.conftest import new_context
from tests.media.test_responsive_everywhere import pictured_site


@pytest.fixture(scope="module")
def axe_source() -> str:
    return read_axe_source()


def _loaded_pictures(page: Page, selector: str = "img[srcset]") -> list[dict]:
    """Every loaded library <img>: the file the browser chose, and the widths it has and shows."""
    return page.evaluate(
        """selector => [...document.querySelectorAll(selector)]
            .filter(img => img.complete && img.currentSrc)
            .map(img => ({src: img.currentSrc, natural: img.naturalWidth,
                          shown: img.getBoundingClientRect().width}))""",
        selector,
    )


def _scroll_through(page: Page) -> None:
    """Down the whole page, so that lazy pictures and htmx lists load, then back up."""
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height + 900, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(60)
    expect(page.locator(".list-slot-link")).to_have_count(0)
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("path", ["/", "/article/harbour-0", "/search?q=harbour"])
def test_pictures_load_a_webp_that_fits_and_pass_axe(
    app: Flask, live_server, browser: Browser, axe_source: str, path: str, width: int
) -> None:
    pictured_site(app)
    context = new_context(browser, live_server.url, viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(path)
        _scroll_through(page)
        loaded = _loaded_pictures(page)
        assert len(loaded) >= 5, loaded
        widest: dict[str, float] = {}  # a file shown at several sizes was chosen for the widest
        for picture in loaded:
            widest[picture["src"]] = max(widest.get(picture["src"], 0), picture["shown"])
        for picture in loaded:
            assert "/media/" in picture["src"] and picture["src"].endswith(".webp"), picture
            # Wide enough for where it is shown, and not much wider: a 80px thumbnail gets the
            # 400 file, a story column of 343px the 400 or 800, never the largest.
            assert picture["natural"] >= min(picture["shown"], 1000), picture
            assert picture["natural"] <= max(400, 2 * widest[picture["src"]]), picture
        assert not violations(page, axe_source), violations(page, axe_source)

        hot = page.locator(".whats-hot-list img")
        expect(hot).to_have_count(3)
        if width < 800:  # decoration that a narrow strip leaves out (lazy: not fetched for it)
            expect(hot.first).to_be_hidden()
        else:
            expect(hot.first).to_be_visible()
            hot_sources = page.evaluate(
                "() => [...document.querySelectorAll('.whats-hot-list img')].map(i => i.currentSrc)"
            )
            assert all(src.endswith(".webp") for src in hot_sources), hot_sources
    finally:
        context.close()


def test_the_search_overlay_shows_thumbnails_as_a_reader_types(
    app: Flask, live_server, browser: Browser
) -> None:
    pictured_site(app)
    context = new_context(browser, live_server.url, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto("/")
        page.locator("#search-button").click()
        page.keyboard.type("harb", delay=40)
        items = page.locator(".search-live-item")
        expect(items).to_have_count(5)
        thumb = items.first.locator("img.thumb")
        expect(thumb).to_be_visible()
        expect(thumb).to_have_attribute("sizes", "64px")
        expect(items.first.locator("a")).to_have_accessible_name(re.compile(r"^Harbour story"))
        for _ in range(50):  # lazy, and in view: they load at once (no eval: the page's CSP)
            if len(_loaded_pictures(page, ".search-live-item img")) >= 5:
                break
            page.wait_for_timeout(100)
        chosen = [p["src"] for p in _loaded_pictures(page, ".search-live-item img")]
        assert len(chosen) == 5 and all(src.endswith(".webp") for src in chosen), chosen
    finally:
        context.close()
