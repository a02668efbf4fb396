"""Long threads come in pages of COMMENTS_PER_PAGE top-level comments, each with its replies."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hublet.comments.services import set_comment_status
from hublet.database import writing
from hublet.extensions import db
from hublet.models import Comment
from tests.builders import make_article
from tests.comments.helpers import add_comment, all_comments, post
from tests.conftest import HTMX
from tests.test_query_budget import counted

PER_PAGE = 3


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "COMMENTS_PER_PAGE": PER_PAGE, "PAGE_CACHE_ENABLED": False}


def _thread(article, tops: int):  # type: ignore[no-untyped-def]
    """``tops`` approved top-level comments, the oldest first, an hour apart."""
    return [
        add_comment(article, text=f"Top {n}", age=timedelta(hours=100 - n)) for n in range(tops)
    ]


def _shown(html: str) -> list[str]:
    return re.findall(r"<p>((?:Top|Reply|Held|Orphan)[^<]*)</p>", html)


def _get(client, path: str, **headers: str):  # type: ignore[no-untyped-def]
    response = client.get(path, headers=headers)
    return response, response.get_data(as_text=True)


def test_pages_hold_per_page_top_level_comments_oldest_first(client, ctx):
    article = make_article("Long Thread")
    _thread(article, 7)
    _, first = _get(client, "/article/long-thread")
    assert _shown(first) == ["Top 0", "Top 1", "Top 2"]
    assert "Older comments" not in first
    newer = (
        r'<a class="comments-nav-link" href="/article/long-thread\?cpage=2#comments"'
        r' data-hx-get="/article/long-thread\?cpage=2"[^>]*>Newer comments</a>'
    )
    assert re.search(newer, first)
    _, second = _get(client, "/article/long-thread?cpage=2")
    assert _shown(second) == ["Top 3", "Top 4", "Top 5"]
    assert 'href="/article/long-thread?cpage=1#comments"' in second
    assert 'href="/article/long-thread?cpage=3#comments"' in second
    assert 'id="comment-list-2"' in second and 'id="comment-list"' not in second
    _, last = _get(client, "/article/long-thread?cpage=3")
    assert _shown(last) == ["Top 6"]
    assert "Newer comments" not in last and "Older comments" in last
    # The count in the heading is the whole thread's, on every page.
    assert '<h2 id="comments-heading" class="block-heading">7 Comments</h2>' in last
    assert client.get("/article/long-thread?cpage=4").status_code == 404


def test_exactly_full_pages_have_no_empty_page_after_them(client, ctx):
    article = make_article("Even")
    _thread(article, 6)
    _, second = _get(client, "/article/even?cpage=2")
    assert _shown(second) == ["Top 3", "Top 4", "Top 5"]
    assert "Newer comments" not in second
    assert client.get("/article/even?cpage=3").status_code == 404


@pytest.mark.parametrize(
    "cpage", ["abc", "0", "-1", "1.5", "", "+2", "99", "9999999", "\u0663", "1e3"]
)
def test_bad_cpage_is_a_404_never_a_500(client, ctx, cpage):
    article = make_article("Bad Pages")
    _thread(article, 4)
    assert client.get(f"/article/bad-pages?cpage={cpage}").status_code == 404
    assert client.get(f"/article/bad-pages?cpage={cpage}", headers=HTMX).status_code == 404


def test_an_empty_thread_has_a_first_page_only(client, ctx):
    make_article("Quiet")
    assert client.get("/article/quiet?cpage=1").status_code == 200
    assert client.get("/article/quiet?cpage=2").status_code == 404


def test_replies_stay_on_their_top_level_comments_page(client, ctx):
    article = make_article("Replies Stay")
    tops = _thread(article, 7)
    reply = add_comment(article, text="Reply to top 1", parent=tops[1], age=timedelta(minutes=5))
    deeper = add_comment(article, text="Reply deeper", parent=reply, age=timedelta(minutes=1))
    _, first = _get(client, "/article/replies-stay")
    assert _shown(first) == ["Top 0", "Top 1", "Reply to top 1", "Reply deeper", "Top 2"]
    replies = first.split(f'id="comment-{tops[1].id}-replies"')[1]
    assert replies.index(f'id="comment-{deeper.id}"') < replies.index(f'id="comment-{tops[2].id}"')
    _, last = _get(client, "/article/replies-stay?cpage=3")
    assert _shown(last) == ["Top 6"]
    # The reply link of a later page keeps the page, so the form opens beside its comment.
    assert f'href="?cpage=3&amp;replytocom={tops[6].id}#respond"' in last


def test_a_reply_under_a_trashed_comment_stays_on_that_threads_page(client, ctx):
    article = make_article("Trashed Root")
    tops = _thread(article, 5)
    orphan = add_comment(article, text="Orphan reply", parent=tops[4], age=timedelta(minutes=1))
    with writing():
        set_comment_status(db.session.get(Comment, tops[4].id), "trash")
    _, second = _get(client, "/article/trashed-root?cpage=2")
    assert _shown(second) == ["Top 3", "Orphan reply"]
    assert f'<ol class="comment-list" id="comment-list-2"><li id="comment-{tops[3].id}"' in second
    assert second.index(f'id="comment-{orphan.id}" class="comment depth-1') > 0
    _, first = _get(client, "/article/trashed-root")
    assert "Orphan reply" not in first


def test_htmx_gets_the_page_alone_from_the_same_url(client, ctx):
    article = make_article("Partial")
    _thread(article, 5)
    response, html = _get(client, "/article/partial?cpage=2", **HTMX)
    assert response.status_code == 200
    assert {"HX-Request", "HX-Request-Type"} <= set(response.vary)
    assert "<html" not in html and 'id="commentform"' not in html
    assert _shown(html) == ["Top 3", "Top 4"]
    assert '<input type="hidden" name="cpages" value="2" form="commentform">' in html
    # A history restore asks for the full page.
    full = client.get("/article/partial?cpage=2", headers={"HX-Request": "true",
                                                           "HX-Request-Type": "full"})  # fmt: skip
    assert "<html" in full.get_data(as_text=True)


def test_no_js_post_redirects_to_the_last_page_where_the_comment_lives(client, ctx):
    article = make_article("Busy")
    _thread(article, 6)
    add_comment(article, name="Ann Reader", email="ann@example.com", age=timedelta(days=9))
    # Seven approved top-level comments (Ann's is the oldest): pages of 3, 3, 1 before.
    response = post(client, "busy", comment="Top new from Ann")
    new = all_comments()[-1]
    assert new.status == "approved"
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/article/busy?cpage=3#comment-{new.id}")
    _, page = _get(client, "/article/busy?cpage=3")
    assert _shown(page) == ["Top 5", "Top new from Ann"]


def test_no_js_post_opening_a_new_page_redirects_there(client, ctx):
    article = make_article("Full")
    _thread(article, 5)
    add_comment(article, name="Ann Reader", email="ann@example.com", age=timedelta(days=9))
    response = post(client, "full", comment="Top 6 from Ann")
    new = all_comments()[-1]
    assert response.headers["Location"].endswith(f"/article/full?cpage=3#comment-{new.id}")
    _, page = _get(client, "/article/full?cpage=3")
    assert _shown(page) == ["Top 6 from Ann"]


def test_no_js_reply_redirects_to_its_parents_page(client, ctx):
    article = make_article("Reply Page")
    tops = _thread(article, 7)
    add_comment(article, name="Ann Reader", email="ann@example.com", age=timedelta(days=9))
    response = post(client, "reply-page", comment="Reply from Ann", parent_id=str(tops[4].id))
    new = all_comments()[-1]
    assert response.headers["Location"].endswith(f"/article/reply-page?cpage=2#comment-{new.id}")
    _, page = _get(client, "/article/reply-page?cpage=2")
    assert "Reply from Ann" in _shown(page)


def test_a_held_comment_shows_to_its_author_on_the_last_page_only(client, app, ctx):
    article = make_article("Held Page")
    _thread(article, 6)
    response = post(client, "held-page", comment="Held by a first-timer", email="new@example.com")
    held = all_comments()[-1]
    assert held.status == "pending"
    # Six approved: two full pages; a held comment does not open a third.
    assert response.headers["Location"].endswith(f"/article/held-page?cpage=2#comment-{held.id}")
    _, page = _get(client, "/article/held-page?cpage=2")
    assert "Held by a first-timer" in page and "Your comment is awaiting moderation." in page
    assert client.get("/article/held-page?cpage=3").status_code == 404
    stranger = app.test_client()
    assert "Held by a first-timer" not in stranger.get("/article/held-page?cpage=2").get_data(
        as_text=True
    )


def test_htmx_post_shows_the_comment_in_place_when_its_page_is_on_screen(client, ctx):
    article = make_article("On Screen")
    _thread(article, 7)
    add_comment(article, name="Ann Reader", email="ann@example.com", age=timedelta(days=9))
    # Pages of 3, 3, 2: the new one joins page 3, which the reader has loaded.
    response = post(client, "on-screen", htmx=True, comment="Top 7 here", cpages=["1", "3"])
    html = response.get_data(as_text=True)
    new = all_comments()[-1]
    assert '<hx-partial data-hx-target="#comment-list-3" data-hx-swap="beforeend">' in html
    assert f'id="comment-{new.id}"' in html
    assert "See it on page" not in html


def test_htmx_post_links_to_the_comments_page_when_it_is_not_on_screen(client, ctx):
    article = make_article("Off Screen")
    _thread(article, 7)
    add_comment(article, name="Ann Reader", email="ann@example.com", age=timedelta(days=9))
    response = post(client, "off-screen", htmx=True, comment="Top 7 there", cpages="1")
    html = response.get_data(as_text=True)
    new = all_comments()[-1]
    assert response.status_code == 200
    assert f'id="comment-{new.id}"' not in html.split('<div id="respond"')[0]
    assert "comment-list" not in html
    assert "Thank you, your comment was posted." in html
    assert f'href="/article/off-screen?cpage=3#comment-{new.id}">See it on page 3' in html
    assert (
        '<hx-partial data-hx-target="#comments-heading" data-hx-swap="innerHTML">9 Comments' in html
    )


def test_statements_per_page_do_not_grow_with_the_thread(client, ctx):
    article = make_article("Counted")
    tops = _thread(article, 7)
    for top in tops:
        add_comment(article, text="Reply", parent=top, age=timedelta(minutes=3))
    with counted() as small:
        assert client.get("/article/counted?cpage=2").status_code == 200
    more = _thread(article, 20)
    for top in more:
        reply = add_comment(article, text="Reply", parent=top, age=timedelta(minutes=2))
        add_comment(article, text="Reply", parent=reply, age=timedelta(minutes=1))
    with counted() as large:
        assert client.get("/article/counted?cpage=2").status_code == 200
    assert len(large) == len(small)
    with counted() as partial:
        assert client.get("/article/counted?cpage=5", headers=HTMX).status_code == 200
    assert len(partial) <= len(large)
