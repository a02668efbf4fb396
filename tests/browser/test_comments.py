"""Reader comments in a real browser: post, reply, cancel, errors, flood, without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from hublet.comments import rules
from hublet.comments.rules import CommentSettings
from hublet.comments.services import set_comment_status
from hublet.database import writing
from hublet.extensions import db
from hublet.models import Comment
from tests.browser.conftest import new_context
from tests.builders import make_article
from tests.comments.helpers import add_comment, all_comments

FLOOD = "You are posting comments too quickly. Slow down."


def _field(page: Page, label: str):  # type: ignore[no-untyped-def]
    """A field of the comment form by its label (which ends in " *" when required)."""
    return page.locator("#commentform").get_by_label(re.compile(rf"^{label}\b"))


def _fill(page: Page, comment: str, name: str = "Ann Reader", email: str = "ann@example.com"):
    _field(page, "Comment").fill(comment)
    _field(page, "Name").fill(name)
    _field(page, "Email").fill(email)


def _no_flood() -> None:
    with writing():
        rules.save_settings(
            CommentSettings(**{**rules.get_settings().__dict__, "flood_seconds": 0})
        )


def test_htmx_post_is_pending_for_its_author_only_then_approved_for_everyone(
    page: Page, browser, live_server, ctx
):
    make_article("Harbour opens")
    page.goto("/article/harbour-opens")
    page.evaluate("window.notReloaded = true")
    _fill(page, "What a fine harbour.")
    page.get_by_role("button", name="Post Comment").click()

    mine = page.locator("#comment-list > li.comment")
    expect(mine).to_have_count(1)
    expect(mine).to_contain_text("What a fine harbour.")
    expect(mine).to_contain_text("Ann Reader")
    expect(mine.locator(".avatar")).to_have_text("AR")
    expect(mine).to_contain_text("Your comment is awaiting moderation.")
    expect(_field(page, "Comment")).to_have_value("")
    expect(page.locator("#respond").get_by_role("status")).to_contain_text("awaiting moderation")
    assert page.evaluate("window.notReloaded") is True  # no page load happened
    expect(page.locator("#comments-heading")).to_have_text("No Comments")

    page.reload()
    expect(page.locator("#comment-list > li.comment")).to_contain_text(
        "Your comment is awaiting moderation."
    )

    stranger_context = new_context(browser, live_server.url)
    try:
        stranger = stranger_context.new_page()
        stranger.goto("/article/harbour-opens")
        expect(stranger.locator("#comments-heading")).to_have_text("No Comments")
        expect(stranger.locator("#comment-list > li")).to_have_count(0)
        expect(stranger.get_by_text("What a fine harbour.")).to_have_count(0)

        (comment,) = all_comments()
        with writing():
            set_comment_status(db.session.get(Comment, comment.id), "approved")

        stranger.reload()
        expect(stranger.locator("#comment-list > li.comment")).to_contain_text(
            "What a fine harbour."
        )
        expect(stranger.locator("#comments-heading")).to_have_text("1 Comment")
        expect(stranger.locator(".meta-comments")).to_have_text("1 Comment")
        expect(stranger.get_by_text("Your comment is awaiting moderation.")).to_have_count(0)
    finally:
        stranger_context.close()
    page.reload()
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_have_count(0)
    expect(page.locator("#comment-list > li.comment")).to_contain_text("What a fine harbour.")


def test_approved_commenter_sees_the_count_rise_without_a_reload(page: Page, ctx):
    article = make_article("Count rises")
    add_comment(article, name="Ann Reader", email="ann@example.com")
    page.goto("/article/count-rises")
    expect(page.locator("#comments-heading")).to_have_text("1 Comment")
    _fill(page, "Back again with more.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comment-list > li.comment")).to_have_count(2)
    expect(page.locator("#comments-heading")).to_have_text("2 Comments")
    expect(page.locator(".meta-comments")).to_have_text("2 Comments")
    expect(page.locator("#respond").get_by_role("status")).to_contain_text(
        "your comment was posted"
    )


def test_reply_moves_the_form_cancel_puts_it_back_and_the_reply_nests(page: Page, ctx):
    article = make_article("Town hall")
    parent = add_comment(article, name="Bo Parent", text="The town hall needs a new roof.")
    page.goto("/article/town-hall")
    home = page.locator("#comments > #respond")
    under_parent = page.locator(f"#comment-{parent.id} > #respond")
    expect(home).to_have_count(1)
    cancel = page.get_by_role("link", name="Cancel Reply")
    expect(cancel).to_be_hidden()

    page.get_by_role("link", name="Reply to Bo Parent").click()
    expect(under_parent).to_have_count(1)
    expect(home).to_have_count(0)
    expect(page.locator("#reply-title")).to_contain_text("Reply to Bo Parent")
    expect(cancel).to_be_visible()
    expect(_field(page, "Comment")).to_be_focused()
    assert "replytocom" not in page.url  # JavaScript moved the form; no page load

    cancel.click()
    expect(home).to_have_count(1)
    expect(under_parent).to_have_count(0)
    expect(page.locator("#reply-title")).to_contain_text("Leave A Reply")
    expect(cancel).to_be_hidden()
    assert page.locator("input[name='parent_id']").input_value() == ""

    page.get_by_role("link", name="Reply to Bo Parent").click()
    _fill(page, "Agreed, and the clock too.", name="Cy Reply", email="cy@example.com")
    page.get_by_role("button", name="Post Comment").click()
    reply = page.locator(f"#comment-{parent.id}-replies > li.comment")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("Agreed, and the clock too.")
    expect(reply).to_contain_text("Your comment is awaiting moderation.")
    expect(home).to_have_count(1)  # the fresh form went back under the thread
    expect(page.locator("#reply-title")).to_contain_text("Leave A Reply")
    stored = all_comments()[-1]
    assert stored.parent_id == parent.id and stored.depth == 2


def test_posting_and_replying_work_without_javascript(browser, live_server, ctx):
    article = make_article("No script")
    parent = add_comment(article, name="Dee Parent")
    _no_flood()
    context = new_context(browser, live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/article/no-script")
        _fill(page, "Plain old form post.")
        page.get_by_role("button", name="Post Comment").click()
        expect(page).to_have_url(re.compile(r"/article/no-script#comment-\d+$"))
        new_id = int(page.url.rsplit("-", 1)[1])
        posted = page.locator(f"#comment-{new_id}")
        expect(posted).to_contain_text("Plain old form post.")
        expect(posted).to_contain_text("Your comment is awaiting moderation.")

        page.get_by_role("link", name="Reply to Dee Parent").click()
        expect(page).to_have_url(re.compile(rf"\?replytocom={parent.id}#respond$"))
        expect(page.locator("#reply-title")).to_contain_text("Reply to Dee Parent")
        expect(page.get_by_role("link", name="Cancel Reply")).to_be_visible()
        _fill(page, "A reply, no script needed.")
        page.get_by_role("button", name="Post Comment").click()
        expect(page).to_have_url(re.compile(r"/article/no-script#comment-\d+$"))
        reply_id = int(page.url.rsplit("-", 1)[1])
        expect(page.locator(f"#comment-{parent.id}-replies > #comment-{reply_id}")).to_contain_text(
            "A reply, no script needed."
        )
    finally:
        context.close()


def test_empty_comment_shows_its_error_beside_the_field(page: Page, ctx):
    make_article("Empty words")
    page.goto("/article/empty-words")
    _fill(page, "")
    page.get_by_role("button", name="Post Comment").click()
    field = page.locator(".field:has(#comment)")
    expect(field.locator(".field-error")).to_have_text("Please write your comment.")
    expect(page.locator("#comment")).to_have_attribute("aria-invalid", "true")
    expect(_field(page, "Name")).to_have_value("Ann Reader")
    expect(page.locator(".form-error-summary")).to_be_visible()
    expect(page.locator("#commentform")).to_have_count(1)  # the form was replaced, not nested
    assert all_comments() == []

    # Fixing it posts normally from the re-rendered form.
    _field(page, "Comment").fill("Now with words.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comment-list > li.comment")).to_contain_text("Now with words.")


def test_second_post_within_15_seconds_shows_the_flood_message(page: Page, ctx):
    make_article("Fast fingers")
    page.goto("/article/fast-fingers")
    _fill(page, "First thought.")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comment-list > li.comment")).to_have_count(1)

    _field(page, "Comment").fill("Second thought.")
    _field(page, "Name").fill("Ann Reader")
    _field(page, "Email").fill("ann@example.com")
    page.get_by_role("button", name="Post Comment").click()
    alert = page.locator("#commentform").get_by_role("alert")
    expect(alert).to_have_text(FLOOD)
    expect(_field(page, "Comment")).to_have_value("Second thought.")
    expect(page.locator("#comment-list > li.comment")).to_have_count(1)
    assert len(all_comments()) == 1


HOSTILE = [
    "<script>window.owned = 1</script>",
    '<img src=x onerror="window.owned = 2">',
    '<a href="javascript:window.owned = 3">click me</a>',
    '<strong hx-get="/moderation/" hx-trigger="load" hx-target="body">htmx</strong>',
    '<em data-hx-post="/article/x/comments" data-hx-trigger="load">data-hx</em>',
    '<span hx-on:click="window.owned = 4">hx-on</span>',
    "</div></article></li></ol><script>window.owned = 5</script><p>escaped?",
    '<hx-partial hx-target="body" hx-swap="innerHTML">taken</hx-partial>',
]


@pytest.mark.parametrize("via_htmx", [False, True])
def test_hostile_comments_run_nothing_in_the_browser(page: Page, ctx, via_htmx):
    article = make_article("Hostile")
    add_comment(article, name="Ann Reader", email="ann@example.com")
    page.on("dialog", lambda dialog: pytest.fail(f"a dialog opened: {dialog.message}"))
    if via_htmx:
        _no_flood()
        page.goto("/article/hostile")
        for payload in HOSTILE:
            _fill(page, payload)
            page.get_by_role("button", name="Post Comment").click()
            expect(page.locator("#comment-list > li.comment")).to_have_count(
                1 + HOSTILE.index(payload) + 1
            )
    else:
        for payload in HOSTILE:
            add_comment(article, text=payload, name="Mallory", email="m@example.com")
        page.goto("/article/hostile")
    expect(page.locator("#comment-list > li.comment")).to_have_count(1 + len(HOSTILE))
    page.locator("#comment-list a", has_text="click me").click()
    page.wait_for_timeout(300)
    assert page.evaluate("window.owned") is None
    bad = page.evaluate(
        """() => [...document.querySelectorAll('#comment-list .comment-content *')].flatMap(el =>
            [...el.attributes].map(a => a.name).filter(n => !['href', 'title', 'rel'].includes(n))
              .map(n => el.tagName + ' ' + n)
              .concat(FORBIDDEN.includes(el.tagName) ? [el.tagName] : []))""".replace(
            "FORBIDDEN", "['SCRIPT', 'IMG', 'SPAN', 'TEMPLATE', 'DIV']"
        )
    )
    assert bad == []
    expect(page.locator("#comments > #respond")).to_have_count(1)  # nothing escaped
    expect(page.locator("#comments-heading")).to_be_visible()


def test_saved_details_fill_the_form_next_time(page: Page, ctx):
    make_article("Remember me")
    page.goto("/article/remember-me")
    _fill(page, "Please remember me.", name="Eve Saver", email="eve@example.com")
    _field(page, "Website").fill("https://eve.example.com")
    page.get_by_label("Save my name, email, and website").check()
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comment-list > li.comment")).to_have_count(1)
    expect(_field(page, "Name")).to_have_value("Eve Saver")  # the fresh form keeps them
    expect(_field(page, "Comment")).to_have_value("")

    page.reload()
    expect(_field(page, "Name")).to_have_value("Eve Saver")
    expect(_field(page, "Email")).to_have_value("eve@example.com")
    expect(_field(page, "Website")).to_have_value("https://eve.example.com")
    expect(page.get_by_label("Save my name, email, and website")).to_be_checked()


def test_a_reply_with_an_error_stays_under_its_comment_until_it_is_fixed(page: Page, ctx):
    article = make_article("Fix then reply")
    parent = add_comment(article, name="Flo Parent")
    page.goto("/article/fix-then-reply")
    page.get_by_role("link", name="Reply to Flo Parent").click()
    _fill(page, "Missing my email.", email="")
    page.get_by_role("button", name="Post Comment").click()
    under_parent = page.locator(f"#comment-{parent.id} > #respond")
    expect(under_parent.locator(".field:has(#email) .field-error")).to_have_text(
        "Please enter your email address."
    )
    expect(page.locator("#reply-title")).to_contain_text("Reply to Flo Parent")
    _field(page, "Email").fill("gus@example.com")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator(f"#comment-{parent.id}-replies > li.comment")).to_contain_text(
        "Missing my email."
    )
    expect(page.locator("#comments > #respond")).to_have_count(1)
