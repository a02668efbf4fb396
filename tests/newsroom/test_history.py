"""A story's history and way through review, as the people who use them see it: revisions
and their diff, restoring one, sending back with a note, the trash and its purge, the old
slug's 301, and "Updated:" after an edit (article page, feeds, JSON-LD)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from click.testing import Result
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from hublet.database import writing
from hublet.extensions import db
from hublet.models import Article, ArticleOldSlug, ArticleRevision, AuditEntry, Comment
from hublet.newsroom.history import diff_text
from hublet.timeutil import moved_clock, utcnow
from tests.conftest import csrf_token
from tests.newsroom.helpers import form_token, post_story, story_id, writer


def post(client: FlaskClient, path: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={**fields, "csrf_token": form_token(client)})


def row(app: Flask, article_id: int) -> Article | None:
    with app.app_context():
        article = db.session.get(Article, article_id)
        if article is not None:
            db.session.expunge(article)
        return article


def audit(app: Flask) -> list[tuple[str, str, int | None]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEntry.moderator_name, AuditEntry.action, AuditEntry.item_id).order_by(
                AuditEntry.id
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def revision_ids(app: Flask, article_id: int) -> list[int]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ArticleRevision.id)
                .where(ArticleRevision.article_id == article_id)
                .order_by(ArticleRevision.id)
            )
        )


def published_story(app: Flask, news: int, **fields: str) -> tuple[FlaskClient, int]:
    """An editor's client and a story they published (one revision: "publish")."""
    editor = writer(app, "editor")
    new = story_id(post_story(editor, category=str(news), **fields))
    path = f"/newsroom/{new}/edit"
    story_id(post_story(editor, path, category=str(news), action="publish", **fields))
    return editor, new


def age_publication(app: Flask, article_id: int, days: int = 1) -> None:
    """Move the story's publication back, so that an edit now is an update readers see."""
    with app.app_context(), writing():
        past = utcnow() - timedelta(days=days)
        db.session.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(published_at=past, updated_at=past)
        )
        db.session.commit()


# --- Revisions -------------------------------------------------------------------------------


def test_the_history_lists_who_when_why_and_a_diff_shows_what_changed(app, people, news):
    editor, new = published_story(app, news, body="The pilots walked out at dawn.\n")
    story_id(
        post_story(
            editor,
            f"/newsroom/{new}/edit",
            category=str(news),
            title="Harbour pilots strike <again>",
            body="The pilots walked out at noon.\n",
        )
    )
    first, second = revision_ids(app, new)
    page = editor.get(f"/newsroom/{new}/revisions").get_data(as_text=True)
    assert page.count('<tr id="revision-') == 2
    assert "Published" in page and "Saved while published" in page and ">editor<" in page
    assert page.index(f"revision-{second}") < page.index(f"revision-{first}")  # newest first

    diff = editor.get(f"/newsroom/{new}/revisions/{first}")
    assert diff.status_code == 200
    html = diff.get_data(as_text=True)
    body = html.split('id="diff-3"')[1]
    assert re.search(r"<del><span[^>]*>\[removed since this revision: </span>dawn", body)
    assert re.search(r"<ins><span[^>]*>\[added since this revision: </span>noon", body)
    assert "&lt;again&gt;" in html and "<again>" not in html  # escaped, never markup
    assert 'name="version"' in html and "Restore this revision" in html


def test_restoring_a_revision_brings_its_text_back_as_a_new_revision(app, people, news):
    editor, new = published_story(app, news, title="First title", body="Old words.\n")
    story_id(
        post_story(
            editor, f"/newsroom/{new}/edit", category=str(news), title="Second", body="New.\n"
        )
    )
    first = revision_ids(app, new)[0]
    version = row(app, new).version
    response = post(editor, f"/newsroom/{new}/revisions/{first}/restore", version=str(version))
    assert response.status_code == 303
    assert response.headers["Location"] == f"/newsroom/{new}/edit"
    restored = row(app, new)
    assert (restored.title, restored.body_markdown) == ("First title", "Old words.\n")
    assert "<p>Old words.</p>" in restored.body_html
    assert restored.version == version + 1
    with app.app_context():
        newest = db.session.scalar(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == new)
            .order_by(ArticleRevision.id.desc())
        )
        assert (newest.reason, newest.title, newest.account_name) == (
            "restore",
            "First title",
            "editor",
        )
    assert "First title" in app.test_client().get(f"/article/{restored.slug}").get_data(
        as_text=True
    )


