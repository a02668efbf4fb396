"""``flask create-moderator``, ``set-password``, ``list-moderators``, ``deactivate-moderator``."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.security import check_password_hash

from hublet.extensions import db
from hublet.models import Moderator
from hublet.moderation import accounts

GOOD = "a long and quiet harbour"


def moderator(app: Flask, username: str) -> Moderator | None:
    with app.app_context():
        row = db.session.scalar(select(Moderator).where(Moderator.username == username))
        if row is not None:
            db.session.expunge(row)
        return row


def test_create_moderator_asks_twice_and_stores_an_asvs_hash(app, runner):
    result = runner.invoke(args=["create-moderator", "Editor.One"], input=f"{GOOD}\n{GOOD}\n")
    assert result.exit_code == 0, result.output
    assert "Created moderator 'editor.one'." in result.output
    assert GOOD not in result.output  # the prompts hide what is typed
    row = moderator(app, "editor.one")
    assert row.is_active and row.session_version == 1 and row.created_at is not None
    assert row.password_hash.startswith("pbkdf2:sha256:600000$")
    assert check_password_hash(row.password_hash, GOOD)


def test_create_moderator_reads_the_password_from_stdin(app, runner):
    result = runner.invoke(
        args=["create-moderator", "ci-bot", "--password-stdin"], input=f"{GOOD}\n"
    )
    assert result.exit_code == 0, result.output
    assert check_password_hash(moderator(app, "ci-bot").password_hash, GOOD)


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["create-moderator", "bob"], f"{GOOD}\n{GOOD}x\n", "The two passwords do not match"),
        (["create-moderator", "bob", "--password-stdin"], "short\n", "too short"),
        (["create-moderator", "bob", "--password-stdin"], "\n", "No password was given"),
        (["create-moderator", "bob", "--password-stdin"], "x" * 129 + "\n", "too long"),
        (["create-moderator", "bob", "--password-stdin"], "password1234\n", "too common"),
        (["create-moderator", "bob", "--password-stdin"], "aaaaaaaaaaaaaaaa\n", "too simple"),
        (["create-moderator", "bob", "--password-stdin"], "hello bob hello\n", "username"),
        (["create-moderator", "b", "--password-stdin"], f"{GOOD}\n", "3 to 64 characters"),
        (["create-moderator", "bad name!", "--password-stdin"], f"{GOOD}\n", "letters, digits"),
    ],
)
def test_create_moderator_errors_are_clear_and_store_nothing(app, runner, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code == 1
    assert "Error:" in result.output and message in result.output
    with app.app_context():
        assert db.session.scalar(select(Moderator)) is None


def test_create_moderator_refuses_an_existing_name_before_asking(app, runner):
    runner.invoke(args=["create-moderator", "ann", "--password-stdin"], input=f"{GOOD}\n")
    result = runner.invoke(args=["create-moderator", "ANN"], input="")
    assert result.exit_code == 1
    assert "A moderator named 'ann' already exists." in result.output
    assert "Password" not in result.output


def test_set_password_changes_it_and_ends_sessions(app, runner):
    runner.invoke(args=["create-moderator", "ann", "--password-stdin"], input=f"{GOOD}\n")
    new = "another calm harbour"
    result = runner.invoke(args=["set-password", "ann"], input=f"{new}\n{new}\n")
    assert result.exit_code == 0, result.output
    assert "Changed the password of 'ann'" in result.output
    row = moderator(app, "ann")
    assert check_password_hash(row.password_hash, new)
    assert row.session_version == 2


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["set-password", "nobody"], "", "There is no moderator named 'nobody'."),
        (["set-password", "ann", "--password-stdin"], "weak\n", "too short"),
        (["set-password", "ann"], f"{GOOD}1\n{GOOD}2\n", "do not match"),
    ],
)
def test_set_password_errors(app, runner, args, stdin, message):
    runner.invoke(args=["create-moderator", "ann", "--password-stdin"], input=f"{GOOD}\n")
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code == 1 and message in result.output
    assert check_password_hash(moderator(app, "ann").password_hash, GOOD)


def test_list_moderators(app, runner):
    empty = runner.invoke(args=["list-moderators"])
    assert empty.exit_code == 0 and "No moderators yet" in empty.output
    for name in ("zed", "amy"):
        runner.invoke(args=["create-moderator", name, "--password-stdin"], input=f"{GOOD}\n")
    runner.invoke(args=["deactivate-moderator", "zed"])
    result = runner.invoke(args=["list-moderators"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines == ["amy\tactive\tlast login: never", "zed\tdeactivated\tlast login: never"]


def test_deactivate_moderator(app, runner):
    runner.invoke(args=["create-moderator", "ann", "--password-stdin"], input=f"{GOOD}\n")
    result = runner.invoke(args=["deactivate-moderator", "Ann"])
    assert result.exit_code == 0 and "Deactivated moderator 'ann'" in result.output
    row = moderator(app, "ann")
    assert row.is_active is False and row.session_version == 2
    again = runner.invoke(args=["deactivate-moderator", "ann"])
    assert again.exit_code == 1 and "already deactivated" in again.output
    unknown = runner.invoke(args=["deactivate-moderator", "nobody"])
    assert unknown.exit_code == 1 and "There is no moderator named 'nobody'." in unknown.output


def test_authenticate_rules(app):
    with app.app_context():
        accounts.create_moderator("ann", GOOD)
        assert accounts.authenticate("ANN ", GOOD).username == "ann"
        assert accounts.authenticate("ann", GOOD + "x") is None
        assert accounts.authenticate("nobody", GOOD) is None
        assert accounts.authenticate("", "") is None
