"""Export everything a reader sees to JSON Lines, and restore it into an empty database.

One JSON object per line: a header ``{"kind": "hublet-export", "format": 1, "counts": ...}``,
then one line per row, ``{"kind": "<table>", <column>: <value>, ...}``, tables in an order
where every row comes after the rows it refers to. Rows keep their ids, so a restore is exact:
same addresses, same threads, same counts, on SQLite or PostgreSQL alike.

Moderators, their audit trail, moderation settings and contact messages are not content and
are not exported.

A file may have been edited: every row goes through the sanitizing gate
(``hublet.sanitize.clean_row``) before its Core insert, which skips the model listener that
guards ORM writes; a clean export restores unchanged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import Date, DateTime, Table, bindparam, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from hublet import signals
from hublet.database import open_private, writing
from hublet.editorial.errors import EditorialError
from hublet.extensions import db
from hublet.sanitize import clean_row
from hublet.timeutil import utcnow

FORMAT = 1
HEADER_KIND = "hublet-export"
# Parents before children: every foreign key points to a table earlier in this list.
TABLES = ("category", "author", "tag", "page", "article", "article_tag", "article_category",
          "comment", "article_view_day")  # fmt: skip
BATCH = 500


def _table(name: str) -> Table:
    return db.metadata.tables[name]


def _encode(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def table_counts() -> dict[str, int]:
    """Rows per exported table."""
    return {
        name: db.session.scalar(select(func.count()).select_from(_table(name))) or 0
        for name in TABLES
    }


def _schema_revision() -> str:
    try:
        return db.session.scalar(text("SELECT version_num FROM alembic_version")) or ""
    except SQLAlchemyError:
        db.session.rollback()
        return ""


def export_jsonl(path: str, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Write every exported table to ``path``; returns the rows written per table."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise EditorialError(f"No such folder: {directory}")
    counts = table_counts()
    header = {
        "kind": HEADER_KIND,
        "format": FORMAT,
        "schema": _schema_revision(),
        "exported_at": utcnow().isoformat(),
        "counts": counts,
    }
    temporary = f"{path}.partial"
    try:
        with open_private(temporary, "w", encoding="utf-8") as handle:  # readers' data: 0600
            handle.write(json.dumps(header, ensure_ascii=False) + "\n")
            for name in TABLES:
                for row in _rows(name):
                    record = {"kind": name, **{k: _encode(v) for k, v in row.items()}}
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    if progress:
                        progress(1)
        os.replace(temporary, path)  # never leave half a backup under the real name
    except OSError as error:
        raise EditorialError(f"Cannot write {path}: {error.strerror}") from None
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    return counts


def _rows(name: str) -> Iterator[dict[str, Any]]:
    table = _table(name)
    statement = select(table).order_by(*table.primary_key.columns)
    result = db.session.execute(statement.execution_options(yield_per=BATCH))
    for row in result.mappings():
        yield dict(row)


def _decoder(table: Table) -> Callable[[dict[str, Any], int], dict[str, Any]]:
    columns = {column.name: column for column in table.columns}

    def decode(record: dict[str, Any], line: int) -> dict[str, Any]:
        unknown = set(record) - set(columns)
        if unknown:
            raise EditorialError(
                f"line {line}: {table.name} has no field {', '.join(sorted(unknown))} "
                "(an export from a newer Hublet? upgrade this one first)"
            )
        row = {}
        for key, value in record.items():
            kind = columns[key].type
            try:
                if value is not None and isinstance(kind, DateTime):
                    value = datetime.fromisoformat(value)
                elif value is not None and isinstance(kind, Date):
                    value = date.fromisoformat(value)
            except (TypeError, ValueError):
                raise EditorialError(
                    f"line {line}: {table.name}.{key} is not a date: {value!r}"
                ) from None
            row[key] = value
        return clean_row(table.name, row)

    return decode


def _lines(
    handle: IO[bytes], progress: Callable[[int], None] | None
) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, raw in enumerate(handle, start=1):
        if progress:
            progress(len(raw))
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise EditorialError(f"line {number} is not JSON: {error}") from None
        if not isinstance(record, dict) or "kind" not in record:
            raise EditorialError(f'line {number} has no "kind"')
        yield number, record


def ensure_empty() -> None:
    """Refuse to restore over content: a restore is exact, not a merge."""
    counts = {name: n for name, n in table_counts().items() if n}
    if counts:
        listed = ", ".join(f"{n} {name}" for name, n in counts.items())
        raise EditorialError(
            f"The database is not empty ({listed}). import-jsonl restores into an empty "
            "database only: point DATABASE_URL at a new database, run `flask db upgrade`, "
            "and import again."
        )


def import_jsonl(path: str, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Restore an export into this (empty) database, all or nothing."""
    if not os.path.isfile(path):
        raise EditorialError(f"No such file: {path}")
    decoders = {name: _decoder(_table(name)) for name in TABLES}
    counts = dict.fromkeys(TABLES, 0)
    with writing():
        try:
            ensure_empty()
            with open(path, "rb") as handle:
                records = _lines(handle, progress)
                header = _header(next(records, None))
                _restore(records, decoders, counts)
            expected = header.get("counts") or {}
            missing = {k: v for k, v in expected.items() if k in counts and counts[k] != v}
            if missing:
                detail = ", ".join(f"{k}: {counts[k]} of {v}" for k, v in missing.items())
                raise EditorialError(f"The file is incomplete ({detail}); nothing was restored.")
            _advance_sequences()
            db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise EditorialError(
                f"The rows could not be stored ({reason}); nothing was restored."
            ) from None
        except BaseException:
            db.session.rollback()
            raise
    signals.articles_bulk_changed.send()
    return counts


