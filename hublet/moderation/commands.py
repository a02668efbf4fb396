"""The account commands (``flask create-user``, ``flask create-moderator`` and friends).

Thin wrappers: the rules live in ``hublet.moderation.accounts``; a broken rule is one clear
``Error: ...`` line and exit code 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import click
from flask.cli import with_appcontext

from hublet.models import ACCOUNT_ROLES
from hublet.moderation import accounts
from hublet.moderation.accounts import AccountError

T = TypeVar("T")


def _read_new_password(from_stdin: bool) -> str:
    """The new password: one line of stdin, or typed twice at hidden prompts."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("No password was given on standard input.")
        return password
    password = click.prompt("Password", hide_input=True)
    again = click.prompt("Repeat the password", hide_input=True)
    if password != again:
        raise click.ClickException("The two passwords do not match; nothing was changed.")
    return password


def _account_call(action: Callable[..., T], *args: str) -> T:
    try:
        return action(*args)
    except AccountError as error:
        raise click.ClickException(str(error)) from None


@click.command("create-moderator")
@with_appcontext
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_moderator_command(username: str, password_stdin: bool) -> None:
    """Add a moderator who can log in to /moderation/."""
    _account_call(accounts.check_new_username, username)  # before asking for a password
    password = _read_new_password(password_stdin)
    moderator = _account_call(accounts.create_moderator, username, password)
    click.echo(f"Created moderator {moderator.username!r}.")


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option(
    "--role",
    required=True,
    type=click.Choice(ACCOUNT_ROLES, case_sensitive=False),
    help="author writes, editor publishes, moderator handles comments, admin does everything.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(username: str, role: str, password_stdin: bool) -> None:
    """Add an account that logs in at /login; without --password-stdin a random password is
    generated and printed once (no account is ever made with a password known in advance)."""
    _account_call(accounts.check_new_username, username, "account")  # before reading a password
    generated = not password_stdin
    password = accounts.generate_password() if generated else _read_new_password(from_stdin=True)
    account = _account_call(accounts.create_account, username, password, role)
    click.echo(f"Created {account.role} {account.username!r}.")
    if generated:
        click.echo(f"Password (shown only now): {password}")


@click.command("set-password")
@with_appcontext
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(username: str, password_stdin: bool) -> None:
    """Give a moderator a new password (their open sessions end)."""
    _account_call(accounts.existing_moderator, username)  # before asking for a password
    password = _read_new_password(password_stdin)
    moderator = _account_call(accounts.set_password, username, password)
    click.echo(f"Changed the password of {moderator.username!r}; their sessions have ended.")


@click.command("list-moderators")
@with_appcontext
def list_moderators_command() -> None:
    """List the moderators with their state and last login."""
    moderators = accounts.list_moderators()
    if not moderators:
        click.echo("No moderators yet. Add one with: flask create-moderator USERNAME")
        return
    for moderator in moderators:
        state = "active" if moderator.is_active else "deactivated"
        last = "never"
        if moderator.last_login_at:
            last = f"{moderator.last_login_at:%Y-%m-%d %H:%M} UTC"
        click.echo(f"{moderator.username}\t{state}\tlast login: {last}")


@click.command("deactivate-moderator")
@with_appcontext
@click.argument("username")
def deactivate_moderator_command(username: str) -> None:
    """Stop a moderator from logging in (their open sessions end)."""
    moderator = _account_call(accounts.deactivate_moderator, username)
    click.echo(f"Deactivated moderator {moderator.username!r}; their sessions have ended.")


COMMANDS = (
    create_user_command,
    create_moderator_command,
    set_password_command,
    list_moderators_command,
    deactivate_moderator_command,
)
