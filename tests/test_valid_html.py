"""Every page kind is valid HTML: the W3C Nu HTML validator (npm ``vnu-jar``, pinned and fetched
by ``make validator``) checks them all in one Java run, since the validator is slow to start.

Any error fails the test with the page, the line and the validator's message."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hublet.database import writing
from hublet.extensions import db
from hublet.layout import render_error
from hublet.models import Category, ContactMessage, Page
from tests.builders import (
    make_article,
    make_author,
    make_category,
    make_comment,
    make_moderator,
    make_page,
)
from tests.comments.helpers import post as post_comment
from tests.conftest import csrf_token
from tests.moderation.helpers import log_in

VNU = Path(__file__).parent / "validator" / "vnu.jar"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """One contact message a minute, so the second post shows the 429 page."""
    return {**app_config, "RATELIMIT_CONTACT": "1 per minute"}


@pytest.fixture
def site(ctx) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """A small publication with one of everything a page can show."""
    news = make_category("News", description="What happened today.")
    author = make_author("Rosa Writer", bio="Writes about the harbour.")
    story = make_article(
        "Harbour pilots strike",
        category=news,
        author=author,
        tags=["Harbour", "Labour"],
        body_html="<p>The <strong>harbour</strong> pilots walked out.</p><h2>Why</h2><p>Pay.</p>",
    )
    for n in range(3):
        make_article(f"Older story {n}", category=news, author=author, age=timedelta(days=n + 2))
    parent = make_comment(story, text="First!\n\nA second paragraph.", status="approved")
    make_comment(
        story,
        text="A reply with a https://example.org link.",
        status="approved",
        parent_id=parent.id,
    )
    for status in ("pending", "spam", "trash"):
        make_comment(story, text=f"A {status} comment.", status=status)
    make_article("Quiet story", slug="quiet-story", comments_open=False)
    make_article("Own comment story", slug="own-comment-story")
    make_page("About Us", "about-us", body_html="<p>Who we are.</p>")
    make_page("Contact Us", "contact-us", body_html="<p>Write to us.</p>")
    with writing():
        db.session.add(
            ContactMessage(
                name="Ann", email="ann@example.org", subject="Hello", message="A <b>message</b>."
            )
        )
        db.session.commit()
    make_moderator("mod")
    return {"article": story.slug, "category": news.slug, "author": author.slug, "tag": "harbour"}


def reader_pages(app: Flask, site: dict[str, str]) -> dict[str, tuple[int, str]]:
    """Every page kind a reader sees: name -> (status, HTML)."""
    client = app.test_client()
    pages: dict[str, tuple[int, str]] = {}

    def get(name: str, path: str, on: FlaskClient = client) -> None:
        response = on.get(path)
        pages[name] = (response.status_code, response.get_data(as_text=True))

    get("home", "/")
    get("article-with-comments", f"/article/{site['article']}")
    get("article-comments-closed", "/article/quiet-story")
    get("category", f"/category/{site['category']}")
    get("tag", f"/tag/{site['tag']}")
    get("author", f"/author/{site['author']}")
    get("search-results", "/search?q=harbour")
    get("search-no-results", "/search?q=zeppelin")
    get("search-empty", "/search")
    get("static-page", "/about-us")
    get("contact", "/contact-us")
    get("not-found", "/no-such-page")
    get("article-not-found", "/article/no-such-story")

    commenter = app.test_client()
    response = post_comment(commenter, "own-comment-story", comment="Waiting for a moderator.")
    assert response.status_code in (200, 303), response.status_code
    get("article-own-pending-comment", "/article/own-comment-story", on=commenter)
    response = post_comment(commenter, site["article"], comment="")  # the page's error form
    pages["comment-form-errors"] = (response.status_code, response.get_data(as_text=True))

    token = csrf_token(client, "/contact-us")
    bad = {"csrf_token": token, "name": "", "email": "x", "subject": "", "message": "short"}
    response = client.post("/contact-us", data=bad)
    pages["contact-errors"] = (response.status_code, response.get_data(as_text=True))
    response = client.post("/contact-us", data=bad)
    pages["contact-rate-limited"] = (response.status_code, response.get_data(as_text=True))
    response = client.post("/contact-us", data={**bad, "csrf_token": "forged"})
    pages["bad-request"] = (response.status_code, response.get_data(as_text=True))
    with app.test_request_context("/"):
        response = render_error(503, "Please try again in a few seconds.", with_chrome=False)
        pages["unavailable"] = (response.status_code, response.get_data(as_text=True))
    return pages


def moderation_pages(app: Flask) -> dict[str, tuple[int, str]]:
    """The login page (fresh and with an error) and every moderation tab."""
    pages: dict[str, tuple[int, str]] = {}
    client = app.test_client()
    response = client.get("/moderation/login")
    pages["login"] = (response.status_code, response.get_data(as_text=True))

    response = log_in(app.test_client(), "mod", "wrong password!")
    pages["login-failed"] = (response.status_code, response.get_data(as_text=True))

    assert log_in(client).status_code == 303
    pending = client.get("/moderation/?status=pending").get_data(as_text=True)
    # One action, so that the audit log has a row.
    comment_id = (
        pending.split('id="comment-row-')[1].split('"')[0] if "comment-row-" in pending else None
    )
    if comment_id:
        token = csrf_token(client, "/moderation/")
        client.post(f"/moderation/comments/{comment_id}/approve", data={"csrf_token": token})
    with app.app_context():
        message_id = db.session.scalar(db.select(ContactMessage.id))
    for name, path in [
        ("moderation-pending", "/moderation/?status=pending"),
        ("moderation-approved", "/moderation/?status=approved"),
        ("moderation-spam", "/moderation/?status=spam"),
        ("moderation-trash", "/moderation/?status=trash"),
        ("moderation-settings", "/moderation/settings"),
        ("moderation-messages", "/moderation/messages"),
        ("moderation-message", f"/moderation/messages/{message_id}"),
        ("moderation-articles", "/moderation/articles"),
        ("moderation-audit", "/moderation/audit"),
    ]:
        response = client.get(path)
        pages[name] = (response.status_code, response.get_data(as_text=True))
    return pages


def newsroom_pages(app: Flask) -> dict[str, tuple[int, str]]:
    """The one login page, the newsroom's listing and the story editor (blank, with errors,
    and a story being edited)."""
    from hublet.moderation.accounts import create_account
    from tests.newsroom.helpers import PASSWORD, story_fields

    pages: dict[str, tuple[int, str]] = {}
    create_account("desk", PASSWORD, "editor")  # in the test's app context, as site's rows
    category_id = db.session.scalar(db.select(Category.id))
    client = app.test_client()
    response = client.get("/login")
    pages["site-login"] = (response.status_code, response.get_data(as_text=True))
    assert log_in(client, "desk").status_code == 303
    response = client.get("/newsroom/new")
    pages["newsroom-new"] = (response.status_code, response.get_data(as_text=True))
    token = csrf_token(client, "/newsroom/new", form=True)
    bad = story_fields(title="", category="0", body="<script>x</script>")
    response = client.post("/newsroom/new", data={**bad, "csrf_token": token})
    pages["newsroom-errors"] = (response.status_code, response.get_data(as_text=True))
    good = story_fields(title="Ferry timetable changes", category=str(category_id))
    response = client.post("/newsroom/new", data={**good, "csrf_token": token})
    response = client.get(response.headers["Location"])
    pages["newsroom-edit"] = (response.status_code, response.get_data(as_text=True))
    for tab in ("drafts", "published"):
        response = client.get(f"/newsroom/?status={tab}")
        pages[f"newsroom-{tab}"] = (response.status_code, response.get_data(as_text=True))
    return pages


def desk_admin_pages(app: Flask) -> dict[str, tuple[int, str]]:
    """The newsroom's static pages (list, editor, errors, a preview, a conflict) for an editor,
    and the accounts page (with an invite link, with errors) and an invite link's page."""
    from hublet.moderation.accounts import create_account
    from tests.newsroom.helpers import PASSWORD

    pages: dict[str, tuple[int, str]] = {}
    create_account("chief", PASSWORD, "admin")
    client = app.test_client()
    assert log_in(client, "chief").status_code == 303
    token = csrf_token(client, "/newsroom/pages/new", form=True)

    def get(name: str, path: str) -> None:
        response = client.get(path)
        pages[name] = (response.status_code, response.get_data(as_text=True))

    def post(name: str, path: str, data: dict[str, str]) -> str:
        response = client.post(path, data={**data, "csrf_token": token})
        pages[name] = (response.status_code, response.get_data(as_text=True))
        return response.get_data(as_text=True)

    get("newsroom-pages", "/newsroom/pages")
    get("newsroom-page-new", "/newsroom/pages/new")
    bad = {"title": "", "slug": "search", "position": "x", "body": "<script>x</script>"}
    post("newsroom-page-errors", "/newsroom/pages/new", {**bad, "version": "0"})
    page_id = db.session.scalar(db.select(Page.id).where(Page.slug == "about-us"))
    get("newsroom-page-edit", f"/newsroom/pages/{page_id}/edit")
    good = {"title": "About Us", "slug": "about-us", "position": "1", "body": "*Hi*"}
    preview = {**good, "version": "1", "action": "preview"}
    post("newsroom-page-preview", f"/newsroom/pages/{page_id}/edit", preview)
    post("newsroom-page-conflict", f"/newsroom/pages/{page_id}/edit", {**good, "version": "0"})
    get("newsroom-accounts", "/newsroom/accounts")
    post("newsroom-accounts-errors", "/newsroom/accounts/invite", {"username": "x", "role": "?"})
    invite = {"username": "newbie", "role": "author"}
    html = post("newsroom-invited", "/newsroom/accounts/invite", invite)
    link = html.split('id="invite-link"')[1].split('value="')[1].split('"')[0]
    invitee = app.test_client()
    response = invitee.get(link.replace("&amp;", "&").removeprefix("http://localhost"))
    pages["newsroom-invite"] = (response.status_code, response.get_data(as_text=True))
    return pages


