"""The story editor's live parts in a real browser: a draft saves itself as the author types,
the preview follows the body, tags are suggested, a lost connection is said, and a save from
an older version in a second browser gets the conflict page."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.axe import COLOUR_RULES, read_axe_source, violations
from tests.browser.test_newsroom import log_in, open_tab
from tests.builders import make_category, make_tag
from tests.newsroom.helpers import PASSWORD

SAVED = re.compile(r"^Saved \d\d:\d\d$")


@pytest.fixture
def desk(app: Flask, live_server) -> None:  # type: ignore[no-untyped-def]
    """A category, an existing tag, an author "writer" and an editor "desk"."""
    from hublet.moderation.accounts import create_account

    with app.app_context():
        make_category("News")
        make_tag("Harbour")
        create_account("writer", PASSWORD, "author")
        create_account("desk", PASSWORD, "editor")


def real_errors(errors: list[str]) -> list[str]:
    """Console errors but the HTTP statuses the tests provoke (a 409, a dropped request)."""
    return [
        e for e in errors
        if "status of 4" not in e and "status of 5" not in e and "ERR_FAILED" not in e
    ]  # fmt: skip


def start_story(page: Page) -> None:
    page.get_by_role("link", name="New story").first.click()
    # A person reads the page before typing; a test waits until htmx has set the editor up.
    expect(page.locator("#story-autosave")).to_have_attribute("data-htmx-powered", "true")
    page.get_by_label("Title").fill("Ferry timetable changes")
    page.get_by_label("Category").select_option(label="News")


def test_a_draft_saves_itself_and_the_preview_follows_the_body(browser, live_server, desk):
    page, watch = open_tab(browser, live_server.url)
    log_in(page, "writer")
    start_story(page)
    status = page.locator("#save-status")
    expect(page.get_by_text("Drafts save themselves as you type.")).to_be_visible()
    # Nothing pressed: the draft is saved, and the page is now the story's own editor.
    expect(status).to_have_text(SAVED, timeout=15_000)
    expect(page).to_have_url(re.compile(r"/newsroom/\d+/edit$"))
    story_url = page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit story")

    body = page.get_by_label("Body (Markdown)")
    body.click()
    body.press_sequentially("The **winter** timetable starts on *Monday*.", delay=20)
    preview = page.locator("#story-preview")
    expect(preview.locator("strong", has_text="winter")).to_be_visible()
    expect(preview.locator("em", has_text="Monday")).to_be_visible()
    expect(body).to_be_focused()  # the swaps never take the writer's place

    # The tags field suggests an existing tag as it is typed.
    tags = page.get_by_label("Tags")
    tags.press_sequentially("Ferries, harb", delay=30)
    expect(page.locator("#tag-suggestions option[value='Ferries, Harbour']")).to_have_count(1)
    expect(tags).to_be_focused()

    # The autosave after the body kept the story's version: no conflict with itself, one story.
    expect(status).to_have_text(SAVED, timeout=15_000)
    page.wait_for_timeout(2_500)  # let a queued save land
    expect(status).to_have_text(SAVED)
    page.goto(story_url)
    expect(page.get_by_label("Body (Markdown)")).to_have_value(
        "The **winter** timetable starts on *Monday*."
    )
    page.get_by_role("link", name="Stories").click()
    expect(page.get_by_role("link", name="Ferry timetable changes")).to_have_count(1)

    page.goto(story_url)
    problems = violations(page, read_axe_source())
    assert not problems, "\n".join(problems)
    assert not real_errors(watch.errors), watch.errors


def test_a_lost_connection_is_said_and_the_text_stays(browser, live_server, desk):
    page, _watch = open_tab(browser, live_server.url)
    log_in(page, "writer")
    start_story(page)
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=15_000)
    page.route(
        re.compile(r"/newsroom/\d+/edit$"),
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    body = page.get_by_label("Body (Markdown)")
    body.click()
    body.press_sequentially("Words typed while offline.", delay=10)
    body.press("Tab")  # leaving the field saves at once
    expect(page.locator("#save-status")).to_have_text(
        "Not saved: connection lost, your text is still here.", timeout=15_000
    )
    expect(body).to_have_value("Words typed while offline.")


def test_a_save_from_an_older_version_in_a_second_browser_gets_the_conflict(
    browser, live_server, desk
):
    author, author_watch = open_tab(browser, live_server.url)
    log_in(author, "writer")
    start_story(author)
    expect(author.locator("#save-status")).to_have_text(SAVED, timeout=15_000)
    story_url = author.url

    editor, editor_watch = open_tab(browser, live_server.url)
    log_in(editor, "desk")
    editor.goto(story_url)  # opens the version the author has now

    # The author goes on writing: the draft saves itself, so the editor's page is now old.
    body = author.get_by_label("Body (Markdown)")
    body.click()
    with author.expect_response(
        lambda r: r.request.method == "POST" and "latest+paragraph." in (r.request.post_data or "")
        and "autosave" in (r.request.post_data or ""), timeout=15_000,
    ) as saved:  # fmt: skip
        body.press_sequentially("The author's latest paragraph.", delay=10)
    assert saved.value.status == 200
    expect(author.locator("#save-status")).to_have_text(SAVED)

    editor.get_by_label("Title").fill("The desk's headline")
    editor.get_by_role("button", name="Save draft").click()
    expect(
        editor.get_by_role("heading", name="Someone else saved this story meanwhile")
    ).to_be_visible()
    expect(editor.get_by_label("Stored body (Markdown)")).to_have_value(
        "The author's latest paragraph."
    )
    expect(editor.get_by_label("Title")).to_have_value("The desk's headline")  # not lost
    axe = read_axe_source()
    for scheme in ("light", "dark"):
        editor.emulate_media(color_scheme=scheme)
        problems = violations(editor, axe, rules=COLOUR_RULES if scheme == "dark" else None)
        assert not problems, f"conflict page, {scheme}:\n" + "\n".join(problems)

    author.reload()
    expect(author.get_by_label("Title")).to_have_value("Ferry timetable changes")  # not overwritten
    for watch in (author_watch, editor_watch):
        assert not real_errors(watch.errors), watch.errors


def test_a_button_pressed_while_a_draft_is_saving_is_not_a_conflict(browser, live_server, desk):
    page, watch = open_tab(browser, live_server.url)
    log_in(page, "writer")
    start_story(page)
    expect(page.locator("#save-status")).to_have_text(SAVED, timeout=15_000)
    body = page.get_by_label("Body (Markdown)")
    body.fill("Typed just before pressing the button.")
    body.press("Tab")  # leaving the field sends a save at once...
    page.get_by_role("button", name="Submit for review").click()  # ...and this goes after it
    expect(page.locator(".flashes")).to_contain_text("Sent for review.")
    expect(
        page.get_by_role("heading", name="Someone else saved this story meanwhile")
    ).to_have_count(0)
    expect(page.get_by_label("Body (Markdown)")).to_have_value(
        "Typed just before pressing the button."
    )
    page.get_by_role("link", name="Stories").click()
    page.get_by_role("link", name=re.compile("In review")).click()
    expect(page.get_by_role("link", name="Ferry timetable changes")).to_have_count(1)
    assert not real_errors(watch.errors), watch.errors