def test_a_restore_from_a_stale_page_is_refused_and_changes_nothing(app, people, news):
    editor, new = published_story(app, news, title="First title")
    story_id(post_story(editor, f"/newsroom/{new}/edit", category=str(news), title="Second"))
    first = revision_ids(app, new)[0]
    stale = row(app, new).version - 1
    count = len(revision_ids(app, new))
    response = post(editor, f"/newsroom/{new}/revisions/{first}/restore", version=str(stale))
    assert response.status_code == 409
    assert "nothing was restored" in response.get_data(as_text=True)
    assert row(app, new).title == "Second" and len(revision_ids(app, new)) == count


def test_an_author_restores_on_their_own_draft_and_the_text_before_is_kept(app, people, news):
    author = writer(app, "author")
    new = story_id(post_story(author, category=str(news), title="Submitted title"))
    path = f"/newsroom/{new}/edit"
    story_id(post_story(author, path, category=str(news), title="Submitted title", action="submit"))
    story_id(post_story(author, f"/newsroom/{new}/edit", category=str(news), title="Draft two"))
    (submitted,) = revision_ids(app, new)
    assert post(author, f"/newsroom/{new}/revisions/{submitted}/restore").status_code == 303
    assert row(app, new).title == "Submitted title"
    with app.app_context():
        kept = db.session.execute(
            select(ArticleRevision.reason, ArticleRevision.title)
            .where(ArticleRevision.article_id == new)
            .order_by(ArticleRevision.id)
        ).all()
    assert [tuple(k) for k in kept] == [
        ("submit", "Submitted title"),
        ("before restore", "Draft two"),
        ("restore", "Submitted title"),
    ]
    # Another author may not see or restore it; a revision of another story is a 404.
    other = writer(app, "other")
    assert other.get(f"/newsroom/{new}/revisions").status_code == 403
    assert post(other, f"/newsroom/{new}/revisions/{submitted}/restore").status_code == 403
    assert author.get(f"/newsroom/{new}/revisions/999999").status_code == 404


def test_diff_folds_long_unchanged_stretches_and_marks_words():
    old = "".join(f"line {n}\n" for n in range(30))
    new = old.replace("line 15\n", "line fifteen\n")
    segments = diff_text(old, new)
    kinds = [s.kind for s in segments]
    assert kinds.count("fold") == 2
    assert ("del", "15") in [(s.kind, s.text) for s in segments]
    assert ("ins", "fifteen") in [(s.kind, s.text) for s in segments]
    assert diff_text("same\n", "same\n") == diff_text("same\n", "same\n")
    assert all(s.kind == "same" for s in diff_text("same\n", "same\n"))


# --- Sending back ----------------------------------------------------------------------------


def test_an_editor_sends_a_story_back_with_a_note_the_author_sees(app, people, news):
    author = writer(app, "author")
    new = story_id(post_story(author, category=str(news)))
    story_id(post_story(author, f"/newsroom/{new}/edit", category=str(news), action="submit"))
    editor = writer(app, "editor")
    assert "Send back" in editor.get(f"/newsroom/{new}/edit").get_data(as_text=True)
    note = "Please check the <pay> figures."
    response = post(editor, f"/newsroom/{new}/send-back", note=note)
    assert response.status_code == 303
    back = row(app, new)
    assert (back.status, back.submitted_at, back.review_note) == ("draft", None, note)
    assert ("editor", "send back", new) in audit(app)
    listing = author.get("/newsroom/?status=drafts").get_data(as_text=True)
    assert "Sent back: Please check the &lt;pay&gt; figures." in listing
    editor_page = author.get(f"/newsroom/{new}/edit").get_data(as_text=True)
    assert "Sent back with a note" in editor_page and "&lt;pay&gt; figures" in editor_page
    # Not in review any more: a second send back changes nothing.
    entries = len(audit(app))
    assert post(editor, f"/newsroom/{new}/send-back", note="again").status_code == 409
    assert len(audit(app)) == entries and row(app, new).review_note == note
    # An author cannot send back; a note over the limit is refused.
    assert post(author, f"/newsroom/{new}/send-back", note="x").status_code == 403
    story_id(post_story(author, f"/newsroom/{new}/edit", category=str(news), action="submit"))
    assert row(app, new).review_note == ""  # answered by the resubmit: it never comes back
    assert post(editor, f"/newsroom/{new}/send-back", note="x" * 2001).status_code == 422
    assert row(app, new).submitted_at is not None