EXPECTED_STATUS = {
    "newsroom-page-errors": 422,
    "newsroom-page-conflict": 409,
    "newsroom-accounts-errors": 422,
    "newsroom-errors": 422,
    "not-found": 404,
    "article-not-found": 404,
    "contact-errors": 422,
    "comment-form-errors": 422,
    "contact-rate-limited": 429,
    "bad-request": 400,
    "unavailable": 503,
    "login-failed": 422,
}


def validate(files: list[Path]) -> list[dict]:
    """The validator's errors for all ``files``, from one Java run."""
    java = shutil.which("java")
    assert java, "no Java runtime: `make system-deps` installs default-jre-headless"
    assert VNU.is_file(), f"no {VNU}: `make validator` fetches the pinned vnu-jar"
    result = subprocess.run(
        [java, "-Xss4m", "-jar", str(VNU), "--format", "json", "--stdout", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = json.loads(result.stdout)
    return [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]


def test_every_page_kind_is_valid_html(app, site, tmp_path):  # type: ignore[no-untyped-def]
    pages = reader_pages(app, site) | moderation_pages(app) | newsroom_pages(app)
    pages |= desk_admin_pages(app)
    files = []
    for name, (status, html) in pages.items():
        assert status == EXPECTED_STATUS.get(name, 200), f"{name}: status {status}"
        assert html.lstrip().lower().startswith("<!doctype html>"), f"{name}: not a page"
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)

    errors = validate(files)

    lines = []
    for error in errors:
        page = Path(error.get("url", "?").removeprefix("file:")).stem
        where = f"{page}.html line {error.get('lastLine', '?')}"
        lines.append(f"{where}: {error.get('message')}\n    {error.get('extract', '').strip()}")
    assert not errors, f"{len(errors)} validator errors:\n" + "\n".join(lines)
