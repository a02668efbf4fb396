"""Many readers at once: 200 comments posted together through the live server."""

from __future__ import annotations

import http.client
import logging
import re
import threading
from urllib.parse import urlencode, urlsplit

import pytest
from sqlalchemy import func, select

from hublet.extensions import db
from hublet.models import Article, Comment
from tests.builders import make_article

POSTS = 200


@pytest.fixture
def app_config(app_config: dict) -> dict:
    # One test machine is one address: the per-address rules would (rightly) stop it.
    app_config["COMMENT_FLOOD_SECONDS"] = 0
    app_config["COMMENT_RATE_LIMIT"] = ""
    # Approved at once, so that every post also recounts the article's comments.
    app_config["COMMENT_FIRST_TIME_HOLD"] = False
    return app_config


def _session(base: str, slug: str) -> tuple[str, str]:
    """A session cookie and the form's CSRF token, as a browser would get them."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    # The article page is the same for everyone; its form fetches the token on focus.
    connection.request("GET", "/form-token")
    response = connection.getresponse()
    html = response.read().decode()
    cookie = "; ".join(
        header.split(";", 1)[0]
        for name, header in response.getheaders()
        if name.lower() == "set-cookie"
    )
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    connection.close()
    return cookie, token


def test_200_comments_posted_at_once_are_all_stored_exactly_once(live_server, ctx, caplog):
    article = make_article("Busy day")
    cookie, token = _session(live_server.url, "busy-day")
    parts = urlsplit(live_server.url)
    start = threading.Barrier(POSTS)
    results: dict[int, object] = {}

    def post(number: int) -> None:
        body = urlencode(
            {
                "csrf_token": token,
                "name": f"Reader {number}",
                "email": f"reader{number}@example.com",
                "comment": f"Comment number {number} from the crowd.",
                "parent_id": "",
                "phone": "",
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        if number % 2:  # half of them as htmx, half as plain forms
            headers.update({"HX-Request": "true", "HX-Request-Type": "partial"})
        try:
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
            start.wait(timeout=60)
            connection.request("POST", "/article/busy-day/comments", body, headers)
            response = connection.getresponse()
            text = response.read().decode(errors="replace")
            results[number] = (response.status, text)
            connection.close()
        except Exception as error:  # report every failure, not only the first
            results[number] = error

    with caplog.at_level(logging.WARNING):
        threads = [threading.Thread(target=post, args=(n,)) for n in range(POSTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)

    failures = {
        n: r
        for n, r in results.items()
        if not isinstance(r, tuple) or r[0] != (200 if n % 2 else 303)
    }
    assert len(results) == POSTS
    assert not failures, {n: (r if not isinstance(r, tuple) else r[0]) for n, r in failures.items()}
    for n in range(1, POSTS, 2):
        assert f"Comment number {n} from the crowd." in results[n][1]
    assert "database is locked" not in caplog.text

    db.session.rollback()
    bodies = list(
        db.session.scalars(select(Comment.body_html).where(Comment.article_id == article.id))
    )
    assert len(bodies) == POSTS
    assert sorted(bodies) == sorted(
        f"<p>Comment number {n} from the crowd.</p>" for n in range(POSTS)
    )
    emails = db.session.scalar(select(func.count(func.distinct(Comment.author_email))))
    assert emails == POSTS
    # Every post recounted the article's approved comments; none was missed.
    assert db.session.get(Article, article.id).comment_count == POSTS


def test_simultaneous_posts_from_one_address_store_exactly_one(app, live_server, ctx):
    """The flood rule holds under concurrency: checked inside the write transaction."""
    app.config["COMMENT_FLOOD_SECONDS"] = 15
    make_article("One at a time")
    cookie, token = _session(live_server.url, "one-at-a-time")
    parts = urlsplit(live_server.url)
    posters = 20
    start = threading.Barrier(posters)
    statuses: list[int] = []

    def post(number: int) -> None:
        body = urlencode(
            {
                "csrf_token": token,
                "name": f"Hurried {number}",
                "email": f"hurried{number}@example.com",
                "comment": f"Hurried comment {number}.",
            }
        )
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        start.wait(timeout=30)
        connection.request("POST", "/article/one-at-a-time/comments", body, headers)
        statuses.append(connection.getresponse().status)
        connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(posters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(statuses) == [303] + [429] * (posters - 1)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 1
