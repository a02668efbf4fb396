"""The shared page cache: fast for everyone, never stale, never another reader's page."""

from __future__ import annotations

import re

from hublet.comments.services import set_comment_status
from hublet.extensions import db
from hublet.models import Comment, ContactMessage
from tests.builders import make_article
from tests.conftest import csrf_token


def test_second_anonymous_visit_is_served_from_the_cache(client, ctx):
    make_article("Cached story")
    first = client.get("/")
    second = client.get("/")
    assert first.headers["X-Hublet-Cache"] == "miss"
    assert second.headers["X-Hublet-Cache"] == "hit"
    assert "Cached story" in second.get_data(as_text=True)
    assert "Cookie" in second.headers["Vary"]


def test_a_new_article_shows_at_once(client, ctx):
    make_article("First story")
    client.get("/")
    assert client.get("/").headers["X-Hublet-Cache"] == "hit"
    make_article("Breaking story")
    response = client.get("/")
    assert response.headers["X-Hublet-Cache"] == "miss"
    assert "Breaking story" in response.get_data(as_text=True)


def test_approving_a_comment_updates_the_cached_article_page(client, ctx):
    article = make_article("Talked about")
    comment = Comment(
        article_id=article.id,
        author_name="Reader",
        author_email="reader@example.com",
        body_html="<p>Well said.</p>",
        status="pending",
    )
    db.session.add(comment)
    db.session.commit()
    assert "No Comments" in client.get("/article/talked-about").get_data(as_text=True)
    assert client.get("/article/talked-about").headers["X-Hublet-Cache"] == "hit"
    set_comment_status(comment, "approved")
    html = client.get("/article/talked-about").get_data(as_text=True)
    assert "1 Comment" in html


def test_each_reader_gets_their_own_csrf_token_for_a_cached_page(app, ctx):
    """The cached page carries no token: each reader's form fetches their own."""
    make_article("Shared page")
    alice, bob = app.test_client(), app.test_client()
    alice_html = alice.get("/contact-us").get_data(as_text=True)
    bob_response = bob.get("/contact-us")
    assert bob_response.headers["X-Hublet-Cache"] == "hit"
    assert bob_response.get_data(as_text=True) == alice_html
    alice_token, bob_token = csrf_token(alice, "/contact-us"), csrf_token(bob, "/contact-us")
    # Signed tokens differ by session: Bob's token works for him, Alice's does not.
    with alice.session_transaction() as alice_session, bob.session_transaction() as bob_session:
        assert alice_session["csrf_token"] != bob_session["csrf_token"]
    form = {"name": "Bob", "email": "bob@example.com", "subject": "Hi", "message": "Hello there!"}
    assert bob.post("/contact-us", data={**form, "csrf_token": bob_token}).status_code == 303
    assert bob.post("/contact-us", data={**form, "csrf_token": alice_token}).status_code == 400
    assert db.session.query(ContactMessage).count() == 1


def test_a_reader_with_a_flashed_message_is_not_served_or_stored(client, ctx):
    make_article("Story")
    token = csrf_token(client)
    form = {"name": "Ann", "email": "ann@example.com", "subject": "Hi", "message": "Hello there!"}
    client.post("/contact-us", data={**form, "csrf_token": token})
    page = client.get("/contact-us")  # carries the thank-you message
    assert "X-Hublet-Cache" not in page.headers
    assert "Thank you" in page.get_data(as_text=True)
    other = client.application.test_client().get("/contact-us")
    assert "Thank you" not in other.get_data(as_text=True)


def test_etag_gives_304_on_a_repeat_visit(client, ctx):
    make_article("Story")
    first = client.get("/")
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert first.headers["Cache-Control"] == (
        "public, max-age=0, s-maxage=5, stale-while-revalidate=30"
    )


def test_versioned_static_files_are_cached_for_a_year(client):
    html = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/css/hublet.css\?v=[0-9a-f]+)"', html).group(1)
    response = client.get(css)
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
