"""The comments tabs: rows, paging, filters, row actions with and without htmx, bulk actions."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from hublet.extensions import db
from hublet.models import Article, AuditEntry, Comment
from tests.builders import make_article, make_comment
from tests.conftest import HTMX
from tests.moderation.helpers import token


def rows(html: str) -> list[str]:
    return re.findall(r'id="comment-row-(\d+)"', html)


def status_of(app: Flask, comment_id: int) -> str | None:
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        return comment.status if comment else None


def test_a_row_shows_everything_a_moderator_needs(app, moderator_client):
    with app.app_context():
        article = make_article("Town hall vote")
        parent = make_comment(article, status="approved", author_name="Parent Poster")
        reply = make_comment(
            article,
            author_name="Rita Reply",
            author_email="rita@example.com",
            author_url="https://rita.example/blog",
            ip_address="203.0.113.7",
            parent_id=parent.id,
            depth=2,
            text='I <em>agree</em>. <a href="https://x.example" hx-get="/evil">link</a>',
        )
        reply_id, parent_id = reply.id, parent.id
    html = moderator_client.get("/moderation/").get_data(as_text=True)
    assert rows(html) == [str(reply_id)]
    row = html.split(f'id="comment-row-{reply_id}"')[1].split("</li>")[0]
    assert "Rita Reply" in row and "mailto:rita@example.com" in row
    assert 'href="https://rita.example/blog" rel="nofollow ugc noopener noreferrer"' in row
    assert "203.0.113.7" in row
    assert f'href="/article/town-hall-vote#comment-{reply_id}">Town hall vote</a>' in row
    assert "<time datetime=" in row
    assert (
        f'In reply to <a href="/article/town-hall-vote#comment-{parent_id}">Parent Poster</a>'
        in row
    )
    text = row.split('<div class="mod-row-text comment-text" data-hx-ignore>')[1].split("</div>")[0]
    assert "<em>agree</em>" in text
    assert "hx-get" not in row
    for label in ("Approve", "Spam", "Trash"):
        assert f">{label}</button>" in row
    assert ">Unapprove</button>" not in row


def test_a_website_that_is_not_http_is_shown_as_text(app, moderator_client):
    # Every writer stores "" for such an address (the sanitizing gate); a row stored before the
    # sanitizing gate is written here with Core, past the gate, and is still shown as text.
    from sqlalchemy import update

    from hublet.database import writing

    with app.app_context(), writing():
        comment = make_comment()
        db.session.execute(
            update(Comment).where(Comment.id == comment.id).values(author_url="javascript:alert(1)")
        )
        db.session.commit()
    html = moderator_client.get("/moderation/").get_data(as_text=True)
    assert 'href="javascript:' not in html
    assert '<span class="mod-website">javascript:alert(1)</span>' in html


@pytest.mark.parametrize(
    "status, buttons",
    [
        ("approved", ["Unapprove", "Spam", "Trash"]),
        ("spam", ["Not spam", "Delete permanently"]),
        ("trash", ["Restore", "Delete permanently"]),
    ],
)
def test_each_tab_lists_its_status_with_its_buttons(app, moderator_client, status, buttons):
    with app.app_context():
        article = make_article()
        make_comment(article, status="pending", author_name="Pending Person")
        make_comment(article, status=status, author_name="Listed Person")
    html = moderator_client.get(f"/moderation/?status={status}").get_data(as_text=True)
    assert "Listed Person" in html and "Pending Person" not in html
    found = re.findall(r'class="mod-button mod-action-[a-z]+"[^>]*>([^<]+)</button>', html)
    assert found == buttons
    assert re.search(rf'aria-current="page">{status.capitalize()} <span', html)


def test_counts_newest_first_and_fifty_a_page_with_a_next_link(app, moderator_client):
    with app.app_context():
        article = make_article()
        ids = [make_comment(article, age=timedelta(minutes=n)).id for n in range(55)]
        make_comment(article, status="spam")
    response = moderator_client.get("/moderation/")
    html = response.get_data(as_text=True)
    assert response.headers["Vary"] and "HX-Request" in response.headers["Vary"]
    assert re.search(r'data-status="pending">55<', html)
    assert re.search(r'data-status="spam">1<', html)
    assert rows(html) == [str(i) for i in ids[:50]]
    more = re.search(
        r'<a class="older-posts" rel="next" href="([^"]+)" '
        r'data-hx-get="\1" data-hx-trigger="revealed"',
        html,
    )
    assert more, "a real next link that htmx loads when revealed"
    next_url = more.group(1).replace("&amp;", "&")
    # Without htmx: the next page in full. With htmx: the rows alone.
    full = moderator_client.get(next_url).get_data(as_text=True)
    assert "<html" in full and rows(full) == [str(i) for i in ids[50:]]
    partial = moderator_client.get(next_url, headers=HTMX)
    body = partial.get_data(as_text=True)
    assert "<html" not in body and "mod-tabs" not in body
    assert rows(body) == [str(i) for i in ids[50:]]
    assert "older-posts" not in body


def test_the_next_chunk_skips_nothing_when_rows_were_moderated_meanwhile(app, moderator_client):
    with app.app_context():
        article = make_article()
        ids = [make_comment(article, age=timedelta(minutes=n)).id for n in range(52)]
    html = moderator_client.get("/moderation/").get_data(as_text=True)
    next_url = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    csrf = token(moderator_client)
    for comment_id in ids[:10]:
        moderator_client.post(
            f"/moderation/comments/{comment_id}/approve", data={"csrf_token": csrf}
        )
    body = moderator_client.get(next_url, headers=HTMX).get_data(as_text=True)
    assert rows(body) == [str(ids[50]), str(ids[51])]


def test_filter_by_article_and_search_by_name_email_or_text(app, moderator_client):
    with app.app_context():
        first = make_article("First story")
        second = make_article("Second story")
        a = make_comment(first, author_name="Zelda", author_email="z@example.com", text="hello")
        b = make_comment(second, author_name="Yusuf", author_email="yusuf@mail.test", text="bye")
        c = make_comment(second, author_name="Xena", text="100% sure about the_thing")
        first_id, second_id = first.id, second.id
        a, b, c = str(a.id), str(b.id), str(c.id)
    get = moderator_client.get

    def listed(url: str) -> set[str]:
        return set(rows(get(url).get_data(as_text=True)))

    assert listed(f"/moderation/?article={first_id}") == {a}
    assert listed(f"/moderation/?article={second_id}") == {b, c}
    assert "Only comments on" in get(f"/moderation/?article={first_id}").get_data(as_text=True)
    assert listed("/moderation/?q=zeld") == {a}
    assert listed("/moderation/?q=MAIL.TEST") == {b}
    assert listed("/moderation/?q=bye") == {b}
    assert listed("/moderation/?q=100%25") == {c}
    assert listed("/moderation/?q=%25") == {c}  # % is a literal, not a wildcard
    assert listed("/moderation/?q=1_0") == set()  # _ too (it would match "100")
    assert listed(f"/moderation/?q=x&article={second_id}") == {c}
    assert listed("/moderation/?q=nothing+like+this") == set()


@pytest.mark.parametrize(
    "query",
    ["status=bogus", "article=abc", "article=-1", "after=garbage", "after=2026-01-01_x"],
)
def test_bad_query_strings_are_404_not_500(moderator_client, query):
    assert moderator_client.get(f"/moderation/?{query}").status_code == 404


def test_htmx_row_action_returns_counts_and_message_out_of_band(app, moderator_client):
    with app.app_context():
        article = make_article("Counted story")
        comment = make_comment(article, author_name="Hana")
        make_comment(article)
        comment_id, slug = comment.id, article.slug
    response = moderator_client.post(
        f"/moderation/comments/{comment_id}/approve",
        data={"csrf_token": token(moderator_client), "next": "/moderation/?status=pending&q=ha"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(
        '<hx-partial data-hx-target="#mod-tabs" data-hx-swap="outerHTML">'
    )
    assert re.search(r'data-status="pending">1<', body)
    assert re.search(r'data-status="approved">1<', body)
    assert 'href="/moderation/?status=approved&amp;q=ha"' in body  # the tabs keep the search
    assert '<hx-partial data-hx-target="#mod-status"' in body
    assert "The comment by Hana was approved." in body
    assert "comment-row-" not in body  # the row itself is swapped out for nothing
    assert status_of(app, comment_id) == "approved"
    # Public at once, and counted on the reader's page.
    page = moderator_client.get(f"/article/{slug}").get_data(as_text=True)
    assert "A thoughtful comment." in page
    assert "1 Comment" in page


def test_approve_spam_and_delete_keep_the_readers_page_right(app, moderator_client):
    with app.app_context():
        article = make_article("Public story")
        comment = make_comment(article, text="Visible words here.")
        comment_id, slug = comment.id, article.slug
    csrf = token(moderator_client)

    def act(action: str) -> None:
        response = moderator_client.post(
            f"/moderation/comments/{comment_id}/{action}", data={"csrf_token": csrf}, headers=HTMX
        )
        assert response.status_code == 200

    def reader_page() -> str:
        return moderator_client.get(f"/article/{slug}").get_data(as_text=True)

    assert "Visible words here." not in reader_page()
    act("approve")
    assert "Visible words here." in reader_page()
    act("spam")
    assert "Visible words here." not in reader_page()
    assert "No Comments" in reader_page()
    act("notspam")
    assert status_of(app, comment_id) == "pending"
    act("approve")
    act("unapprove")
    assert status_of(app, comment_id) == "pending"
    act("trash")
    act("restore")
    assert status_of(app, comment_id) == "pending"
    act("approve")
    act("delete")
    assert status_of(app, comment_id) is None
    assert "Visible words here." not in reader_page()
    with app.app_context():
        assert db.session.get(Article, 1).comment_count == 0
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        moderation = [
            (e.action, e.item_type, e.item_id) for e in entries if e.item_type == "comment"
        ]
        assert [m[0] for m in moderation] == [
            "approve", "spam", "notspam", "approve", "unapprove", "trash", "restore", "approve",
            "delete",
        ]  # fmt: skip
        assert all(m[2] == comment_id for m in moderation)
        assert all(e.moderator_name == "mod" for e in entries)


def test_row_action_without_javascript_posts_and_goes_back(app, moderator_client):
    with app.app_context():
        comment_id = make_comment(author_name="Nojs").id
    response = moderator_client.post(
        f"/moderation/comments/{comment_id}/trash",
        data={"csrf_token": token(moderator_client), "next": "/moderation/?status=pending&q=no"},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderation/?status=pending&q=no"
    page = moderator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The comment by Nojs was moved to the trash." in page
    assert status_of(app, comment_id) == "trash"


def test_row_action_next_must_be_local(app, moderator_client):
    with app.app_context():
        comment_id = make_comment().id
    response = moderator_client.post(
        f"/moderation/comments/{comment_id}/spam",
        data={"csrf_token": token(moderator_client), "next": "//evil.example/"},
    )
    assert response.headers["Location"] == "/moderation/"


def test_unknown_action_or_comment_is_404_and_changes_nothing(app, moderator_client):
    with app.app_context():
        comment_id = make_comment().id
    csrf = token(moderator_client)
    post = moderator_client.post
    assert (
        post(f"/moderation/comments/{comment_id}/explode", data={"csrf_token": csrf}).status_code
        == 404
    )
    missing = post("/moderation/comments/999/approve", data={"csrf_token": csrf}, headers=HTMX)
    assert missing.status_code == 404
    assert "no longer exists" in missing.get_data(as_text=True)
    assert status_of(app, comment_id) == "pending"


def test_bulk_action_applies_to_the_selected_rows(app, moderator_client):
    with app.app_context():
        article = make_article()
        ids = [make_comment(article).id for _ in range(4)]
    response = moderator_client.post(
        "/moderation/comments/bulk",
        data={
            "csrf_token": token(moderator_client),
            "action": "spam",
            "ids": [str(ids[0]), str(ids[2]), "junk", "99999"],
            "next": "/moderation/?status=pending",
        },
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderation/?status=pending"
    assert [status_of(app, i) for i in ids] == ["spam", "pending", "spam", "pending"]
    page = moderator_client.get("/moderation/").get_data(as_text=True)
    assert "2 comments marked as spam." in page
    assert re.search(r'data-status="spam">2<', page)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"action": "spam"}, "Please select at least one comment first."),
        ({"action": "", "ids": "1"}, "Please choose an action to apply."),
        ({"action": "explode", "ids": "1"}, "Please choose an action to apply."),
    ],
)
def test_bulk_action_needs_rows_and_an_action(app, moderator_client, data, message):
    with app.app_context():
        make_comment()
    response = moderator_client.post(
        "/moderation/comments/bulk", data={"csrf_token": token(moderator_client), **data}
    )
    assert response.status_code == 303
    assert message in moderator_client.get("/moderation/").get_data(as_text=True)
    assert status_of(app, 1) == "pending"
