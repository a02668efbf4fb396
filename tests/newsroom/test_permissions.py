"""Every newsroom URL, as each role and as an anonymous reader: the table says what happens."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hublet.extensions import db
from hublet.models import Article, AuditEntry
from tests.conftest import csrf_token
from tests.newsroom.helpers import form_token, log_in, story_fields

WHO = ("anonymous", "author", "other", "editor", "moderator", "admin")

# (method, path, action) -> status for each of WHO. "{id}" is a draft of the author "author".
# 303 for GET without login: to /login; 401 for a POST without login (nothing is done).
TABLE = {
    ("GET", "/newsroom/", None): (303, 200, 200, 200, 403, 200),
    ("GET", "/newsroom/?status=published", None): (303, 200, 200, 200, 403, 200),
    ("GET", "/newsroom/new", None): (303, 200, 200, 200, 403, 200),
    ("POST", "/newsroom/new", "save"): (401, 303, 303, 303, 403, 303),
    ("POST", "/newsroom/new", "publish"): (401, 403, 403, 303, 403, 303),
    ("GET", "/newsroom/{id}/edit", None): (303, 200, 403, 200, 403, 200),
    ("POST", "/newsroom/{id}/edit", "save"): (401, 303, 403, 303, 403, 303),
    ("POST", "/newsroom/{id}/edit", "submit"): (401, 303, 403, 303, 403, 303),
    ("POST", "/newsroom/{id}/edit", "publish"): (401, 403, 403, 303, 403, 303),
    ("POST", "/newsroom/{id}/edit", "schedule"): (401, 403, 403, 303, 403, 303),
    ("POST", "/newsroom/{id}/edit", "unpublish"): (401, 403, 403, 303, 403, 303),
    ("POST", "/newsroom/{id}/edit", "autosave"): (401, 200, 403, 200, 403, 200),
    ("POST", "/newsroom/{id}/edit", "preview"): (401, 200, 403, 200, 403, 200),
    ("GET", "/newsroom/tags?tags=har", None): (303, 200, 200, 200, 403, 200),
    # Static pages: editors and admins (999: no such page, checked after the role).
    ("GET", "/newsroom/pages", None): (303, 403, 403, 200, 403, 200),
    ("GET", "/newsroom/pages/new", None): (303, 403, 403, 200, 403, 200),
    ("POST", "/newsroom/pages/new", "save"): (401, 403, 403, 303, 403, 303),
    ("GET", "/newsroom/pages/999/edit", None): (303, 403, 403, 404, 403, 404),
    ("POST", "/newsroom/pages/999/edit", "save"): (401, 403, 403, 404, 403, 404),
    # Accounts: admins only (a story's fields are no invite: 422; 999: no such account).
    ("GET", "/newsroom/accounts", None): (303, 403, 403, 403, 403, 200),
    ("POST", "/newsroom/accounts/invite", "save"): (401, 403, 403, 403, 403, 422),
    ("POST", "/newsroom/accounts/999/invite", "save"): (401, 403, 403, 403, 403, 404),
    ("POST", "/newsroom/accounts/999/role", "save"): (401, 403, 403, 403, 403, 404),
    ("POST", "/newsroom/accounts/999/deactivate", "save"): (401, 403, 403, 403, 403, 404),
    ("POST", "/newsroom/accounts/999/reactivate", "save"): (401, 403, 403, 403, 403, 404),
    # An invite link is its own key, whoever opens it: a made-up one is a 404 for all.
    ("GET", "/newsroom/invite/not-a-token", None): (404, 404, 404, 404, 404, 404),
    ("POST", "/newsroom/invite/not-a-token", "save"): (404, 404, 404, 404, 404, 404),
    # A story's history, review and trash (999: no such revision, checked after the role).
    ("GET", "/newsroom/{id}/revisions", None): (303, 200, 403, 200, 403, 200),
    ("GET", "/newsroom/{id}/revisions/999", None): (303, 404, 403, 404, 403, 404),
    ("POST", "/newsroom/{id}/revisions/999/restore", "save"): (401, 404, 403, 404, 403, 404),
    ("POST", "/newsroom/{id}/send-back", "save"): (401, 403, 403, 409, 403, 409),  # not in review
    ("POST", "/newsroom/{id}/trash", "save"): (401, 303, 403, 303, 403, 303),
    ("POST", "/newsroom/{id}/untrash", "save"): (401, 409, 403, 409, 403, 409),  # not trashed
    ("GET", "/newsroom/trash", None): (303, 200, 200, 200, 403, 200),
    ("POST", "/newsroom/{id}/preview-link", "save"): (401, 200, 403, 200, 403, 200),
    # A preview link is its own key, whoever opens it: a made-up one is a 404 for all.
    ("GET", "/newsroom/preview/not-a-token", None): (404, 404, 404, 404, 404, 404),
}


def test_the_table_covers_every_newsroom_route(app: Flask):
    rules = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("newsroom.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    adapter = app.url_map.bind("localhost")
    covered = set()
    for method, path, _action in TABLE:
        rule, _ = adapter.match(
            path.split("?")[0].replace("{id}", "1"), method=method, return_rule=True
        )
        covered.add((rule.rule, method))
    assert rules == covered


def _draft_of_author(app: Flask, news: int) -> int:
    client = app.test_client()
    log_in(client, "author")
    response = client.post(
        "/newsroom/new", data={**story_fields(category=str(news)), "csrf_token": form_token(client)}
    )
    assert response.status_code == 303
    return int(response.headers["Location"].split("/")[-2])


def _counts(app: Flask) -> tuple[int, int, list]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Article)),
            db.session.scalar(select(func.count()).select_from(AuditEntry)),
            list(db.session.execute(select(Article.status, Article.title)).all()),
        )


@pytest.mark.parametrize("who", range(len(WHO)), ids=WHO)
@pytest.mark.parametrize("route", list(TABLE), ids=[f"{m} {p} {a or ''}" for m, p, a in TABLE])
def test_each_role_gets_what_the_table_says(app, people, news, route, who):
    method, path, action = route
    expected = TABLE[route][who]
    story_id = _draft_of_author(app, news)
    path = path.replace("{id}", str(story_id))
    client: FlaskClient = app.test_client()
    if WHO[who] != "anonymous":
        assert log_in(client, WHO[who]).status_code == 303
    before = _counts(app)
    if method == "GET":
        response = client.get(path)
    else:
        token = csrf_token(client, "/login", form=True) if WHO[who] == "anonymous" else None
        if token is None:
            token = _token_of(client)
        fields = story_fields(category=str(news), title="Changed title", action=action)
        if action == "schedule":
            fields["publish_at"] = "2099-01-01T09:00"
        response = client.post(path, data={**fields, "csrf_token": token})
    assert response.status_code == expected, response.get_data(as_text=True)[:500]
    if expected == 303 and method == "GET":
        assert response.headers["Location"].startswith("/login?next=/newsroom/")
    if expected in (401, 403):
        assert _counts(app) == before  # nothing was stored


def _token_of(client: FlaskClient) -> str:
    """A logged-in client's CSRF token: from the newsroom, or the moderation page for a
    moderator (whom the newsroom turns away)."""
    response = client.get("/newsroom/new")
    if response.status_code == 200:
        return form_token(client)
    return csrf_token(client, "/moderation/")
