"""Database engine behaviour that SQLAlchemy does not give by default.

SQLite: WAL so that readers never wait for a writer, foreign keys on, a busy timeout, and
write transactions that take the write lock up front (``BEGIN IMMEDIATE``). A deferred
transaction that reads and then writes can fail at once with "database is locked" when
another writer got there first; an immediate one waits up to the busy timeout instead.
Reads (GET requests) keep plain deferred transactions so that they never queue behind writers.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

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


def configure_engine(app: Flask) -> None:
    """Install the SQLite connection hooks on the app's engine (no-op elsewhere)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "sqlite":
        return
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
