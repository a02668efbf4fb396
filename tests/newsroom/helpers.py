"""Accounts of every role, and logging a test client in through the one login page."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token

PASSWORD = "correct horse battery"
ROLES = ("author", "editor", "moderator", "admin")


def make_account(app: Flask, username: str, role: str) -> None:
    """An active account with this role and ``PASSWORD``."""
    from hublet.moderation.accounts import create_account

    with app.app_context():
        create_account(username, PASSWORD, role)


def log_in(client: FlaskClient, username: str, path: str = "/login"):  # type: ignore[no-untyped-def]
    """Post the login form as a browser would (token from the login page)."""
    token = csrf_token(client, path)
    return client.post(path, data={"username": username, "password": PASSWORD, "csrf_token": token})


def form_token(client: FlaskClient) -> str:
    """The CSRF token of a logged-in writer, from the newsroom's editor form."""
    return csrf_token(client, "/newsroom/new", form=True)


def story_fields(**overrides: str) -> dict[str, str]:
    """A complete, good story form (the category id is filled in by the caller)."""
    fields = {
        "title": "Harbour pilots strike",
        "slug": "",
        "category": "",
        "tags": "Harbour, Labour",
        "excerpt": "The pilots walked out at dawn.",
        "body": "The **harbour** pilots walked out.\n\n## Why\n\nPay.",
        "hero_image": "/static/img/harbour.jpg",
        "hero_alt": "Boats at the quay",
        "hero_caption": "The quay at dawn",
        "hero_credit": "Rosa Writer",
        "comments_open": "y",
        "publish_at": "",
        "action": "save",
    }
    fields.update(overrides)
    return fields


def writer(app: Flask, username: str) -> FlaskClient:
    """A test client logged in as ``username``."""
    client = app.test_client()
    assert log_in(client, username).status_code == 303
    return client


def post_story(client: FlaskClient, path: str = "/newsroom/new", **fields: str):  # type: ignore[no-untyped-def]
    """The story editor's form, posted with the client's token."""
    return client.post(path, data={**story_fields(**fields), "csrf_token": form_token(client)})


def story_id(response) -> int:  # type: ignore[no-untyped-def]
    """The id of the story a save redirected to (the save must have been a 303)."""
    assert response.status_code == 303, response.get_data(as_text=True)[:800]
    return int(response.headers["Location"].split("/")[-2])