# --- The trash -------------------------------------------------------------------------------


def test_trash_hides_a_published_story_from_readers_and_tabs_and_restore_brings_it_back(
    app, people, news
):
    editor, new = published_story(app, news)
    slug = row(app, new).slug
    assert app.test_client().get(f"/article/{slug}").status_code == 200
    version = row(app, new).version
    response = post(editor, f"/newsroom/{new}/trash")
    assert response.status_code == 303 and response.headers["Location"] == "/newsroom/trash"
    trash = editor.get("/newsroom/trash").get_data(as_text=True)
    assert "is in the trash; you can restore it for 30 days" in trash
    assert "Harbour pilots strike" in trash and "Restore" in trash
    trashed = row(app, new)
    assert trashed.status == "draft" and trashed.trashed_at is not None
    assert trashed.version == version + 1  # an editor left open on it can no longer save it
    assert app.test_client().get(f"/article/{slug}").status_code == 404
    assert "Harbour pilots strike" not in app.test_client().get("/").get_data(as_text=True)
    for tab in ("drafts", "review", "scheduled", "published"):
        page = editor.get(f"/newsroom/?status={tab}").get_data(as_text=True)
        assert "Harbour pilots strike" not in page, tab
    assert ("editor", "trash", new) in audit(app)

    # Nobody edits or publishes it from the trash: it is restored first.
    refused_page = editor.get(f"/newsroom/{new}/edit")
    assert refused_page.status_code == 403
    assert "restore it from the Trash" in refused_page.get_data(as_text=True)
    cli = app.test_cli_runner().invoke(args=["article", "publish", slug])
    assert "in the trash: restore it in the newsroom first" in cli.output
    assert row(app, new).status == "draft"
    refused = post_story(editor, f"/newsroom/{new}/edit", category=str(news), action="publish")
    assert refused.status_code == 403 and row(app, new).status == "draft"
    assert editor.get(f"/newsroom/{new}/revisions").status_code == 403

    assert post(editor, f"/newsroom/{new}/untrash").status_code == 303
    back = row(app, new)
    assert back.trashed_at is None and back.status == "draft"
    assert "Harbour pilots strike" in editor.get("/newsroom/?status=drafts").get_data(as_text=True)
    assert "Harbour pilots strike" not in editor.get("/newsroom/trash").get_data(as_text=True)
    assert ("editor", "restore", new) in audit(app)
    assert post(editor, f"/newsroom/{new}/untrash").status_code == 409  # not in the trash


def test_an_author_trashes_only_their_own_draft_and_sees_only_their_trash(app, people, news):
    author = writer(app, "author")
    new = story_id(post_story(author, category=str(news)))
    other = writer(app, "other")
    assert post(other, f"/newsroom/{new}/trash").status_code == 403
    assert row(app, new).trashed_at is None
    assert post(author, f"/newsroom/{new}/trash").status_code == 303
    assert "Harbour pilots strike" in author.get("/newsroom/trash").get_data(as_text=True)
    assert "Harbour pilots strike" not in other.get("/newsroom/trash").get_data(as_text=True)
    assert post(author, f"/newsroom/{new}/trash").status_code == 409  # already there
    # A published story is the editors' to trash.
    _editor, published = published_story(app, news, title="Editors story")
    assert post(author, f"/newsroom/{published}/trash").status_code == 403


