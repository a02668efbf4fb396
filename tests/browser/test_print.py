"""Printing an article: Chromium renders it to PDF, and the paper holds the story alone, with
the address of every link in its body and its pictures at the width of the text."""

from __future__ import annotations

import io
import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.a11y_site import open_context, site  # noqa: F401

#: What the screen shows around the story and paper must not: menus, the top bar, sidebars,
#: What's Hot, share buttons, the search overlay, the comment form (and, by choice, comments).
NOT_ON_PAPER = [
    "Recent News",
    "Skip to content",
    "About Us",
    "Top Posts",
    "Featured Posts",
    "Most Popular",
    "What's Hot",
    "Facebook",
    "LinkedIn",
    "Copy link",
    "Type above and press Enter",
    "Leave A Reply",
    "Post Comment",
    "Related Posts",
    "The lights look wonderful",
]


def _squeezed(text: str) -> str:
    """Text without whitespace: a PDF breaks long addresses over lines wherever it likes."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def printed(browser, site) -> tuple[Page, str]:  # noqa: F811
    """The article with comments, loaded as a reader in dark mode would, and its PDF's text."""
    context = open_context(browser, site, color_scheme="dark")
    page = context.new_page()
    page.goto(site.paths["article"])
    expect(page.locator(".layout-sidebar .list-slot-link")).to_have_count(0)  # lists are in
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = "\n".join(sheet.extract_text() for sheet in reader.pages)
    yield page, text
    context.close()


def test_the_pdf_holds_the_story_and_the_address_of_each_link(printed):
    page, text = printed
    assert "Harbour lights return" in text
    assert "The harbour lights were switched back on at dusk" in text
    assert "Fishermen said the light made the narrow entrance safe again" in text
    assert "The harbour at dusk." in text  # a figure's caption
    flat = _squeezed(text)
    assert _squeezed("the full report (https://example.org/harbour-report)") in flat
    # A site-relative link is written out in full, from the page's canonical address.
    canonical = page.locator("link[rel='canonical']").get_attribute("href")
    absolute = urljoin(canonical, "/about-us")
    assert absolute.startswith("http")
    assert _squeezed(f"note about this newsroom ({absolute})") in flat


def test_the_pdf_leaves_out_the_page_chrome_and_the_comments(printed):
    _, text = printed
    found = [words for words in NOT_ON_PAPER if words in text]
    assert not found, f"on paper but should not be: {found}"


def test_print_media_keeps_pictures_at_column_width_in_black_on_white(printed):
    page, _ = printed
    page.emulate_media(media="print")
    for name in ("Main menu", "About this site"):
        expect(page.get_by_role("navigation", name=name)).to_be_hidden()
    expect(page.locator(".layout-sidebar")).to_be_hidden()
    expect(page.locator("#respond")).to_be_hidden()
    column = page.locator(".story-body").bounding_box()
    for picture in (page.locator(".story-hero img"), page.locator(".story-body figure img")):
        box = picture.bounding_box()
        assert box and column
        assert abs(box["width"] - column["width"]) < 1, "a picture is not as wide as the text"
    colours = page.evaluate(
        "[getComputedStyle(document.body).color, getComputedStyle(document.body).backgroundColor]"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(255, 255, 255)"]
