"""Every ``flask`` command of the site."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    from hublet.editorial.commands import COMMANDS as EDITORIAL_COMMANDS
    from hublet.search.commands import reindex_command

    for command in (
        seed_command,
        seed_comments_command,
        check_command,
        backup_command,
        reindex_command,
        *EDITORIAL_COMMANDS,
        *MODERATOR_COMMANDS,
    ):
        app.cli.add_command(command)


@click.command("seed")
@click.option(
    "--articles",
    "synthetic",
    type=click.IntRange(min=1, max=5_000_000),
    default=None,
    help="Also add this many synthetic articles (for scale tests and benchmarks).",
)
def seed_command(synthetic: int | None) -> None:
    """Fill the database with the demo publication (safe to run again)."""
    from hublet.demo.seed import seed_demo, seed_synthetic

    report = seed_demo()
    if report.added_anything:
        click.echo(
            f"Seeded {report.categories} categories, {report.authors} authors, "
            f"{report.tags} tags, {report.pages} pages and {report.articles} articles."
        )
    else:
        click.echo("The demo content is already seeded; nothing changed.")
    if synthetic:
        with click.progressbar(length=synthetic, label="Synthetic articles") as bar:
            added = seed_synthetic(synthetic, progress=bar.update)
        click.echo(f"Added {added} synthetic articles.")


@click.command("seed-comments")
@click.option("--comments", "count", type=click.IntRange(min=1, max=10_000_000), required=True)
def seed_comments_command(count: int) -> None:
    """Add approved synthetic comments in bulk (for benchmarks)."""
    from hublet.demo.seed import seed_synthetic_comments

    with click.progressbar(length=count, label="Synthetic comments") as bar:
        added = seed_synthetic_comments(count, progress=bar.update)
    click.echo(f"Added {added} synthetic comments.")


# --- Integrity and backups (issue 7); the logic lives in hublet.maintenance ---


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Check the database: integrity, foreign keys, migrations, orphans, the search index.

    Exits 0 when every check holds, 1 otherwise.
    """
    from hublet.maintenance import run_checks

    results = run_checks()
    for result in results:
        click.echo(f"{'ok  ' if result.ok else 'FAIL'}  {result.name}: {result.detail}")
    if not all(result.ok for result in results):
        raise SystemExit(1)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH while the site keeps serving (online backup API)."""
    from hublet.maintenance import BackupNotSupported, backup_sqlite

    try:
        report = backup_sqlite(path)
    except BackupNotSupported as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="PATH") from None
    click.echo(f"Backed up {report.pages} pages ({report.size:,} bytes) to {report.path}.")


# --- Moderator accounts (issue 4); the rules live in hublet.moderation.accounts ---


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


def _account_call(action, *args):  # type: ignore[no-untyped-def]
    from hublet.moderation.accounts import AccountError

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
    from hublet.moderation import accounts

    _account_call(accounts.check_new_username, username)  # before asking for a password
    password = _read_new_password(password_stdin)
    moderator = _account_call(accounts.create_moderator, username, password)
    click.echo(f"Created moderator {moderator.username!r}.")


@click.command("set-password")
@with_appcontext
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(username: str, password_stdin: bool) -> None:
    """Give a moderator a new password (their open sessions end)."""
    from hublet.moderation import accounts

    _account_call(accounts.existing_moderator, username)  # before asking for a password
    password = _read_new_password(password_stdin)
    moderator = _account_call(accounts.set_password, username, password)
    click.echo(f"Changed the password of {moderator.username!r}; their sessions have ended.")


@click.command("list-moderators")
@with_appcontext
def list_moderators_command() -> None:
    """List the moderators with their state and last login."""
    from hublet.moderation import accounts

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
    from hublet.moderation import accounts

    moderator = _account_call(accounts.deactivate_moderator, username)
    click.echo(f"Deactivated moderator {moderator.username!r}; their sessions have ended.")


MODERATOR_COMMANDS = (
    create_moderator_command,
    set_password_command,
    list_moderators_command,
    deactivate_moderator_command,
)
