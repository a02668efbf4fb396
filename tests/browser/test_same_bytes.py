"""In a real browser: an anonymous reader gets no cookie until they start to write,
and the forms on the shared pages still post, with JavaScript (the token fetched on focus) and
without it (the page's stamp, sent from this site)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from hublet.extensions import db
from hublet.models import ContactMessage
from tests.browser.conftest import new_context
from tests.builders import make_article
from tests.comments.helpers import add_comment, all_comments


def _field(page: Page, label: str):  # type: ignore[no-untyped-def]
    return page.locator("#commentform").get_by_label(re.compile(rf"^{label}\b"))


def _cookie_names(page: Page) -> set[str]:
    return {cookie["name"] for cookie in page.context.cookies()}


def test_reading_sets_no_cookie_focusing_the_form_fetches_the_token(page: Page, ctx):
    article = make_article("Quiet harbour")
    page.goto("/")
    with page.expect_response(re.compile(rf"/article/{article.id}/view$")) as beacon:
        page.goto("/article/quiet-harbour")
    # The view beacon needs no token: the browser says it comes from this site.
    assert beacon.value.status == 204
    expect(page.locator("#commentform")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert "session" not in _cookie_names(page)
    assert page.locator("#commentform input[name='csrf_token']").count() == 0

    with page.expect_response(re.compile(r"/form-token$")):
        _field(page, "Comment").click()
    expect(page.locator("#commentform input[name='csrf_token']")).to_have_count(1)
    assert "session" in _cookie_names(page)
    _field(page, "Comment").fill("Typed after the token came.")
    _field(page, "Name").fill("Ann Reader")
    _field(page, "Email").fill("ann@example.com")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comment-list > li.comment")).to_contain_text(
        "Typed after the token came."
    )
    assert page.url.endswith("/article/quiet-harbour")  # htmx: no reload


def test_pressing_reply_fetches_the_token_and_the_reply_nests(page: Page, ctx):
    article = make_article("Town square")
    parent = add_comment(article, name="Bo Parent")
    page.goto("/article/town-square")
    with page.expect_response(re.compile(r"/form-token$")):
        page.get_by_role("link", name="Reply to Bo Parent").click()
    expect(page.locator("#commentform input[name='csrf_token']")).to_have_count(1)
    _field(page, "Comment").fill("A reply with a fetched token.")
    _field(page, "Name").fill("Cy Reply")
    _field(page, "Email").fill("cy@example.com")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(f"#comment-{parent.id}-replies > li.comment")).to_contain_text(
        "A reply with a fetched token."
    )
    assert all_comments()[-1].parent_id == parent.id


def test_without_javascript_the_shared_pages_forms_still_post(browser, live_server, ctx):
    make_article("Plain harbour")
    context = new_context(browser, live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/article/plain-harbour")
        assert not context.cookies()
        page.locator("#commentform").get_by_label(re.compile(r"^Comment\b")).fill("No script.")
        page.locator("#commentform").get_by_label(re.compile(r"^Name\b")).fill("Dee Reader")
        page.locator("#commentform").get_by_label(re.compile(r"^Email\b")).fill("dee@example.com")
        page.get_by_role("button", name="Post Comment").click()
        expect(page).to_have_url(re.compile(r"/article/plain-harbour#comment-\d+$"))
        expect(page.locator("#comment-list")).to_contain_text("No script.")

        other = new_context(browser, live_server.url, java_script_enabled=False)
        try:
            contact = other.new_page()
            contact.goto("/contact-us")
            assert not other.cookies()
            contact.get_by_label("Name").fill("Rosa Reader")
            contact.get_by_label("Email").fill("rosa@example.org")
            contact.get_by_label("Subject").fill("A correction")
            contact.get_by_label("Message").fill("The bridge reopened on Tuesday.")
            contact.get_by_role("button", name="Send Message").click()
            expect(contact.get_by_text("Thank you for your message.")).to_be_visible()
        finally:
            other.close()
        db.session.rollback()
        assert db.session.query(ContactMessage).count() == 1
    finally:
        context.close()
