"""The newsroom in a real browser: an author writes, saves and submits a story; an editor
publishes it; a reader finds it on the home page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import COLOUR_RULES, read_axe_source, violations
from tests.browser.conftest import ConsoleWatch, new_context
from tests.builders import make_category
from tests.newsroom.helpers import PASSWORD


@pytest.fixture
def newsroom(app: Flask, live_server) -> None:  # type: ignore[no-untyped-def]
    """A category, an author "writer" and an editor "desk"."""
    from hublet.moderation.accounts import create_account

    with app.app_context():
        make_category("News")
        create_account("writer", PASSWORD, "author")
        create_account("desk", PASSWORD, "editor")


def open_tab(browser: Browser, url: str) -> tuple[Page, ConsoleWatch]:
    """A tab in a fresh profile (its own cookies), watched for console errors."""
    tab = new_context(browser, url).new_page()
    watch = ConsoleWatch()
    tab.on("console", watch)
    tab.on("pageerror", lambda error: watch.errors.append(f"page error: {error}"))
    return tab, watch


def log_in(page: Page, username: str) -> None:
    page.goto("/newsroom/")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/newsroom/$"))


def test_an_author_writes_an_editor_publishes_a_reader_reads(browser, live_server, newsroom):
    author, author_watch = open_tab(browser, live_server.url)
    log_in(author, "writer")
    author.get_by_role("link", name="Write a new story").click()
    author.locator("#title").fill("Ferry timetable changes")
    author.get_by_label("Category").select_option(label="News")
    author.get_by_label("Tags").fill("Ferries, Harbour")
    author.get_by_label("Body (Markdown)").fill("The **winter** timetable starts on Monday.")
    author.get_by_role("button", name="Save draft").click()
    expect(author.locator(".flashes")).to_contain_text("Saved.")
    expect(author.get_by_role("button", name="Publish now")).to_have_count(0)
    author.get_by_role("button", name="Submit for review").click()
    expect(author.locator(".flashes")).to_contain_text("Sent for review.")
    author.get_by_role("link", name="Stories").click()
    author.get_by_role("link", name=re.compile("In review")).click()
    expect(author.get_by_role("link", name="Ferry timetable changes")).to_be_visible()

    editor, editor_watch = open_tab(browser, live_server.url)
    log_in(editor, "desk")
    editor.get_by_role("link", name=re.compile("In review")).click()
    editor.get_by_role("link", name="Ferry timetable changes").click()
    editor.get_by_role("button", name="Publish now").click()
    expect(editor.locator(".flashes")).to_contain_text("Published.")

    reader, reader_watch = open_tab(browser, live_server.url)
    reader.goto("/")
    reader.get_by_role("link", name="Ferry timetable changes").first.click()
    expect(reader.locator("article strong", has_text="winter")).to_be_visible()
    for watch in (author_watch, editor_watch, reader_watch):
        errors = [e for e in watch.errors if "status of 4" not in e and "status of 5" not in e]
        assert not errors, errors


@pytest.mark.parametrize("width", (375, 1280))
def test_axe_finds_nothing_on_the_newsroom_pages(browser, live_server, newsroom, width):
    page, watch = open_tab(browser, live_server.url)
    page.set_viewport_size({"width": width, "height": 900})
    axe_source = read_axe_source()
    log_in(page, "desk")
    problems = []

    def check(name: str) -> None:
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            rules = COLOUR_RULES if scheme == "dark" else None
            found = violations(page, axe_source, rules=rules)
            problems.extend(f"{name} {scheme}: {line}" for line in found)

    check("listing")
    page.get_by_role("link", name="Write a new story").click()
    check("editor")
    page.get_by_role("button", name="Save draft").click()  # no title, no category
    expect(page.locator(".form-error-summary")).to_be_visible()
    check("editor with errors")
    assert not problems, "\n".join(problems)
    assert not [e for e in watch.errors if "status of 4" not in e], watch.errors
