"""``flask check`` and ``flask backup``: print what the checks and the backup found, and set the
exit code (0 when everything holds)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from hublet.maintenance.backup import BackupNotSupported, backup_sqlite
from hublet.maintenance.checks import run_checks


@click.command("check")
@with_appcontext
def check_command() -> None:
    """Check the database: integrity, foreign keys, migrations, orphans, the search index.

    Exits 0 when every check holds, 1 otherwise.
    """
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
    try:
        report = backup_sqlite(path)
    except BackupNotSupported as error:
        click.echo(str(error), err=True)
        raise SystemExit(1) from None
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="PATH") from None
    click.echo(f"Backed up {report.pages} pages ({report.size:,} bytes) to {report.path}.")


COMMANDS = (check_command, backup_command)
