"""The search overlay and the results page, driven like a reader would."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import new_context
from tests.builders import make_article, make_category

OVERLAY = "#search-overlay"
INPUT = "#search-overlay-input"
LIVE_ITEMS = "#search-overlay-results .search-live-item"
RESULT_CARDS = "#search-results article.search-card"


def _copper_stories(count: int = 8) -> None:
    desk = make_category("Markets desk")
    for n in range(count):
        make_article(f"Copper prices {n}", category=desk, age=timedelta(hours=n + 1))


def test_the_button_opens_the_overlay_typing_shows_live_results_and_esc_closes(page: Page, ctx):
    _copper_stories()
    page.goto("/")
    button = page.locator("#search-button")
    button.click()
    expect(page.locator(OVERLAY)).to_be_visible()
    expect(page.locator(INPUT)).to_be_focused()
    expect(page.locator(OVERLAY)).to_contain_text(
        "Type above and press Enter to search. Press Esc to cancel."
    )
    assert page.url.endswith("/")  # the link was not followed

    page.keyboard.type("copp", delay=40)
    expect(page.locator(LIVE_ITEMS)).to_have_count(6)
    first = page.locator(LIVE_ITEMS).first
    expect(first.locator("mark")).to_have_text("Copper")
    expect(first).to_contain_text("Copper prices 0")
    expect(first).to_contain_text("Markets desk")
    expect(page.locator("#search-overlay-results")).to_contain_text("See all 8 results")
    expect(page.locator("#search-overlay-status")).to_have_text("8 results for “copp”")

    page.keyboard.press("Escape")
    expect(page.locator(OVERLAY)).to_be_hidden()
    expect(button).to_be_focused()


def test_the_newest_typing_wins_and_the_close_button_returns_focus(page: Page, ctx):
    _copper_stories(2)
    make_article("Zinc mines reopen")
    page.goto("/")
    page.locator("#search-button").click()
    page.keyboard.type("copper", delay=20)
    expect(page.locator(LIVE_ITEMS)).to_have_count(2)
    page.locator(INPUT).fill("")
    page.keyboard.type("zinc", delay=20)
    expect(page.locator(LIVE_ITEMS)).to_have_count(1)
    expect(page.locator(LIVE_ITEMS)).to_contain_text("Zinc mines reopen")
    expect(page.locator("#search-overlay-status")).to_have_text("1 result for “zinc”")
    page.get_by_role("button", name="Close search").click()
    expect(page.locator(OVERLAY)).to_be_hidden()
    expect(page.locator("#search-button")).to_be_focused()


def test_slash_opens_the_overlay_but_not_while_typing_in_a_field(page: Page, ctx):
    page.goto("/search")
    page.locator("main h1").click()
    page.keyboard.press("/")
    expect(page.locator(OVERLAY)).to_be_visible()
    expect(page.locator(INPUT)).to_be_focused()
    expect(page.locator(INPUT)).to_have_value("")
    page.keyboard.press("Escape")
    expect(page.locator(OVERLAY)).to_be_hidden()

    field = page.locator("#search-page-input")
    field.click()
    page.keyboard.type("a/b")
    expect(field).to_have_value("a/b")
    expect(page.locator(OVERLAY)).to_be_hidden()


def test_enter_opens_the_results_page(page: Page, ctx):
    _copper_stories()
    page.goto("/")
    page.locator("#search-button").click()
    page.keyboard.type("copper prices")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=copper+prices")
    expect(page.locator("main h1")).to_have_text("8 results for “copper prices”")
    expect(page.locator(RESULT_CARDS)).to_have_count(8)
    expect(page.locator(RESULT_CARDS).first.locator("mark").first).to_have_text("Copper")


def test_the_results_page_scrolls_on_to_every_result(page: Page, ctx):
    for n in range(25):
        make_article(f"Storm report {n}", age=timedelta(hours=n + 1))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/search?q=storm")
    expect(page.locator("main h1")).to_have_text("25 results for “storm”")
    cards = page.locator(RESULT_CARDS)
    expect(cards).to_have_count(10)
    more = page.get_by_role("link", name="More results")
    expect(more).to_have_attribute("href", "/search?q=storm&page=2")

    page.mouse.wheel(0, 20_000)
    expect(cards).to_have_count(20)
    page.mouse.wheel(0, 20_000)
    expect(cards).to_have_count(25)
    expect(page.locator("main")).to_contain_text("That is every result.")
    titles = cards.locator(".search-card-title").all_inner_texts()
    assert titles == [f"Storm report {n}" for n in range(25)]


def test_without_javascript_the_button_and_form_still_search(browser, live_server, ctx):
    _copper_stories(3)
    context = new_context(browser, live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        expect(page.locator(OVERLAY)).to_be_hidden()
        page.locator("#search-button").click()
        page.wait_for_url("**/search")
        expect(page.locator("main")).to_contain_text("Type a few words above")
        page.locator("#search-page-input").fill("copper")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=copper")
        expect(page.locator(RESULT_CARDS)).to_have_count(3)
    finally:
        context.close()