def _header(first: tuple[int, dict[str, Any]] | None) -> dict[str, Any]:
    if first is None:
        raise EditorialError("The file is empty: it is not a Hublet export.")
    _number, header = first
    if header.get("kind") != HEADER_KIND:
        raise EditorialError('Not a Hublet export: the first line is not a "hublet-export" header.')
    if header.get("format") != FORMAT:
        raise EditorialError(f"Export format {header.get('format')!r} is not supported here.")
    return header


def _restore(
    records: Iterator[tuple[int, dict[str, Any]]],
    decoders: dict[str, Callable[[dict[str, Any], int], dict[str, Any]]],
    counts: dict[str, int],
) -> None:
    batch: list[dict[str, Any]] = []
    batch_kind = ""
    replies: list[dict[str, int]] = []  # comment threads are joined once every comment exists

    def flush() -> None:
        if batch:
            db.session.execute(insert(_table(batch_kind)), batch)
            batch.clear()

    for number, record in records:
        kind = record.pop("kind")
        if kind not in decoders:
            raise EditorialError(f"line {number}: unknown kind {kind!r}")
        if kind != batch_kind or len(batch) >= BATCH:
            flush()
            batch_kind = kind
        row = decoders[kind](record, number)
        if kind == "comment" and row.get("parent_id") is not None:
            replies.append({"child": row["id"], "parent": row["parent_id"]})
            row["parent_id"] = None
        batch.append(row)
        counts[kind] += 1
    flush()
    comments = _table("comment")
    for start in range(0, len(replies), BATCH):
        db.session.execute(
            update(comments)
            .where(comments.c.id == bindparam("child"))
            .values(parent_id=bindparam("parent")),
            replies[start : start + BATCH],
        )


def _advance_sequences() -> None:
    """PostgreSQL: rows came with their ids, so move each id sequence past the largest."""
    if db.engine.dialect.name != "postgresql":
        return
    for name in TABLES:
        table = _table(name)
        if "id" not in table.c or list(table.primary_key.columns) != [table.c.id]:
            continue
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{name}"), 1), '
                f'(SELECT MAX(id) FROM "{name}") IS NOT NULL)'
            ),
            {"table": f'"{name}"'},
        )
