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