def test_purge_trash_deletes_what_is_older_than_30_days_and_is_safe_to_rerun(app, people, news):
    editor, old = published_story(app, news, title="Old story")
    young = story_id(post_story(editor, category=str(news), title="Young story"))
    keep = story_id(post_story(editor, category=str(news), title="Kept story"))
    with app.app_context(), writing():
        db.session.add(
            Comment(
                article_id=old,
                author_name="R",
                author_email="r@example.com",
                body_html="<p>Hi</p>",
                status="approved",
            )
        )
        db.session.commit()
    assert post(editor, f"/newsroom/{old}/trash").status_code == 303
    runner = app.test_cli_runner()
    with moved_clock(timedelta(days=20)):
        assert post(editor, f"/newsroom/{young}/trash").status_code == 303
        result: Result = runner.invoke(args=["newsroom", "purge-trash"])
        assert result.exit_code == 0 and "Purged 0 stories" in result.output
    with moved_clock(timedelta(days=31)):
        result = runner.invoke(args=["newsroom", "purge-trash"])
        assert result.exit_code == 0, result.output
        assert "Purged 1 story" in result.output
        assert runner.invoke(args=["newsroom", "purge-trash"]).output.startswith("Purged 0")
    assert row(app, old) is None
    assert row(app, young) is not None and row(app, keep) is not None
    with app.app_context():
        for model in (ArticleRevision, Comment):
            left = db.session.scalar(
                select(func.count()).select_from(model).where(model.article_id == old)
            )
            assert left == 0, model


# --- The old slug's 301 ----------------------------------------------------------------------


def test_changing_a_published_storys_slug_leaves_a_301_from_the_old_address(app, people, news):
    editor, new = published_story(app, news)
    reader = app.test_client()
    assert reader.get("/article/harbour-pilots-strike").status_code == 200
    story_id(post_story(editor, f"/newsroom/{new}/edit", category=str(news), slug="pilots-out"))
    response = reader.get("/article/harbour-pilots-strike")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/article/pilots-out")
    followed = reader.get("/article/harbour-pilots-strike", follow_redirects=True)
    assert followed.status_code == 200 and "Harbour pilots strike" in followed.get_data(
        as_text=True
    )
    # Renamed again, the first address goes straight to the newest one.
    story_id(post_story(editor, f"/newsroom/{new}/edit", category=str(news), slug="pilots-2"))
    assert reader.get("/article/harbour-pilots-strike").headers["Location"].endswith("/pilots-2")
    with app.app_context():
        assert db.session.get(ArticleOldSlug, "pilots-out") is not None
    # Unpublished, no address answers (no 301 to a page readers cannot see).
    story_id(
        post_story(
            editor, f"/newsroom/{new}/edit", category=str(news), slug="pilots-2", action="unpublish"
        )
    )
    assert reader.get("/article/harbour-pilots-strike").status_code == 404
    assert reader.get("/article/never-was").status_code == 404


# --- "Updated:" ------------------------------------------------------------------------------


def test_editing_a_published_story_shows_updated_on_the_page_feeds_and_json_ld(app, people, news):
    editor, new = published_story(app, news)
    reader = app.test_client()
    assert "Updated:" not in reader.get("/article/harbour-pilots-strike").get_data(as_text=True)
    age_publication(app, new)
    story_id(post_story(editor, f"/newsroom/{new}/edit", category=str(news), body="Fixed.\n"))
    stored = row(app, new)
    assert stored.updated_at - stored.published_at > timedelta(hours=23)

    page = reader.get("/article/harbour-pilots-strike").get_data(as_text=True)
    assert re.search(r'Updated: <time datetime="[^"]+">', page)
    blocks = [
        json.loads(b)
        for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    ]
    news_block = next(b for b in blocks if b["@type"] == "NewsArticle")
    assert news_block["dateModified"] > news_block["datePublished"]
    assert news_block["dateModified"].startswith(f"{stored.updated_at:%Y-%m-%dT%H:%M}")

    atom = ET.fromstring(reader.get("/feed/atom").data)
    entry = atom.find("{http://www.w3.org/2005/Atom}entry")
    updated = entry.findtext("{http://www.w3.org/2005/Atom}updated")
    published = entry.findtext("{http://www.w3.org/2005/Atom}published")
    assert updated > published and updated.startswith(f"{stored.updated_at:%Y-%m-%dT%H:%M}")
    item = ET.fromstring(reader.get("/feed").data).find("channel/item")
    modified = item.findtext("{http://purl.org/dc/terms/}modified")
    assert modified and modified.startswith(f"{stored.updated_at:%Y-%m-%dT%H:%M}")


