"""Writing, reviewing, publishing and scheduling stories, as the people who do it see it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from hublet.extensions import db
from hublet.models import Article, AuditEntry
from hublet.timeutil import utcnow
from tests.builders import make_article, make_category
from tests.conftest import csrf_token
from tests.newsroom.helpers import form_token, log_in, post_story, story_fields, story_id, writer


def row(app: Flask, article_id: int) -> Article:
    with app.app_context():
        article = db.session.get(Article, article_id)
        db.session.expunge(article)
        return article


def audit_actions(app: Flask) -> list[tuple[str, str, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEntry.moderator_name, AuditEntry.action, AuditEntry.item_id).order_by(
                AuditEntry.id
            )
        )
        return [tuple(r) for r in rows]


def test_an_author_lands_in_the_newsroom_and_can_log_out(app, people):
    client = app.test_client()
    response = log_in(client, "author")
    assert response.headers["Location"] == "/newsroom/"
    page = client.get("/newsroom/").get_data(as_text=True)
    assert "Signed in as <strong>author</strong>" in page and "Moderation" not in page
    response = client.post("/moderation/logout", data={"csrf_token": form_token(client)})
    assert response.status_code == 303
    assert client.get("/newsroom/").status_code == 303


def test_an_author_writes_and_submits_an_editor_publishes_and_readers_see_it(app, people, news):
    author = writer(app, "author")
    new = story_id(post_story(author, category=str(news)))
    saved = row(app, new)
    assert (saved.status, saved.submitted_at) == ("draft", None)
    assert saved.slug == "harbour-pilots-strike"
    assert "<strong>harbour</strong>" in saved.body_html and "<h2" in saved.body_html
    page = author.get("/newsroom/?status=drafts").get_data(as_text=True)
    assert "Harbour pilots strike" in page

    story_id(post_story(author, f"/newsroom/{new}/edit", category=str(news), action="submit"))
    assert row(app, new).submitted_at is not None
    page = author.get("/newsroom/?status=review").get_data(as_text=True)
    assert "Harbour pilots strike" in page
    assert app.test_client().get("/article/harbour-pilots-strike").status_code == 404

    editor = writer(app, "editor")
    assert "Harbour pilots strike" in editor.get("/newsroom/?status=review").get_data(as_text=True)
    form = editor.get(f"/newsroom/{new}/edit").get_data(as_text=True)
    assert "The **harbour** pilots walked out." in form  # the Markdown, to edit again
    story_id(post_story(editor, f"/newsroom/{new}/edit", category=str(news), action="publish"))
    published = row(app, new)
    assert published.status == "published" and published.published_at <= utcnow()
    assert ("editor", "publish", new) in audit_actions(app)

    reader = app.test_client()
    assert "Harbour pilots strike" in reader.get("/").get_data(as_text=True)
    article = reader.get("/article/harbour-pilots-strike").get_data(as_text=True)
    assert "<strong>harbour</strong>" in article
    # Once published, the author can no longer change it; the editor can unpublish it.
    assert author.get(f"/newsroom/{new}/edit").status_code == 403
    story_id(post_story(editor, f"/newsroom/{new}/edit", category=str(news), action="unpublish"))
    assert row(app, new).status == "draft"
    assert ("editor", "unpublish", new) in audit_actions(app)
    entries = len(audit_actions(app))
    story_id(post_story(editor, f"/newsroom/{new}/edit", category=str(news), action="unpublish"))
    assert len(audit_actions(app)) == entries  # a draft has nothing to take down
    assert app.test_client().get("/article/harbour-pilots-strike").status_code == 404


def test_a_scheduled_story_appears_when_its_time_comes(app, people, news, monkeypatch):
    app.config["TIMEZONE"] = "Europe/Paris"
    start = datetime(2030, 6, 1, 8, 0)  # 10:00 in Paris
    clock = {"now": start}
    modules = ("hublet.articles.queries", "hublet.newsroom.routes", "hublet.newsroom.queries")
    for module in (*modules, "hublet.caching"):
        monkeypatch.setattr(f"{module}.utcnow", lambda: clock["now"])
    editor = writer(app, "editor")
    new = story_id(post_story(editor, category=str(news)))
    story_id(
        post_story(
            editor,
            f"/newsroom/{new}/edit",
            category=str(news),
            action="schedule",
            publish_at="2030-06-01T10:02",
        )
    )
    scheduled = row(app, new)
    assert scheduled.status == "published"
    assert scheduled.published_at == start + timedelta(minutes=2)  # Paris time, stored as UTC
    assert "Harbour pilots strike" in editor.get("/newsroom/?status=scheduled").get_data(
        as_text=True
    )
    assert audit_actions(app)[-1][:2] == ("editor", "schedule")
    assert app.test_client().get("/article/harbour-pilots-strike").status_code == 404
    reader = app.test_client()
    assert "Harbour pilots strike" not in reader.get("/").get_data(as_text=True)
    assert reader.get("/").headers["X-Hublet-Cache"] == "hit"  # the home page is cached

    clock["now"] = start + timedelta(minutes=2)
    assert "Harbour pilots strike" in reader.get("/").get_data(as_text=True)
    assert reader.get("/article/harbour-pilots-strike").status_code == 200
    listing = editor.get("/newsroom/?status=published").get_data(as_text=True)
    assert "Harbour pilots strike" in listing


def test_scheduling_in_the_past_or_without_a_time_is_refused(app, people, news):
    editor = writer(app, "editor")
    for when, message in (("", "Please give a date and time"), ("2001-01-01T10:00", "passed")):
        response = post_story(editor, category=str(news), action="schedule", publish_at=when)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 0


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"title": "   "}, "title", "Please give the story a title."),
        ({"slug": "taken-story"}, "slug", "Another story already has the slug"),
        ({"title": "Taken story"}, "slug", "Another story already has the slug"),
        ({"category": "99999"}, "category", "Please choose a category from the list."),
        ({"category": "news"}, "category", "Please choose a category from the list."),
        ({"body": "x" * 40_001}, "body", "The body is too long"),
        ({"body": "Hi <script>alert(1)</script>"}, "body", "not allowed"),
        ({"body": "[click](javascript:alert(1))"}, "body", "not allowed"),
        ({"body": '<img src="/x.jpg" onerror="alert(1)">'}, "body", "not allowed"),
        ({"hero_image": "https://evil.example/x.jpg"}, "hero_image", "an image on this site"),
        ({"hero_image": "//evil.example/x.jpg"}, "hero_image", "an image on this site"),
    ],
)
def test_bad_input_gets_a_message_beside_the_field_and_stores_nothing(
    app, people, news, fields, field, message
):
    with app.app_context():
        make_article("Taken story", slug="taken-story")
        before = db.session.scalar(select(func.count()).select_from(Article))
    editor = writer(app, "editor")
    response = post_story(editor, **{"category": str(news), **fields})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html.split(f'id="{field}-error"')[1][:300]
    assert "<script>alert(1)" not in html  # the text goes back escaped
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == before


def test_five_megabytes_of_body_are_refused_before_anything_is_read(app, people, news):
    editor = writer(app, "editor")
    response = post_story(editor, category=str(news), body="x" * 5_000_000)
    assert response.status_code == 413
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_a_forged_post_is_refused(app, people, news):
    editor = writer(app, "editor")
    response = editor.post("/newsroom/new", data={**story_fields(category=str(news))})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_the_listing_filters_and_pages_by_keyset(app, people, news):
    with app.app_context():
        sport = make_category("Sport")
        sport_id = sport.id
        for n in range(23):
            make_article(f"Draft number {n}", status="draft", category=sport)
        make_article("Lonely news draft", status="draft")
    editor = writer(app, "editor")
    first = editor.get("/newsroom/?status=drafts").get_data(as_text=True)
    assert first.count('id="story-') == 20
    assert "Draft number 22" in first and "Draft number 2<" not in first  # newest first
    cursor = first.split("after=")[1].split("&")[0].split('"')[0]
    second = editor.get(f"/newsroom/?status=drafts&after={cursor}").get_data(as_text=True)
    assert second.count('id="story-') == 4
    partial = editor.get(
        f"/newsroom/?status=drafts&after={cursor}",
        headers={"HX-Request": "true", "HX-Request-Type": "partial"},
    ).get_data(as_text=True)
    assert "<html" not in partial and partial.count('id="story-') == 4
    only_sport = editor.get(f"/newsroom/?status=drafts&category={sport_id}&q=number+1")
    html = only_sport.get_data(as_text=True)
    assert "Draft number 1<" in html and "Lonely news draft" not in html
    assert "Draft number 3<" not in html
    assert editor.get("/newsroom/?status=nonsense").status_code == 404
    assert editor.get("/newsroom/?after=garbage").status_code == 404
    assert editor.get("/newsroom/?category=abc").status_code == 404


def test_an_author_sees_only_their_own_stories(app, people, news):
    author = writer(app, "author")
    story_id(post_story(author, category=str(news), title="Mine"))
    other = writer(app, "other")
    story_id(post_story(other, category=str(news), title="Theirs"))
    page = author.get("/newsroom/").get_data(as_text=True)
    assert "Mine" in page and "Theirs" not in page
    assert 'name="author"' not in page  # no byline filter for authors


def test_featured_and_hot_are_the_editors_call(app, people, news):
    author = writer(app, "author")
    new = story_id(post_story(author, category=str(news), is_featured="y", is_hot="y"))
    assert (row(app, new).is_featured, row(app, new).is_hot) == (False, False)
    editor = writer(app, "editor")
    story_id(post_story(editor, f"/newsroom/{new}/edit", category=str(news), is_featured="y"))
    assert row(app, new).is_featured is True


def test_the_newsroom_is_private(app, people):
    editor = writer(app, "editor")
    response = editor.get("/newsroom/")
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]
    token = csrf_token(editor, "/newsroom/")
    assert token
