"""``flask backup``: a consistent copy of a live SQLite database (PostgreSQL has pg_dump)."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from hublet.database import open_private
from hublet.extensions import db


class BackupNotSupported(Exception):
    """Raised for databases that are backed up with their own tools."""


POSTGRESQL_BACKUP_HELP = """\
PostgreSQL is backed up with its own tools, while the site keeps serving:

  pg_dump --format=custom --file=hublet-$(date +%F).dump "$DATABASE_URL_WITHOUT_DRIVER"

(use the URL without "+psycopg", e.g. postgresql://hublet@db/hublet). Restore into an empty
database with:

  pg_restore --no-owner --dbname=postgresql://hublet@db/hublet_restored hublet-YYYY-MM-DD.dump
"""


@dataclass(frozen=True)
class BackupReport:
    """Where the copy went and how big it is."""

    path: Path
    size: int
    pages: int


def backup_sqlite(destination: Path, pages_per_step: int = 256) -> BackupReport:
    """Copy the live SQLite database to ``destination`` with SQLite's online backup API.

    Writers may go on meanwhile: each step copies some pages, and SQLite restarts the copy
    when another connection changes the database, so the result is one consistent snapshot.
    The copy is written beside the destination and renamed into place, then checked.
    """
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise BackupNotSupported(POSTGRESQL_BACKUP_HELP)
    source_path = url.database
    if not source_path or source_path == ":memory:":
        raise BackupNotSupported("An in-memory database has nothing to back up.")
    destination = destination.expanduser().resolve()
    if destination == Path(source_path).resolve():
        raise ValueError("The backup cannot overwrite the database itself.")
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    busy_ms = 10_000
    source = sqlite3.connect(source_path, timeout=busy_ms / 1000)
    open_private(partial, "wb").close()  # the copy holds readers' data: 0600 from the start
    target = sqlite3.connect(partial)
    try:
        source.execute(f"PRAGMA busy_timeout = {busy_ms}")
        source.backup(target, pages=pages_per_step, sleep=0.005)
        target.execute("PRAGMA journal_mode = DELETE")
        (verdict,) = target.execute("PRAGMA integrity_check").fetchone()
        (pages,) = target.execute("PRAGMA page_count").fetchone()
    finally:
        target.close()
        source.close()
    if verdict != "ok":
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"The copy failed its integrity check: {verdict}")
    os.replace(partial, destination)
    return BackupReport(path=destination, size=destination.stat().st_size, pages=pages)
