"""Database health checks (``flask check``) and online backups (``flask backup``).

The search package may offer its own check: a function ``check_index() -> list[str]`` in
``hublet.search`` (or ``hublet.search.index``) that returns the problems it finds (an empty
list when the index matches the articles). ``flask check`` calls it when it exists.
"""

from __future__ import annotations

import importlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Table, exists, func, inspect, select, text

from hublet.extensions import db


@dataclass(frozen=True)
class CheckResult:
    """One check: its name, whether it holds, and what it found."""

    name: str
    ok: bool
    detail: str


def run_checks() -> list[CheckResult]:
    """Every check, in the order ``flask check`` prints them."""
    results = []
    for name, check in (
        ("integrity", _integrity),
        ("foreign keys", _foreign_keys),
        ("migrations", _migrations),
        ("orphans", _orphans),
        ("search index", _search_index),
    ):
        try:
            results.append(check())
        except Exception as error:  # a damaged database fails the check, not the command
            db.session.rollback()
            first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
            results.append(CheckResult(name, False, f"could not run: {first_line}"))
    db.session.rollback()
    return results


def _integrity() -> CheckResult:
    if db.engine.dialect.name != "sqlite":
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return CheckResult("integrity", True, "the server keeps its own integrity (reachable)")
    with db.engine.connect() as connection:
        rows = [row[0] for row in connection.exec_driver_sql("PRAGMA integrity_check")]
    ok = rows == ["ok"]
    return CheckResult("integrity", ok, "ok" if ok else "; ".join(rows[:10]))


def _foreign_keys() -> CheckResult:
    if db.engine.dialect.name != "sqlite":
        return CheckResult("foreign keys", True, "enforced by the server")
    with db.engine.connect() as connection:
        rows = list(connection.exec_driver_sql("PRAGMA foreign_key_check"))
    if not rows:
        return CheckResult("foreign keys", True, "no violations")
    tables = sorted({row[0] for row in rows})
    return CheckResult("foreign keys", False, f"{len(rows)} violation(s) in {', '.join(tables)}")


def _migrations() -> CheckResult:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    if current == heads:
        return CheckResult("migrations", True, f"at {', '.join(sorted(heads))}")
    return CheckResult(
        "migrations",
        False,
        f"database at {', '.join(sorted(current)) or 'nothing'}, code at "
        f"{', '.join(sorted(heads))}: run `flask db upgrade`",
    )


def count_orphans() -> dict[str, int]:
    """Rows whose foreign key names a row that does not exist, per ``table.column``."""
    existing = set(inspect(db.engine).get_table_names())
    counts: dict[str, int] = {}
    for table in db.metadata.sorted_tables:
        if table.name not in existing:
            continue
        for fk in table.foreign_keys:
            parent: Table = fk.column.table
            if parent.name not in existing:
                continue
            parent_alias = parent.alias("parent")
            child_column = fk.parent
            parent_column = parent_alias.c[fk.column.name]
            query = (
                select(func.count())
                .select_from(table)
                .where(
                    child_column.is_not(None),
                    ~exists().where(parent_column == child_column),
                )
            )
            found = db.session.scalar(query) or 0
            if found:
                counts[f"{table.name}.{child_column.name}"] = found
    return counts


def _orphans() -> CheckResult:
    counts = count_orphans()
    if not counts:
        return CheckResult("orphans", True, "0 orphaned rows")
    total = sum(counts.values())
    listed = ", ".join(f"{name}: {n}" for name, n in sorted(counts.items()))
    return CheckResult("orphans", False, f"{total} orphaned row(s) ({listed})")


def search_index_check() -> Callable[[], list[str]] | None:
    """The search package's own check, when it offers one."""
    for module_name in ("hublet.search", "hublet.search.index"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        check = getattr(module, "check_index", None)
        if callable(check):
            return check
    return None


def _search_index() -> CheckResult:
    check = search_index_check()
    if check is None:
        return CheckResult("search index", True, "no check offered by hublet.search (skipped)")
    try:
        problems = list(check())
    except Exception as error:  # a broken index must be reported, not crash the other checks
        db.session.rollback()
        return CheckResult("search index", False, f"the check failed: {error}")
    if problems:
        return CheckResult("search index", False, "; ".join(problems[:10]))
    return CheckResult("search index", True, "matches the articles")


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
