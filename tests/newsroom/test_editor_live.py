"""The story editor's live parts, as a writer's browser sees them over HTTP: conflicting saves
(409 with both versions), the live preview, autosave of drafts and the tags' suggestions."""

from __future__ import annotations

import re
import threading

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hublet.extensions import db
from hublet.models import Article
from tests.builders import make_article, make_tag
from tests.conftest import csrf_token
from tests.newsroom.helpers import form_token, story_fields, writer

HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def post(client: FlaskClient, path: str, headers: dict | None = None, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(
        path, data={**story_fields(**fields), "csrf_token": form_token(client)}, headers=headers
    )


def new_story(client: FlaskClient, news: int, **fields: str) -> int:
    response = post(client, "/newsroom/new", category=str(news), **fields)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].split("/")[-2])


def stored(app: Flask, article_id: int) -> Article:
    with app.app_context():
        article = db.session.get(Article, article_id)
        db.session.expunge(article)
        return article


def opened_version(client: FlaskClient, article_id: int) -> str:
    """The version the editor's form carries, as the page gives it."""
    html = client.get(f"/newsroom/{article_id}/edit").get_data(as_text=True)
    match = re.search(r'id="story-version" name="version" value="(\d*)"', html)
    assert match, "the editor carries no version"
    return match.group(1)


def article_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Article)) or 0


# --- Two people on one story -------------------------------------------------------------------


def test_a_save_over_a_newer_version_is_refused_with_both_versions_shown(app, people, news):
    author = writer(app, "author")
    story = new_story(author, news, title="Harbour pilots strike")
    editor = writer(app, "editor")
    path = f"/newsroom/{story}/edit"
    started = opened_version(author, story)
    assert opened_version(editor, story) == started  # both open the same version

    first = post(
        editor, path, category=str(news), title="Pilots strike ends", body="The editor's text.",
        version=started,
    )  # fmt: skip
    assert first.status_code == 303
    second = post(
        author, path, category=str(news), title="Pilots still out", body="The author's words.",
        excerpt="Mine.", version=started,
    )  # fmt: skip
    assert second.status_code == 409
    html = second.get_data(as_text=True)
    assert "Someone else saved this story meanwhile" in html and "Nothing was saved" in html
    theirs = html.split('id="theirs-heading"')[1].split("Your version")[0]
    assert "Pilots strike ends" in theirs and "The editor&#39;s text." in theirs
    form = html.split('id="story-form"')[1]
    assert 'value="Pilots still out"' in form and "The author&#39;s words." in form
    # The form now carries the stored version: saving again replaces it knowingly.
    assert f'name="version" value="{int(started) + 1}"' in form

    kept = stored(app, story)
    assert (kept.title, kept.body_markdown) == ("Pilots strike ends", "The editor's text.")
    assert kept.version == int(started) + 1

    again = post(
        author, path, category=str(news), title="Pilots still out", version=str(int(started) + 1)
    )
    assert again.status_code == 303
    assert stored(app, story).title == "Pilots still out"


