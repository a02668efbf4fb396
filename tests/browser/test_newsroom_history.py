"""A story's history in a real browser: an editor opens the History, compares a revision and
restores it; a story goes to the trash and comes back; a preview link opens in a fresh
browser without an account."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.axe import COLOUR_RULES, read_axe_source, violations
from tests.browser.test_newsroom import log_in, open_tab
from tests.builders import make_category
from tests.newsroom.helpers import PASSWORD


def real_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if "status of 4" not in e and "status of 5" not in e]


@pytest.fixture
def story(app: Flask, live_server) -> int:  # type: ignore[no-untyped-def]
    """An editor "desk" and a story they published, then changed (two revisions)."""
    from hublet.extensions import db
    from hublet.models import Account
    from hublet.moderation.accounts import create_account
    from hublet.newsroom.queries import story as load_story
    from hublet.newsroom.services import StoryValues, save_story

    with app.app_context():
        news = make_category("News")
        create_account("desk", PASSWORD, "editor")
        desk = db.session.scalar(select(Account).where(Account.username == "desk"))
        values = StoryValues(
            title="Harbour pilots strike",
            slug="harbour-pilots-strike",
            category_id=news.id,
            tags=[],
            excerpt="The pilots walked out.",
            body_markdown="The pilots walked out at **dawn**.",
            hero_image="",
            hero_alt="",
            hero_caption="",
            hero_credit="",
            is_featured=False,
            is_hot=False,
            comments_open=True,
        )
        article = save_story(desk, None, values, "publish", publisher=True)
        changed = StoryValues(**{**values.__dict__, "body_markdown": "They walked out at noon."})
        save_story(desk, load_story(article.id), changed, "save", publisher=True)
        return article.id


def test_an_editor_restores_a_revision_from_the_history(browser, live_server, story):
    page, watch = open_tab(browser, live_server.url)
    log_in(page, "desk")
    page.get_by_role("link", name=re.compile("^Published")).click()
    page.get_by_role("link", name="Harbour pilots strike").click()
    expect(page.get_by_label("Body (Markdown)")).to_have_value("They walked out at noon.")
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="History of “Harbour pilots strike”")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("Published")
    rows.nth(1).get_by_role("link", name=re.compile("Compare")).click()
    body = page.locator(".diff-field").filter(has=page.get_by_role("heading", name="Body"))
    expect(body.locator("del")).to_contain_text(["dawn"])
    expect(body.locator("ins")).to_contain_text(["noon"])
    axe_problems = violations(page, read_axe_source())
    assert not axe_problems, axe_problems
    page.get_by_role("button", name="Restore this revision").click()
    expect(page.locator(".flashes")).to_contain_text("Restored the text of")
    expect(page.get_by_label("Body (Markdown)")).to_have_value("The pilots walked out at **dawn**.")
    page.get_by_role("link", name="History").click()
    expect(page.locator("tbody tr")).to_have_count(3)
    expect(page.locator("tbody tr").first).to_contain_text("Restored from an earlier revision")

    reader, reader_watch = open_tab(browser, live_server.url)
    reader.goto("/article/harbour-pilots-strike")
    expect(reader.locator("article strong", has_text="dawn")).to_be_visible()
    assert not real_errors(watch.errors + reader_watch.errors)


def test_a_story_goes_to_the_trash_and_comes_back(browser, live_server, story):
    page, watch = open_tab(browser, live_server.url)
    log_in(page, "desk")
    page.goto(f"/newsroom/{story}/edit")
    page.get_by_role("button", name="Move to trash").click()
    expect(page).to_have_url(re.compile(r"/newsroom/trash$"))
    expect(page.locator(".flashes")).to_contain_text("is in the trash")
    expect(page.get_by_role("cell", name="Harbour pilots strike", exact=True)).to_be_visible()
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        rules = COLOUR_RULES if scheme == "dark" else None
        problems = violations(page, read_axe_source(), rules=rules)
        assert not problems, f"{scheme}: {problems}"

    reader, reader_watch = open_tab(browser, live_server.url)
    response = reader.goto("/article/harbour-pilots-strike")
    assert response is not None and response.status == 404
    page.get_by_role("link", name="Stories").click()
    page.get_by_role("link", name=re.compile("^Published")).click()
    expect(page.get_by_role("link", name="Harbour pilots strike")).to_have_count(0)

    page.get_by_role("link", name="Trash").click()
    page.get_by_role("button", name="Restore “Harbour pilots strike”").click()
    expect(page.locator(".flashes")).to_contain_text("out of the trash: a draft again")
    expect(page).to_have_url(re.compile(rf"/newsroom/{story}/edit$"))
    page.get_by_role("link", name="Trash").click()
    expect(page.get_by_text("The trash is empty.")).to_be_visible()
    page.get_by_role("link", name="Stories").click()
    expect(page.get_by_role("link", name="Harbour pilots strike")).to_be_visible()  # Drafts
    assert not real_errors(watch.errors + reader_watch.errors)


def test_a_preview_link_opens_in_a_fresh_browser_without_an_account(browser, live_server, story):
    page, watch = open_tab(browser, live_server.url)
    log_in(page, "desk")
    page.goto(f"/newsroom/{story}/edit")
    page.get_by_role("button", name="Make a preview link").click()
    link = page.get_by_label("Preview link")
    expect(link).to_have_value(re.compile(r"/newsroom/preview/"))
    # htmx put it into the editor: the writer has not left their story.
    expect(page).to_have_url(re.compile(rf"/newsroom/{story}/edit$"))
    expect(page.locator("#preview-link-result")).to_contain_text("until")
    url = link.input_value()

    stranger, stranger_watch = open_tab(browser, live_server.url)
    path = re.sub(r"^https?://[^/]+", "", url)
    response = stranger.goto(path)
    assert response is not None and response.status == 200
    assert response.headers["cache-control"] == "private, no-store"
    expect(stranger.get_by_role("heading", level=1)).to_have_text("Harbour pilots strike")
    expect(stranger.locator("article .story-body")).to_contain_text("They walked out at noon.")
    expect(stranger.get_by_role("status").filter(has_text="Preview")).to_be_visible()
    expect(stranger.get_by_role("button", name="Log out")).to_have_count(0)

    response = stranger.goto(path[:-3] + "abc")
    assert response is not None and response.status == 404
    expect(stranger.get_by_text("This preview link is not valid")).to_be_visible()
    assert not real_errors(watch.errors + stranger_watch.errors)


def test_an_editor_sends_a_story_back_and_its_author_reads_the_note(app, browser, live_server):
    from hublet.extensions import db
    from hublet.models import Account
    from hublet.moderation.accounts import create_account
    from hublet.newsroom.services import StoryValues, save_story

    with app.app_context():
        news = make_category("News")
        create_account("writer", PASSWORD, "author")
        create_account("desk", PASSWORD, "editor")
        writer = db.session.scalar(select(Account).where(Account.username == "writer"))
        values = StoryValues(
            title="Ferry timetable changes",
            slug="ferry-timetable-changes",
            category_id=news.id,
            tags=[],
            excerpt="",
            body_markdown="The winter timetable starts on Monday.",
            hero_image="",
            hero_alt="",
            hero_caption="",
            hero_credit="",
            is_featured=False,
            is_hot=False,
            comments_open=True,
        )
        save_story(writer, None, values, "submit")

    editor, editor_watch = open_tab(browser, live_server.url)
    log_in(editor, "desk")
    editor.get_by_role("link", name=re.compile("^In review")).click()
    editor.get_by_role("link", name="Ferry timetable changes").click()
    editor.get_by_label("Note to the author").fill("Which Monday? Please add the date.")
    editor.get_by_role("button", name="Send back").click()
    expect(editor.locator(".flashes")).to_contain_text("Sent back to the author.")
    expect(editor.get_by_role("button", name="Send back")).to_have_count(0)

    author, author_watch = open_tab(browser, live_server.url)
    log_in(author, "writer")  # lands on Drafts
    expect(author.locator("tbody")).to_contain_text("Sent back: Which Monday? Please add the date.")
    author.get_by_role("link", name="Ferry timetable changes").click()
    note = author.get_by_role("region", name="Sent back with a note")
    expect(note).to_contain_text("Which Monday? Please add the date.")
    assert not real_errors(editor_watch.errors + author_watch.errors)
