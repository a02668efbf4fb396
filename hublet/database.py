"""Database engine behaviour that SQLAlchemy does not give by default.

SQLite: WAL so that readers never wait for a writer, foreign keys on, a busy timeout, and
write transactions that take the write lock up front (``BEGIN IMMEDIATE``). A deferred
transaction that reads and then writes can fail at once with "database is locked" when
another writer got there first; an immediate one waits up to the busy timeout instead.
Reads (GET requests) keep plain deferred transactions so that they never queue behind writers.

Files that hold readers' data (the SQLite database and its ``-wal``/``-shm``, exports,
backups) are created readable by this user only (0600), whatever the umask.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, cast

from flask import Flask, has_request_context, request
from sqlalchemy import CursorResult, Executable, event, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm.attributes import set_committed_value

from hublet.extensions import db

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_write_lock_wanted: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "hublet_write_lock", default=False
)


@contextmanager
def writing() -> Iterator[None]:
    """Make transactions begun inside this block take SQLite's write lock up front.

    Requests other than GET/HEAD/OPTIONS do this by themselves; CLI commands and tests that
    write outside a request use this block.
    """
    token = _write_lock_wanted.set(True)
    try:
        yield
    finally:
        _write_lock_wanted.reset(token)


def _wants_write_lock() -> bool:
    if _write_lock_wanted.get():
        return True
    return has_request_context() and request.method not in _SAFE_METHODS


def is_sqlite(engine: Engine | None = None) -> bool:
    """True when the app's database is SQLite."""
    engine = engine or db.engine
    return engine.dialect.name == "sqlite"


PRIVATE_FILE_MODE = 0o600
_SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def open_private(path: str | os.PathLike[str], mode: str = "w", **options: Any) -> IO[Any]:
    """Open ``path`` for writing as a file only this user may read (it holds readers' data)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.fchmod(descriptor, PRIVATE_FILE_MODE)  # a file that was there keeps no wider mode
    return os.fdopen(descriptor, mode, **options)


def keep_sqlite_private(path: str | None) -> None:
    """Create the SQLite database file 0600 before SQLite does (it gives its ``-wal`` and
    ``-shm`` the database's mode), and narrow the mode of files an older version made."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    if not os.path.exists(path) and os.path.isdir(os.path.dirname(os.path.abspath(path))):
        open_private(path, "wb").close()
    for suffix in _SQLITE_COMPANIONS:
        name = path + suffix
        try:
            if os.path.exists(name) and os.stat(name).st_mode & 0o077:
                os.chmod(name, PRIVATE_FILE_MODE)
        except OSError as error:  # another user's file: say so, serve anyway
            logging.getLogger("hublet.security").warning(
                "cannot make %s private (mode 0600): %s", name, error.strerror
            )


def _end_session(_error: BaseException | None) -> None:
    """End the request's session even when the database went away during the request.

    Flask-SQLAlchemy's own teardown (which runs after this one) rolls back on the session's
    connection; when the server was restarted meanwhile, that rollback fails and the request
    that had been answered becomes a 500. A connection the server dropped has nothing to roll
    back: it is invalidated (discarded from the pool, never handed out again) instead.
    """
    try:
        db.session.remove()
    except DBAPIError as error:
        logging.getLogger(__name__).warning(
            "database connection lost at the end of a request: %s", type(error.orig).__name__
        )
        with contextlib.suppress(DBAPIError):
            db.session().invalidate()  # the same session: remove() stopped before clearing it
        db.session.registry.clear()


def configure_engine(app: Flask) -> None:
    """End every request's session safely; install the SQLite connection hooks on the app's
    engine."""
    app.teardown_appcontext(_end_session)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    keep_sqlite_private(engine.url.database)
    busy_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _wants_write_lock() else "BEGIN")


def reset_postgres_schema(url: str) -> None:
    """Drop everything in a PostgreSQL database's public schema (throwaway test and bench
    databases only)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def rows_changed(statement: Executable) -> int:
    """How many rows an ``UPDATE`` or ``DELETE`` changed: a conditional update's answer to
    "was the row still as I read it?" (optimistic locking)."""
    result = cast(CursorResult, db.session.execute(statement))
    return int(result.rowcount)


def claim_version(row: Any, base_version: int) -> bool:
    """Move ``row`` (a model with ``id`` and ``version`` columns) from ``base_version`` to the
    next version in one conditional ``UPDATE``; False, and nothing changed, when someone saved
    it since (the caller rolls back and shows both versions). On PostgreSQL the row stays
    locked until the commit, so two saves from one version cannot both pass."""
    model = type(row)
    bumped = rows_changed(
        update(model)
        .where(model.id == row.id, model.version == base_version)
        .values(version=model.version + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped != 1:
        return False
    set_committed_value(row, "version", base_version + 1)
    return True
