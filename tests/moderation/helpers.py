"""Logging a test client in as a moderator."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.conftest import csrf_token

PASSWORD = "correct horse battery"


def log_in(client: FlaskClient, username: str = "mod", password: str = PASSWORD, **extra):  # type: ignore[no-untyped-def]
    """Post the login form as a browser would (token from the login page)."""
    token = csrf_token(client, "/moderation/login")
    return client.post(
        "/moderation/login",
        data={"username": username, "password": password, "csrf_token": token, **extra},
    )


def token(client: FlaskClient) -> str:
    """The CSRF token of a logged-in client, read from the moderation page."""
    return csrf_token(client, "/moderation/")
