"""One account model with roles: ``flask create-user``, one login page, moderation's doors."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import select, text
from werkzeug.security import check_password_hash

from hublet.extensions import db
from hublet.models import Account
from hublet.moderation.accounts import hash_password
from tests.conftest import csrf_token
from tests.newsroom.helpers import PASSWORD, ROLES, log_in, make_account
from tests.test_foundation import _migration_app, empty_database_url  # noqa: F401

GOOD = "a long and quiet harbour"


def account(app: Flask, username: str) -> Account | None:
    with app.app_context():
        row = db.session.scalar(select(Account).where(Account.username == username))
        if row is not None:
            db.session.expunge(row)
        return row


def test_create_user_prints_a_generated_password_that_logs_in(app, runner, client):
    result = runner.invoke(args=["create-user", "Writer.One", "--role", "author"])
    assert result.exit_code == 0, result.output
    assert "Created author 'writer.one'." in result.output
    password = result.output.split("Password (shown only now): ")[1].strip()
    assert len(password) >= 12
    row = account(app, "writer.one")
    assert row.role == "author" and row.is_active
    assert row.password_hash.startswith("pbkdf2:sha256:600000$")
    assert check_password_hash(row.password_hash, password)

    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": "writer.one", "password": password, "csrf_token": token}
    )
    assert response.status_code == 303


def test_create_user_reads_the_password_from_stdin_and_prints_none(app, runner):
    result = runner.invoke(
        args=["create-user", "desk", "--role", "Editor", "--password-stdin"], input=f"{GOOD}\n"
    )
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output and GOOD not in result.output
    row = account(app, "desk")
    assert row.role == "editor" and check_password_hash(row.password_hash, GOOD)


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["create-user", "bob", "--role", "owner"], "", "'owner' is not one of"),
        (["create-user", "bob"], "", "Missing option '--role'"),
        (["create-user", "bob", "--role", "author", "--password-stdin"], "short\n", "too short"),
        (["create-user", "bob", "--role", "author", "--password-stdin"], "\n", "No password"),
        (["create-user", "b", "--role", "author"], "", "3 to 64 characters"),
    ],
)
def test_create_user_errors_store_nothing(app, runner, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert account(app, "bob") is None and account(app, "b") is None


def test_create_user_refuses_a_taken_name(app, runner):
    make_account(app, "ann", "moderator")
    result = runner.invoke(args=["create-user", "ANN", "--role", "admin"])
    assert result.exit_code == 1
    assert "An account named 'ann' already exists." in result.output
    assert account(app, "ann").role == "moderator"


def test_create_moderator_still_makes_moderators(app, runner):
    result = runner.invoke(args=["create-moderator", "old-style", "--password-stdin"], input=GOOD)
    assert result.exit_code == 0, result.output
    assert account(app, "old-style").role == "moderator"


def test_both_login_addresses_are_one_form(app, client):
    for path, heading in (("/login", "Log in"), ("/moderation/login", "Moderator login")):
        response = client.get(path)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f"<h1>{heading}</h1>" in html and f'action="{path}"' in html
        assert response.headers["Cache-Control"] == "no-store"
        assert "noindex" in response.headers["X-Robots-Tag"]


@pytest.mark.parametrize(
    "role, path, landing",
    [
        ("moderator", "/login", "/moderation/"),
        ("moderator", "/moderation/login", "/moderation/"),
        ("editor", "/moderation/login", "/moderation/"),
        ("admin", "/moderation/login", "/moderation/"),
    ],
)
def test_each_role_lands_on_its_desk(app, client, role, path, landing):
    make_account(app, f"{role}-1", role)
    response = log_in(client, f"{role}-1", path)
    assert response.status_code == 303
    assert response.headers["Location"] == landing


def test_a_wrong_password_at_login_is_refused_the_same_way(app, client):
    make_account(app, "writer", "author")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": "writer", "password": "nope nope nope", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "Incorrect username or password." in response.get_data(as_text=True)


@pytest.mark.parametrize("role, status", [(r, 403 if r == "author" else 200) for r in ROLES])
def test_moderation_is_open_to_moderators_editors_and_admins_only(app, client, role, status):
    make_account(app, "someone", role)
    assert log_in(client, "someone").status_code == 303
    for path in ("/moderation/", "/moderation/settings", "/moderation/audit"):
        assert client.get(path).status_code == status, path


def test_a_moderator_from_before_roles_keeps_working(empty_database_url, tmp_path: Path):  # noqa: F811
    app = _migration_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(revision="0005")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO moderator (id, username, password_hash, is_active, "
                    "session_version, created_at) VALUES (7, 'veteran', :hash, true, 3, "
                    "'2025-01-02 03:04:05')"
                ),
                {"hash": hash_password(PASSWORD)},
            )
        upgrade()
        with db.engine.connect() as connection:
            row = connection.execute(
                text("SELECT role, session_version FROM moderator WHERE id = 7")
            ).one()
        assert tuple(row) == ("moderator", 3)
        db.engine.dispose()
    client = app.test_client()
    response = log_in(client, "veteran", "/moderation/login")
    assert response.status_code == 303 and response.headers["Location"] == "/moderation/"
    assert client.get("/moderation/").status_code == 200
    with app.app_context():
        db.engine.dispose()
