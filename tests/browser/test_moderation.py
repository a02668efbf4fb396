"""The moderation page in a real browser: login, row actions with htmx, bulk, limits, logout."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import new_context
from tests.builders import make_article, make_comment, make_moderator
from tests.moderation.helpers import PASSWORD


@pytest.fixture
def comments(app: Flask, live_server) -> dict:  # type: ignore[no-untyped-def]
    """A moderator and four pending comments on one article, Dora's the newest."""
    with app.app_context():
        make_moderator("mod")
        article = make_article("Harbour bridge reopens")
        names = ["Alice", "Bob", "Carol", "Dora"]
        ids = {}
        for minutes, name in enumerate(reversed(names)):
            comment = make_comment(
                article,
                author_name=name,
                author_email=f"{name.lower()}@example.com",
                text=f"{name} thinks the bridge looks great.",
                age=timedelta(minutes=minutes + 1),
            )
            ids[name] = comment.id
        return {"slug": article.slug, "ids": ids}


def log_in(page: Page, username: str = "mod", password: str = PASSWORD) -> None:
    page.goto("/moderation/")
    expect(page).to_have_url(re.compile(r"/moderation/login\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def count(page: Page, status: str):  # type: ignore[no-untyped-def]
    return page.locator(f"#mod-tabs .mod-count[data-status='{status}']")


def row(page: Page, name: str):  # type: ignore[no-untyped-def]
    return page.locator("#mod-rows .mod-row").filter(has_text=f"{name.lower()}@example.com")


def test_login_then_approve_spam_trash_restore_delete_with_htmx(page: Page, comments):
    log_in(page)
    expect(page).to_have_url(re.compile(r"/moderation/$"))
    expect(page.get_by_role("heading", name="Comments")).to_be_visible()
    expect(count(page, "pending")).to_have_text("4")
    # The page is never reloaded: a marker set now must survive every action.
    page.evaluate("window.stillTheSamePage = true")

    row(page, "Alice").get_by_role("button", name="Approve").click()
    expect(row(page, "Alice")).to_have_count(0)
    expect(count(page, "pending")).to_have_text("3")
    expect(count(page, "approved")).to_have_text("1")
    expect(page.locator("#mod-status")).to_contain_text("The comment by Alice was approved.")

    row(page, "Bob").get_by_role("button", name="Spam").click()
    expect(row(page, "Bob")).to_have_count(0)
    expect(count(page, "spam")).to_have_text("1")
    expect(count(page, "pending")).to_have_text("2")

    row(page, "Carol").get_by_role("button", name="Trash").click()
    expect(row(page, "Carol")).to_have_count(0)
    expect(count(page, "trash")).to_have_text("1")
    expect(count(page, "pending")).to_have_text("1")
    assert page.evaluate("window.stillTheSamePage") is True

    # The approved comment is public at once.
    reader = page.context.new_page()
    reader.goto(f"/article/{comments['slug']}")
    expect(reader.locator("#comments")).to_contain_text("Alice thinks the bridge looks great.")
    expect(reader.locator("#comments")).not_to_contain_text("Bob thinks")
    reader.close()

    page.get_by_role("link", name=re.compile(r"^Trash")).click()
    expect(row(page, "Carol")).to_be_visible()
    page.evaluate("window.stillTheSamePage = true")
    row(page, "Carol").get_by_role("button", name="Restore").click()
    expect(row(page, "Carol")).to_have_count(0)
    expect(count(page, "trash")).to_have_text("0")
    expect(count(page, "pending")).to_have_text("2")

    page.get_by_role("link", name=re.compile(r"^Spam")).click()
    page.evaluate("window.stillTheSamePage = true")
    row(page, "Bob").get_by_role("button", name="Delete permanently").click()
    expect(row(page, "Bob")).to_have_count(0)
    expect(count(page, "spam")).to_have_text("0")
    expect(page.locator("#mod-status")).to_contain_text("deleted permanently")
    assert page.evaluate("window.stillTheSamePage") is True

    page.get_by_role("link", name="Audit log").click()
    table = page.locator("table.mod-table")
    for action in ("approve", "spam", "trash", "restore", "delete", "login"):
        expect(table).to_contain_text(action)


def test_keyboard_moderation_keeps_the_focus_in_the_list(page: Page, comments):
    log_in(page)
    first = row(page, "Dora").get_by_role("button", name="Approve")
    first.focus()
    page.keyboard.press("Enter")
    expect(row(page, "Dora")).to_have_count(0)
    expect(count(page, "approved")).to_have_text("1")
    # The focus moved to the next row, so Enter again moderates it.
    expect(row(page, "Carol").get_by_role("button", name="Approve")).to_be_focused()
    page.keyboard.press("Enter")
    expect(row(page, "Carol")).to_have_count(0)
    expect(count(page, "approved")).to_have_text("2")


def test_bulk_action_on_every_row_of_the_page(page: Page, comments):
    log_in(page)
    page.get_by_label("Select all on page").check()
    for name in ("Alice", "Bob", "Carol", "Dora"):
        expect(row(page, name).locator("input[type=checkbox]")).to_be_checked()
    row(page, "Carol").locator("input[type=checkbox]").uncheck()
    page.get_by_label("With the selected comments:").select_option("spam")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#mod-status")).to_contain_text("3 comments marked as spam.")
    expect(count(page, "spam")).to_have_text("3")
    expect(count(page, "pending")).to_have_text("1")
    expect(page.locator("#mod-rows .mod-row")).to_have_count(1)
    expect(row(page, "Carol")).to_be_visible()
    # The swapped-in listing works like the first one: select all again.
    page.get_by_label("Select all on page").check()
    expect(row(page, "Carol").locator("input[type=checkbox]")).to_be_checked()


def test_infinite_scroll_loads_the_next_fifty(page: Page, app: Flask, live_server):
    with app.app_context():
        make_moderator("mod")
        article = make_article("Busy thread")
        for n in range(60):
            make_comment(
                article,
                author_name=f"Reader {n:02d}",
                author_email=f"r{n}@example.com",
                age=timedelta(minutes=n),
            )
    log_in(page)
    rows = page.locator("#mod-rows .mod-row")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("Reader 00")
    page.locator(".mod-more a").scroll_into_view_if_needed()
    expect(rows).to_have_count(60)
    expect(rows.last).to_contain_text("Reader 59")
    expect(page.locator(".mod-more")).to_have_count(0)


def test_failed_logins_are_limited_with_a_message(page: Page, comments):
    page.goto("/moderation/login")
    for _ in range(5):
        page.get_by_label("Username").fill("mod")
        page.get_by_label("Password").fill("wrong password here")
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("alert")).to_have_text("Incorrect username or password.")
    page.get_by_label("Username").fill("mod")
    page.get_by_label("Password").fill(PASSWORD)  # even the right password waits now
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Too many failed logins. Please wait")
    expect(page.get_by_role("alert")).to_contain_text("second")
    expect(page).to_have_url(re.compile(r"/moderation/login$"))


def test_logout_kills_the_old_session_cookie(page: Page, browser, live_server, comments):
    log_in(page)
    expect(count(page, "pending")).to_have_text("4")
    copied = page.context.cookies()
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/moderation/login$"))
    expect(page.get_by_text("You have logged out.")).to_be_visible()

    thief = new_context(browser, live_server.url)
    try:
        thief.add_cookies(copied)
        stolen = thief.new_page()
        stolen.goto("/moderation/")
        expect(stolen).to_have_url(re.compile(r"/moderation/login\?next="))
        expect(stolen.locator("#mod-rows")).to_have_count(0)
    finally:
        thief.close()


def test_row_actions_work_without_javascript(browser, live_server, comments):
    context = new_context(browser, live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        log_in(page)
        row(page, "Alice").get_by_role("button", name="Approve").click()
        expect(page).to_have_url(re.compile(r"/moderation/\?status=pending$"))
        expect(page.locator("#mod-status")).to_contain_text("The comment by Alice was approved.")
        expect(row(page, "Alice")).to_have_count(0)
        expect(count(page, "approved")).to_have_text("1")
    finally:
        context.close()


def test_an_expired_session_sends_htmx_actions_to_the_login(page: Page, app: Flask, comments):
    from sqlalchemy import update

    from hublet.extensions import db
    from hublet.models import Comment, Moderator

    log_in(page)
    expect(count(page, "pending")).to_have_text("4")
    with app.app_context():  # logged out elsewhere: every session of this moderator ends
        db.session.execute(update(Moderator).values(session_version=Moderator.session_version + 1))
        db.session.commit()
    row(page, "Alice").get_by_role("button", name="Approve").click()
    expect(page).to_have_url(re.compile(r"/moderation/login\?next=/moderation/"))
    expect(page.get_by_role("heading", name="Moderator login")).to_be_visible()
    with app.app_context():
        statuses = db.session.scalars(db.select(Comment.status)).all()
        assert set(statuses) == {"pending"}


def test_an_error_shows_in_the_status_line_and_the_row_stays(page: Page, app: Flask, comments):
    from hublet.extensions import db
    from hublet.models import Comment

    log_in(page)
    with app.app_context():  # another moderator deleted it meanwhile
        db.session.delete(db.session.get(Comment, comments["ids"]["Bob"]))
        db.session.commit()
    row(page, "Bob").get_by_role("button", name="Spam").click()
    expect(page.locator("#mod-status")).to_contain_text("That comment no longer exists")
    expect(row(page, "Bob")).to_be_visible()
    expect(count(page, "spam")).to_have_text("0")


def test_articles_tab_searches_and_toggles_hot_and_featured(page: Page, app: Flask, comments):
    with app.app_context():
        make_article("Election night live")
    log_in(page)
    page.get_by_role("link", name="Articles").click()
    page.get_by_label("Search by title").fill("election")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table.mod-table tbody tr")
    expect(rows).to_have_count(1)
    page.evaluate("window.stillTheSamePage = true")
    hot = page.get_by_role("button", name="Hot: Election night live")
    expect(hot).to_have_attribute("aria-pressed", "false")
    hot.click()
    expect(hot).to_have_attribute("aria-pressed", "true")
    expect(hot).to_have_text("Hot: on")
    featured = page.get_by_role("button", name="Featured: Election night live")
    featured.click()
    expect(featured).to_have_text("Featured: on")
    assert page.evaluate("window.stillTheSamePage") is True
    reader = page.context.new_page()
    reader.goto("/")
    expect(reader.locator("[aria-labelledby='whats-hot-heading']")).to_contain_text(
        "Election night live"
    )
    reader.close()


def test_settings_tab_shows_errors_then_saves(page: Page, comments):
    log_in(page)
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Links threshold").fill("many")
    page.get_by_label("Disallowed keywords").fill("casino\nfree money")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Please enter a whole number, 0 or more.")).to_be_visible()
    expect(page.get_by_label("Disallowed keywords")).to_have_value("casino\nfree money")
    page.get_by_label("Links threshold").fill("1")
    page.get_by_label("Hold a commenter's first comment for approval").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("The settings were saved.")).to_be_visible()
    expect(page.get_by_label("Links threshold")).to_have_value("1")
    expect(page.get_by_label("Hold a commenter's first comment for approval")).not_to_be_checked()


def test_contact_inbox_read_mark_handled_and_delete(page: Page, app: Flask, comments):
    from hublet.extensions import db
    from hublet.models import ContactMessage

    with app.app_context():
        db.session.add(
            ContactMessage(
                name="Olga", email="olga@example.com", subject="Typo in a story", message="Hi!"
            )
        )
        db.session.commit()
    log_in(page)
    page.get_by_role("link", name="Contact messages").click()
    expect(page.get_by_text("1 not handled yet.")).to_be_visible()
    page.get_by_role("link", name="Typo in a story").click()
    expect(page.locator(".mod-message-text")).to_have_text("Hi!")
    page.get_by_role("button", name="Mark as handled").click()
    expect(page.get_by_text("Marked as handled.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as not handled")).to_be_visible()
    page.get_by_role("button", name="Delete message").click()
    expect(page.get_by_text("The message was deleted.")).to_be_visible()
    expect(page.get_by_text("No messages.")).to_be_visible()


def test_toggles_and_bulk_keep_the_keyboard_focus(page: Page, app: Flask, comments):
    log_in(page)
    page.get_by_label("Select all on page").focus()
    page.keyboard.press("Space")
    page.get_by_label("With the selected comments:").select_option("trash")
    page.get_by_role("button", name="Apply").focus()
    page.keyboard.press("Enter")
    expect(count(page, "trash")).to_have_text("4")
    expect(page.locator("#mod-status")).to_be_focused()

    page.get_by_role("link", name="Articles").click()
    hot = page.get_by_role("button", name="Hot: Harbour bridge reopens")
    hot.focus()
    page.keyboard.press("Enter")
    expect(hot).to_have_text("Hot: on")
    expect(hot).to_be_focused()
    page.keyboard.press("Enter")  # the focus stayed: Enter again turns it off
    expect(hot).to_have_text("Hot: off")
