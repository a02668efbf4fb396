"""Static pages in a real browser: an editor writes a page with the live preview beside it and
saves it; a reader sees it at its address; without JavaScript the Preview button shows the same;
a second editor's save over the first is refused with both versions shown. axe finds nothing."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect

from tests.browser.axe import COLOUR_RULES, read_axe_source, violations
from tests.browser.conftest import ConsoleWatch, new_context
from tests.browser.test_newsroom import log_in, open_tab
from tests.builders import make_page
from tests.newsroom.helpers import PASSWORD


@pytest.fixture
def desk(app: Flask, live_server) -> None:  # type: ignore[no-untyped-def]
    """Two editors and the seeded About Us page (HTML only, as the demo makes it)."""
    from hublet.moderation.accounts import create_account

    with app.app_context():
        create_account("desk", PASSWORD, "editor")
        create_account("night", PASSWORD, "editor")
        make_page("About Us", "about-us", body_html="<p>We are <em>Hublet</em>.</p>")


def test_an_editor_writes_a_page_with_a_live_preview_and_readers_see_it(
    browser: Browser, live_server, desk
):
    axe_source = read_axe_source()
    problems: list[str] = []

    def check(name: str) -> None:
        for scheme in ("light", "dark"):
            editor.emulate_media(color_scheme=scheme)
            rules = COLOUR_RULES if scheme == "dark" else None
            found = violations(editor, axe_source, rules=rules)
            problems.extend(f"{name} {scheme}: {line}" for line in found)

    editor, watch = open_tab(browser, live_server.url)
    log_in(editor, "desk")
    editor.get_by_role("link", name="Pages").click()
    expect(editor.get_by_role("link", name="About Us")).to_be_visible()
    check("pages")
    editor.get_by_role("link", name="Write a new page").click()
    check("page editor")
    editor.get_by_label("Title").fill("Press Office")
    editor.get_by_label("Body (Markdown)").press_sequentially("Call **us** at noon.", delay=20)
    expect(editor.locator("#page-preview strong")).to_have_text("us")  # htmx, as typed
    editor.get_by_label("Body (Markdown)").fill("Hi <img src=x onerror=alert(1)>")
    expect(editor.locator("#page-preview")).to_contain_text("No preview: The body contains HTML")
    editor.get_by_role("button", name="Save page").click()
    expect(editor.locator("#body-error")).to_contain_text("HTML that is not allowed")
    check("page editor with errors")
    editor.get_by_label("Body (Markdown)").fill("Call **us** at noon.")
    editor.get_by_role("button", name="Save page").click()
    expect(editor.locator(".flashes")).to_contain_text("Saved.")

    reader, reader_watch = open_tab(browser, live_server.url)
    reader.goto("/press-office")
    expect(reader.get_by_role("heading", name="Press Office")).to_be_visible()
    expect(reader.locator(".story-body strong")).to_have_text("us")
    assert not problems, "\n".join(problems)
    for each in (watch, reader_watch):
        errors = [e for e in each.errors if "status of 4" not in e and "status of 5" not in e]
        assert not errors, errors


def test_without_javascript_the_preview_button_shows_the_page(browser: Browser, live_server, desk):
    context = new_context(browser, live_server.url, java_script_enabled=False)
    page = context.new_page()
    watch = ConsoleWatch()
    page.on("console", watch)
    log_in(page, "desk")
    page.get_by_role("link", name="Pages").click()
    page.get_by_role("link", name="About Us").click()
    body = page.get_by_label("Body (Markdown)")
    expect(body).to_have_value("<p>We are <em>Hublet</em>.</p>")  # a seeded page's HTML
    body.fill("We are a *small* paper.")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#page-preview em")).to_have_text("small")
    expect(page).to_have_url(re.compile(r"#preview-heading$"))  # opened at the preview
    expect(page.get_by_label("Body (Markdown)")).to_have_value("We are a *small* paper.")
    page.goto("/about-us")
    expect(page.locator(".story-body em")).to_have_text("Hublet")  # nothing was stored
    context.close()


def test_a_second_editors_stale_save_is_refused_with_both_versions(
    browser: Browser, live_server, desk
):
    first, first_watch = open_tab(browser, live_server.url)
    second, second_watch = open_tab(browser, live_server.url)
    for tab, name in ((first, "desk"), (second, "night")):
        log_in(tab, name)
        tab.get_by_role("link", name="Pages").click()
        tab.get_by_role("link", name="About Us").click()
    first.get_by_label("Body (Markdown)").fill("The first editor's words.")
    first.get_by_role("button", name="Save page").click()
    expect(first.locator(".flashes")).to_contain_text("Saved.")

    second.get_by_label("Body (Markdown)").fill("The second editor's words.")
    second.get_by_role("button", name="Save page").click()
    expect(second.get_by_role("alert")).to_contain_text("Someone else saved this page meanwhile")
    expect(second.get_by_label("Their body")).to_have_value("The first editor's words.")
    expect(second.get_by_label("Body (Markdown)")).to_have_value("The second editor's words.")
    axe_source = read_axe_source()
    problems = violations(second, axe_source)
    assert not problems, "\n".join(problems)

    reader, _ = open_tab(browser, live_server.url)
    reader.goto("/about-us")
    expect(reader.locator(".story-body")).to_contain_text("The first editor's words.")

    second.get_by_role("button", name="Save page").click()  # knowingly, after reading theirs
    expect(second.locator(".flashes")).to_contain_text("Saved.")
    reader.reload()
    expect(reader.locator(".story-body")).to_contain_text("The second editor's words.")
    expect(reader).to_have_url(re.compile(r"/about-us$"))
    for each in (first_watch, second_watch):
        errors = [e for e in each.errors if "status of 4" not in e and "status of 5" not in e]
        assert not errors, errors