def test_a_story_edited_while_scheduled_is_not_modified_before_it_came_out(app, people, news):
    editor = writer(app, "editor")
    new = story_id(post_story(editor, category=str(news)))
    story_id(
        post_story(
            editor,
            f"/newsroom/{new}/edit",
            category=str(news),
            action="schedule",
            publish_at="2099-01-01T09:00",
        )
    )
    with moved_clock(timedelta(days=365 * 80)):
        reader = app.test_client()
        page = reader.get("/article/harbour-pilots-strike").get_data(as_text=True)
        assert "Updated:" not in page
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        news_block = next(json.loads(b) for b in blocks if "NewsArticle" in b)
        assert news_block["dateModified"] == news_block["datePublished"]
        assert "dcterms:modified" not in reader.get("/feed").get_data(as_text=True)


def test_csrf_is_required_on_every_history_post(app, people, news):
    editor, new = published_story(app, news)
    first = revision_ids(app, new)[0]
    for path in (
        f"/newsroom/{new}/revisions/{first}/restore",
        f"/newsroom/{new}/trash",
        f"/newsroom/{new}/preview-link",
        f"/newsroom/{new}/send-back",
    ):
        assert editor.post(path).status_code == 400, path
    assert row(app, new).trashed_at is None
    assert csrf_token(editor, "/newsroom/trash")  # the desk's pages carry the token


def test_the_history_trash_and_preview_pages_are_valid_html(app, people, news, tmp_path):
    from tests.test_valid_html import validate

    editor, new = published_story(app, news, body="Line one.\n\nLine <two>.\n")
    story_id(post_story(editor, f"/newsroom/{new}/edit", category=str(news), body="Line 1.\n"))
    first = revision_ids(app, new)[0]
    author = writer(app, "author")
    draft = story_id(post_story(author, category=str(news), title="In review"))
    in_review = {"category": str(news), "title": "In review", "action": "submit"}
    story_id(post_story(author, f"/newsroom/{draft}/edit", **in_review))
    pages = {
        "editor-in-review": editor.get(f"/newsroom/{draft}/edit"),
        "revisions": editor.get(f"/newsroom/{new}/revisions"),
        "revision": editor.get(f"/newsroom/{new}/revisions/{first}"),
        "preview-link": post(editor, f"/newsroom/{new}/preview-link"),
    }
    link = re.search(r'id="preview-url" value="([^"]+)"', pages["preview-link"].get_data(True))
    assert link
    pages["preview"] = app.test_client().get(link.group(1).removeprefix("http://localhost"))
    pages["preview-bad"] = app.test_client().get("/newsroom/preview/nope")
    assert post(editor, f"/newsroom/{draft}/send-back", note="Check <the> pay.").status_code == 303
    pages["sent-back"] = author.get(f"/newsroom/{draft}/edit")
    assert "Check &lt;the&gt; pay." in pages["sent-back"].get_data(as_text=True)
    assert post(author, f"/newsroom/{draft}/trash").status_code == 303
    pages["trash"] = author.get("/newsroom/trash")
    files = []
    for name, response in pages.items():
        assert response.status_code == (404 if name == "preview-bad" else 200), name
        path = tmp_path / f"{name}.html"
        path.write_text(response.get_data(as_text=True), encoding="utf-8")
        files.append(path)
    errors = validate(files)
    assert not errors, "\n".join(
        f"{e.get('url', '?').rsplit('/', 1)[-1]} line {e.get('lastLine')}: {e.get('message')}"
        for e in errors
    )
