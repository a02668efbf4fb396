"""Static pages in the newsroom: editors and admins list, write, preview and save them; a save
over a newer version is refused with both versions shown; readers see the new text at once."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hublet.extensions import db
from hublet.models import AuditEntry, Page
from tests.builders import make_page
from tests.conftest import csrf_token
from tests.newsroom.helpers import log_in


def page_row(app: Flask, slug: str) -> Page | None:
    with app.app_context():
        row = db.session.scalar(select(Page).where(Page.slug == slug))
        if row is not None:
            db.session.expunge(row)
        return row


def audit(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEntry.moderator_name, AuditEntry.action, AuditEntry.detail)
            .where(AuditEntry.item_type == "page")
            .order_by(AuditEntry.id)
        )
        return [tuple(row) for row in rows]


def count_pages(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Page)) or 0


@pytest.fixture
def about(app: Flask) -> int:
    """A seeded page, HTML only (no Markdown), as the demo and importers make them."""
    with app.app_context():
        return make_page(
            "About Us", "about-us", body_html="<p>We are <em>Hublet</em>.</p>", position=1
        ).id


def editor_client(app: Flask, who: str = "editor") -> tuple[FlaskClient, str]:
    client = app.test_client()
    assert log_in(client, who).status_code == 303
    return client, csrf_token(client, "/newsroom/pages/new", form=True)


def fields(version: int | str = 0, **overrides: str) -> dict[str, str]:
    values = {
        "title": "Privacy Policy",
        "slug": "",
        "position": "3",
        "body": "We keep **nothing** about you.\n\n## Cookies\n\nOnly the session.",
        "version": str(version),
        "action": "save",
    }
    values.update(overrides)
    return values


def test_an_editor_writes_a_page_and_readers_see_it(app, people, about):
    client, token = editor_client(app)
    listing = client.get("/newsroom/pages").get_data(as_text=True)
    assert "About Us" in listing and "/about-us" in listing
    assert '<a href="/newsroom/pages"' in listing  # "Pages" in the newsroom's navigation

    response = client.post("/newsroom/pages/new", data={**fields(), "csrf_token": token})
    assert response.status_code == 303
    row = page_row(app, "privacy-policy")
    assert row is not None and row.position == 3 and row.version == 1
    assert response.headers["Location"] == f"/newsroom/pages/{row.id}/edit"
    assert row.body_markdown.startswith("We keep **nothing**")
    assert "<strong>nothing</strong>" in row.body_html and "<h2>Cookies</h2>" in row.body_html

    html = app.test_client().get("/privacy-policy").get_data(as_text=True)
    assert "<strong>nothing</strong> about you" in html
    assert audit(app) == [("editor", "page-created", "Privacy Policy")]


def test_a_seeded_page_opens_with_its_html_and_saving_updates_the_cached_page(app, people, about):
    reader = app.test_client()
    assert "We are <em>Hublet</em>." in reader.get("/about-us").get_data(as_text=True)  # cached

    client, token = editor_client(app, "admin")
    form = client.get(f"/newsroom/pages/{about}/edit").get_data(as_text=True)
    assert "&lt;p&gt;We are &lt;em&gt;Hublet&lt;/em&gt;.&lt;/p&gt;</textarea>" in form
    assert 'name="version" type="hidden" value="1"' in form

    data = fields(1, title="About Us", slug="about-us", body="We are a *small* paper.")
    response = client.post(f"/newsroom/pages/{about}/edit", data={**data, "csrf_token": token})
    assert response.status_code == 303
    page = reader.get("/about-us").get_data(as_text=True)
    assert "We are a <em>small</em> paper." in page and "Hublet</em>." not in page
    row = page_row(app, "about-us")
    assert row.version == 2 and row.body_markdown == "We are a *small* paper."
    assert audit(app) == [("admin", "page-edited", "About Us")]


def test_a_stale_save_is_refused_with_both_versions_and_overwrites_nothing(app, people, about):
    first, token1 = editor_client(app, "editor")
    second, token2 = editor_client(app, "admin")
    mine = fields(1, title="About Us", slug="about-us", body="The first editor's words.")
    assert (
        first.post(f"/newsroom/pages/{about}/edit", data={**mine, "csrf_token": token1}).status_code
        == 303
    )

    theirs = fields(1, title="About Us", slug="about-us", body="The second editor's words.")
    response = second.post(f"/newsroom/pages/{about}/edit", data={**theirs, "csrf_token": token2})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this page meanwhile" in html
    assert "The first editor&#39;s words.</textarea>" in html  # the stored version
    assert "The second editor&#39;s words.</textarea>" in html  # still in the form
    assert 'name="version" type="hidden" value="2"' in html
    row = page_row(app, "about-us")
    assert row.body_markdown == "The first editor's words." and row.version == 2
    assert [entry[1] for entry in audit(app)] == ["page-edited"]

    # Saving again from the conflict page is a knowing choice: it replaces theirs.
    again = fields(2, title="About Us", slug="about-us", body="The second editor's words.")
    response = second.post(f"/newsroom/pages/{about}/edit", data={**again, "csrf_token": token2})
    assert response.status_code == 303
    assert page_row(app, "about-us").body_markdown == "The second editor's words."


def test_a_save_without_a_version_is_a_conflict_not_an_overwrite(app, people, about):
    client, token = editor_client(app)
    data = fields("", title="About Us", slug="about-us", body="Words.")
    response = client.post(f"/newsroom/pages/{about}/edit", data={**data, "csrf_token": token})
    assert response.status_code == 409
    assert page_row(app, "about-us").body_html == "<p>We are <em>Hublet</em>.</p>"


def test_preview_shows_the_page_and_stores_nothing(app, people, about):
    client, token = editor_client(app)
    data = fields(1, title="About Us", slug="about-us", body="A *new* text.", action="preview")
    response = client.post(f"/newsroom/pages/{about}/edit", data={**data, "csrf_token": token})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert re.search(
        r'id="page-preview">\s*<div class="story-body"><p>A <em>new</em> text.</p>', html
    )
    assert "A *new* text.</textarea>" in html
    assert page_row(app, "about-us").version == 1 and audit(app) == []

    # htmx asks for the preview alone as the editor types.
    headers = {"HX-Request": "true", "HX-Request-Type": "partial"}
    body = "Hello <img src=x onerror=alert(1)> **there**"
    response = client.post(
        "/newsroom/pages/new",
        data={**fields(body=body, action="preview"), "csrf_token": token},
        headers=headers,
    )
    assert response.status_code == 422
    fragment = response.get_data(as_text=True)
    assert "<!doctype" not in fragment.lower() and "onerror" not in fragment
    assert "No preview: The body contains HTML that is not allowed" in fragment
    assert "HX-Request" in response.headers["Vary"]

    response = client.post(
        "/newsroom/pages/new",
        data={
            **fields(body="Plain <b>bold</b> and <u>more</u>", action="preview"),
            "csrf_token": token,
        },
        headers=headers,
    )
    assert response.status_code == 200
    assert "<b>bold</b>" in response.get_data(as_text=True)
    assert count_pages(app) == 1


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"title": ""}, "Please give the page a title."),
        ({"title": "!!!", "slug": ""}, "Please give the page a slug"),
        ({"slug": "about-us"}, "Another page already has the slug “about-us”."),
        ({"slug": "search"}, "The site already has its own page at /search"),
        ({"slug": "newsroom"}, "The site already has its own page at /newsroom"),
        ({"position": "-1"}, "Please give a whole number from 0 to 9999."),
        ({"position": "many"}, "Please give a whole number from 0 to 9999."),
        ({"body": "x" * 40_001}, "The body is too long"),
        ({"body": "Hi <script>alert(1)</script>"}, "The body contains HTML that is not allowed"),
        ({"body": "[x](javascript:alert(1))"}, "The body contains HTML that is not allowed"),
        ({"body": "<iframe src=//evil.example></iframe>"}, "The body contains HTML"),
    ],
)
def test_bad_input_is_told_beside_the_field_and_stores_nothing(
    app, people, about, overrides, field_message
):
    client, token = editor_client(app)
    response = client.post("/newsroom/pages/new", data={**fields(**overrides), "csrf_token": token})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was saved: please fix the fields marked below." in html
    assert re.search(r'<p class="field-error" id="[a-z]+-error">' + re.escape(field_message), html)
    assert count_pages(app) == 1 and audit(app) == []


def test_a_page_keeps_its_own_slug_even_where_the_site_has_a_route(app, people):
    """The seeded Contact Us page lives at /contact-us, which the contact form answers."""
    with app.app_context():
        contact = make_page("Contact Us", "contact-us").id
    client, token = editor_client(app)
    data = fields(1, title="Contact Us", slug="contact-us", body="Write to us.")
    response = client.post(f"/newsroom/pages/{contact}/edit", data={**data, "csrf_token": token})
    assert response.status_code == 303
    assert page_row(app, "contact-us").body_markdown == "Write to us."


@pytest.mark.parametrize("who, status", [("author", 403), ("moderator", 403)])
def test_authors_and_moderators_cannot_touch_pages(app, people, about, who, status):
    client = app.test_client()
    assert log_in(client, who).status_code == 303
    assert client.get("/newsroom/pages").status_code == status
    assert client.get(f"/newsroom/pages/{about}/edit").status_code == status
    token = csrf_token(client, "/moderation/" if who == "moderator" else "/newsroom/new")
    data = fields(1, title="About Us", slug="about-us", body="Taken over.")
    response = client.post(f"/newsroom/pages/{about}/edit", data={**data, "csrf_token": token})
    assert response.status_code == status
    assert page_row(app, "about-us").version == 1 and audit(app) == []
    nav = client.get("/newsroom/new").get_data(as_text=True)
    assert '<a href="/newsroom/pages"' not in nav


def test_a_post_without_csrf_changes_nothing(app, people, about):
    client, _token = editor_client(app)
    data = fields(1, title="About Us", slug="about-us", body="Forged.")
    assert client.post(f"/newsroom/pages/{about}/edit", data=data).status_code == 400
    assert page_row(app, "about-us").version == 1


def test_an_unknown_page_is_a_404(app, people):
    client, _token = editor_client(app)
    assert client.get("/newsroom/pages/999/edit").status_code == 404