def test_two_saves_at_once_from_one_version_store_one_and_refuse_the_other(app, people, news):
    author = writer(app, "author")
    story = new_story(author, news)
    editor = writer(app, "editor")
    path = f"/newsroom/{story}/edit"
    started = opened_version(author, story)
    tokens = {name: form_token(client) for name, client in (("author", author), ("editor", editor))}
    gate = threading.Barrier(2)
    results: dict[str, int] = {}

    def save(name: str, client: FlaskClient) -> None:
        data = {
            **story_fields(category=str(news), title=f"Title by {name}", version=started),
            "csrf_token": tokens[name],
        }
        gate.wait()
        results[name] = client.post(path, data=data).status_code

    threads = [
        threading.Thread(target=save, args=(name, client))
        for name, client in (("author", author), ("editor", editor))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(results.values()) == [303, 409], results
    winner = next(name for name, status in results.items() if status == 303)
    kept = stored(app, story)
    assert kept.title == f"Title by {winner}" and kept.version == int(started) + 1


def test_the_conflict_page_names_who_saved_a_published_story(app, people, news):
    editor = writer(app, "editor")
    story = new_story(editor, news, action="publish")
    path = f"/newsroom/{story}/edit"
    started = opened_version(editor, story)
    admin = writer(app, "admin")
    assert post(admin, path, category=str(news), title="Fixed", version=started).status_code == 303
    refused = post(editor, path, category=str(news), title="Mine", version=started)
    assert refused.status_code == 409
    theirs = refused.get_data(as_text=True).split('id="theirs-heading"')[1][:300]
    assert "by admin" in theirs
    assert stored(app, story).title == "Fixed"


def test_a_forged_version_is_a_bad_request_and_stores_nothing(app, people, news):
    editor = writer(app, "editor")
    story = new_story(editor, news)
    response = post(editor, f"/newsroom/{story}/edit", category=str(news), title="X", version="x1")
    assert response.status_code == 400
    assert stored(app, story).title == "Harbour pilots strike"


# --- Live preview ------------------------------------------------------------------------------


def test_the_preview_is_exactly_what_readers_see_and_stores_nothing(app, people, news):
    editor = writer(app, "editor")
    body = "The **harbour** pilots.\n\n## Why\n\n* pay\n* hours\n\n[More](/about) <em>now</em>"
    response = post(editor, "/newsroom/new", HTMX, category=str(news), body=body, action="preview")
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "Vary" in response.headers
    assert article_count(app) == 0

    story = new_story(editor, news, body=body, action="publish")
    slug = stored(app, story).slug
    public = app.test_client().get(f"/article/{slug}").get_data(as_text=True)
    published_body = public.split('<div class="story-body" data-hx-ignore>')[1].split("</div>")[0]
    preview_body = fragment.split('<div class="story-body" data-hx-ignore>')[1].split("</div>")[0]
    assert preview_body.strip() == published_body.strip()
    assert "<strong>harbour</strong>" in preview_body and "<h2" in preview_body


@pytest.mark.parametrize(
    "body",
    [
        "Hi <script>alert(1)</script>",
        '<img src="/x.jpg" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<iframe src="https://evil.example/"></iframe>',
        '<a href="/x" data-hx-get="/newsroom/">x</a>',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_hostile_markdown_never_reaches_the_preview(app, people, news, body):
    author = writer(app, "author")
    response = post(author, "/newsroom/new", HTMX, category=str(news), body=body, action="preview")
    html = response.get_data(as_text=True)
    lowered = html.lower()
    for hostile in ("<script", "onerror", "javascript:", "<iframe", "data-hx-get", "<svg"):
        assert hostile not in lowered, html
    if "data-hx-get" not in body:
        assert "not allowed" in html  # the writer is told, and a save would be refused
    assert article_count(app) == 0


def test_the_preview_button_without_javascript_shows_the_page_with_its_preview(app, people, news):
    author = writer(app, "author")
    story = new_story(author, news)
    response = post(
        author, f"/newsroom/{story}/edit", category=str(news), body="A *new* paragraph.",
        title="Not saved title", action="preview",
    )  # fmt: skip
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Preview only: nothing was saved." in html
    preview = html.split('id="story-preview"')[1]
    assert "<em>new</em>" in preview
    assert 'value="Not saved title"' in html  # the form keeps what was typed
    assert stored(app, story).title == "Harbour pilots strike"


def test_preview_and_autosave_need_a_writer_and_a_token(app, people, news):
    def send(client: FlaskClient, action: str, token: str | None) -> int:
        fields = story_fields(category=str(news), action=action)
        data = {**fields, "csrf_token": token} if token else fields
        return client.post("/newsroom/new", data=data, headers=HTMX).status_code

    anonymous = app.test_client()
    token = csrf_token(anonymous, "/login", form=True)
    moderator = writer(app, "moderator")
    moderator_token = csrf_token(moderator, "/moderation/")
    author = writer(app, "author")
    for action in ("preview", "autosave"):
        assert send(anonymous, action, token) == 401
        assert send(moderator, action, moderator_token) == 403
        assert send(author, action, None) == 400  # no CSRF token
    assert send(author, "preview", form_token(author)) == 200  # the same post, as a writer
    assert article_count(app) == 0


# --- Autosave ----------------------------------------------------------------------------------


def test_autosave_creates_a_new_story_then_saves_over_its_own_version(app, people, news):
    app.config["TIMEZONE"] = "Europe/Paris"
    author = writer(app, "author")
    first = post(author, "/newsroom/new", HTMX, category=str(news), action="autosave", version="")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert re.match(r"Saved \d\d:\d\d", html.strip())
    with app.app_context():
        article = db.session.scalars(select(Article)).one()
        story, version = article.id, article.version
        saved_at = article.updated_at
    from hublet.timeutil import to_site_time

    with app.app_context():
        assert f"Saved {to_site_time(saved_at):%H:%M}" in html  # the site's time zone
    assert first.headers["HX-Replace-Url"] == f"/newsroom/{story}/edit"
    assert f'data-editor-url="/newsroom/{story}/edit"' in html
    assert f'name="version" value="{version}"' in html

    path = f"/newsroom/{story}/edit"
    second = post(
        author, path, HTMX, category=str(news), action="autosave", body="More words.",
        version=str(version),
    )  # fmt: skip
    assert second.status_code == 200
    assert f'name="version" value="{version + 1}"' in second.get_data(as_text=True)
    assert stored(app, story).body_markdown == "More words."
    assert article_count(app) == 1

    # A save from the version before is someone else's: refused, the text stays in the page.
    stale = post(
        author, path, HTMX, category=str(news), action="autosave", body="Old.", version=str(version)
    )
    assert stale.status_code == 409
    assert "press Save draft to see both versions" in stale.get_data(as_text=True)
    assert stored(app, story).body_markdown == "More words."


def test_autosave_says_why_it_did_not_save_and_stores_nothing(app, people, news):
    author = writer(app, "author")
    response = post(author, "/newsroom/new", HTMX, title="", category="", action="autosave")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Not saved yet" in text and "title" in text and "category" in text
    assert article_count(app) == 0


def test_a_published_story_is_not_autosaved(app, people, news):
    editor = writer(app, "editor")
    story = new_story(editor, news, action="publish")
    page = editor.get(f"/newsroom/{story}/edit").get_data(as_text=True)
    assert "Changes go live when you press Update" in page
    assert 'id="story-autosave"' not in page
    assert ">Update</button>" in page
    version = str(stored(app, story).version)
    response = post(
        editor, f"/newsroom/{story}/edit", HTMX, category=str(news), title="Live now?",
        action="autosave", version=version,
    )  # fmt: skip
    assert response.status_code == 409
    assert stored(app, story).title == "Harbour pilots strike"


def test_a_draft_editor_autosaves(app, people, news):
    author = writer(app, "author")
    page = author.get("/newsroom/new").get_data(as_text=True)
    assert 'id="story-autosave"' in page and 'role="status"' in page
    assert 'aria-live="polite"' in page


# --- Tags: type to find ------------------------------------------------------------------------


def test_the_tags_field_suggests_existing_tags(app, people, news):
    with app.app_context():
        for name in ("Labour", "Labs", "Harbour", "Lakes"):
            make_tag(name)
    author = writer(app, "author")
    response = author.get("/newsroom/tags?tags=Harbour,%20lab", headers=HTMX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'value="Harbour, Labour"' in html and 'value="Harbour, Labs"' in html
    assert "Lakes" not in html
    assert "<option" not in author.get("/newsroom/tags?tags=", headers=HTMX).get_data(as_text=True)
    # A tag already typed is not suggested again.
    html = author.get("/newsroom/tags?tags=Labs,%20la", headers=HTMX).get_data(as_text=True)
    assert 'value="Labs, Labour"' in html and 'value="Labs, Labs"' not in html


def test_the_tag_lookup_is_for_writers_only(app, people):
    assert app.test_client().get("/newsroom/tags?tags=a").status_code == 303
    moderator = writer(app, "moderator")
    assert moderator.get("/newsroom/tags?tags=a").status_code == 403
    assert moderator.get("/newsroom/tags?tags=a", headers=HTMX).status_code == 403


def test_new_tags_are_still_made_on_save(app, people, news):
    with app.app_context():
        make_article("Old story", slug="old-story")
    author = writer(app, "author")
    story = new_story(author, news, tags="Brand new tag, Harbour")
    response = author.get("/newsroom/tags?tags=brand", headers=HTMX)
    assert 'value="Brand new tag"' in response.get_data(as_text=True)
    assert story


# --- Valid HTML --------------------------------------------------------------------------------


def test_the_live_editor_pages_are_valid_html(app, people, news, tmp_path):
    from tests.test_valid_html import validate

    author = writer(app, "author")
    story = new_story(author, news, body="Some **bold** words.")
    path = f"/newsroom/{story}/edit"
    started = opened_version(author, story)
    pages = {"editor": author.get(path)}
    pages["preview"] = post(author, path, category=str(news), action="preview", version=started)
    editor = writer(app, "editor")
    assert (
        post(editor, path, category=str(news), title="Theirs", version=started).status_code == 303
    )
    pages["conflict"] = post(author, path, category=str(news), title="Mine", version=started)
    files = []
    for name, response in pages.items():
        assert response.status_code == (409 if name == "conflict" else 200)
        file = tmp_path / f"{name}.html"
        file.write_text(response.get_data(as_text=True), encoding="utf-8")
        files.append(file)
    errors = validate(files)
    assert not errors, [(e.get("url"), e.get("message"), e.get("extract")) for e in errors]
