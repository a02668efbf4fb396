"""``flask check``: is the database whole, migrated, free of orphans, its search index right?

Each check returns what it found instead of raising, so one broken part never hides the others.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, exists, func, inspect, select, text

from hublet import search
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


def _search_index() -> CheckResult:
    try:
        # Looked up when the check runs, so that a test can stand in for the search package.
        problems = list(search.check_index())
    except Exception as error:  # a broken index must be reported, not crash the other checks
        db.session.rollback()
        return CheckResult("search index", False, f"the check failed: {error}")
    if problems:
        return CheckResult("search index", False, "; ".join(problems[:10]))
    return CheckResult("search index", True, "matches the articles")
