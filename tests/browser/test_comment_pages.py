"""Long comment threads in pages: Newer / Older comments with htmx and without JavaScript."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import new_context
from tests.builders import make_article
from tests.comments.helpers import add_comment, all_comments

PER_PAGE = 3


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "COMMENTS_PER_PAGE": PER_PAGE}


def _thread(slug: str, tops: int) -> list:
    article = make_article(slug.replace("-", " ").title(), slug=slug)
    comments = [
        add_comment(article, text=f"Top {n}", age=timedelta(hours=100 - n)) for n in range(tops)
    ]
    add_comment(article, text="Reply 4", parent=comments[4], age=timedelta(minutes=3))
    return comments


def _tops(page: Page):  # type: ignore[no-untyped-def]
    """The top-level comments on screen, in order."""
    return page.locator(".comment-list:visible > li.comment > .comment-body .comment-content")


def test_newer_then_older_comments_load_in_place(page: Page, ctx):
    _thread("long-night", 8)  # pages: 0-2, 3-5 (with Reply 4), 6-7
    page.goto("/article/long-night?cpage=2")
    page.evaluate("window.notReloaded = true")
    expect(_tops(page)).to_have_text(["Top 3", "Top 4", "Top 5"])
    expect(page.get_by_text("Reply 4")).to_be_visible()

    page.get_by_role("link", name="Newer comments").click()
    expect(_tops(page)).to_have_text(["Top 3", "Top 4", "Top 5", "Top 6", "Top 7"])
    expect(page.locator("#comment-list-3 > li.comment").first).to_be_focused()
    expect(page.get_by_role("link", name="Newer comments")).to_have_count(0)
    # The page that came in brought its own "Older comments" link: only the first one shows.
    expect(page.get_by_role("link", name="Older comments")).to_have_count(1)

    page.get_by_role("link", name="Older comments").click()
    expect(_tops(page)).to_have_text([f"Top {n}" for n in range(8)])
    expect(page.locator("#comment-list > li.comment").first).to_be_focused()
    expect(page.locator("#comment-list > li.comment").first).to_contain_text("Top 0")
    expect(page.get_by_role("link", name="Older comments")).to_have_count(0)
    expect(page.get_by_role("link", name="Newer comments")).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True  # no page load happened
    assert page.url.endswith("/article/long-night?cpage=2")


def test_a_comment_posted_on_the_last_page_appears_in_place(page: Page, ctx):
    _thread("late-reply", 8)
    page.goto("/article/late-reply")
    page.get_by_role("link", name="Newer comments").click()
    expect(_tops(page)).to_have_count(6)
    page.get_by_role("link", name="Newer comments").click()
    expect(_tops(page)).to_have_count(8)
    form = page.locator("#commentform")
    form.get_by_label(re.compile(r"^Comment\b")).fill("Last word here.")
    form.get_by_label(re.compile(r"^Name\b")).fill("Ann Reader")
    form.get_by_label(re.compile(r"^Email\b")).fill("ann@example.com")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comment-list-3 > li.comment").last).to_contain_text("Last word here.")
    expect(page.locator("#comment-list-3 > li.comment").last).to_contain_text(
        "Your comment is awaiting moderation."
    )


def test_a_comment_posted_from_the_first_page_links_to_its_page(page: Page, ctx):
    _thread("far-away", 8)
    page.goto("/article/far-away")
    form = page.locator("#commentform")
    form.get_by_label(re.compile(r"^Comment\b")).fill("Somewhere later.")
    form.get_by_label(re.compile(r"^Name\b")).fill("Ann Reader")
    form.get_by_label(re.compile(r"^Email\b")).fill("ann@example.com")
    page.get_by_role("button", name="Post Comment").click()
    status = page.locator("#respond").get_by_role("status")
    expect(status).to_contain_text("awaiting moderation")
    expect(page.get_by_text("Somewhere later.")).to_have_count(0)  # not on this page
    status.get_by_role("link", name="See it on page 3 of the comments.").click()
    expect(page).to_have_url(re.compile(r"/article/far-away\?cpage=3#comment-\d+$"))
    expect(page.locator("#comment-list-3 > li.comment").last).to_contain_text("Somewhere later.")


def test_without_javascript_the_links_open_the_pages(browser, live_server, ctx):
    _thread("no-script-pages", 8)
    context = new_context(browser, live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/article/no-script-pages")
        expect(_tops(page)).to_have_text(["Top 0", "Top 1", "Top 2"])
        page.get_by_role("link", name="Newer comments").click()
        expect(page).to_have_url(re.compile(r"/article/no-script-pages\?cpage=2#comments$"))
        expect(_tops(page)).to_have_text(["Top 3", "Top 4", "Top 5"])
        page.get_by_role("link", name="Newer comments").click()
        expect(_tops(page)).to_have_text(["Top 6", "Top 7"])
        page.get_by_role("link", name="Older comments").click()
        expect(page).to_have_url(re.compile(r"\?cpage=2#comments$"))
        expect(_tops(page)).to_have_text(["Top 3", "Top 4", "Top 5"])

        # A post lands on the page that holds it: the last one.
        form = page.locator("#commentform")
        form.get_by_label(re.compile(r"^Comment\b")).fill("Plain post, last page.")
        form.get_by_label(re.compile(r"^Name\b")).fill("Ann Reader")
        form.get_by_label(re.compile(r"^Email\b")).fill("ann@example.com")
        page.get_by_role("button", name="Post Comment").click()
        new = all_comments()[-1]
        expect(page).to_have_url(re.compile(rf"\?cpage=3#comment-{new.id}$"))
        expect(page.locator(f"#comment-{new.id}")).to_contain_text("Plain post, last page.")
    finally:
        context.close()
