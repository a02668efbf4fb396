"""``flask check`` and ``flask backup``."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

import hublet.search
from hublet.database import writing
from hublet.extensions import db
from tests.builders import make_article


def test_check_passes_on_a_healthy_database(runner, ctx):
    make_article("Healthy story")
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    names = [line.split(":")[0].split()[-1] for line in lines]
    assert names == ["integrity", "keys", "migrations", "orphans", "index"]
    assert all(line.startswith("ok") for line in lines)
    assert "0 orphaned rows" in result.output


def _break_foreign_keys(backend: str) -> None:
    """Count views of an article that does not exist, as a bad import might."""
    insert = text(
        "INSERT INTO article_view_day (article_id, day, views) VALUES (999, '2026-01-01', 3)"
    )
    if backend == "sqlite":
        raw = db.engine.raw_connection()
        try:
            raw.execute("PRAGMA foreign_keys = OFF")
            raw.execute(str(insert))
            raw.commit()
        finally:
            raw.close()
    else:
        with db.engine.begin() as connection:
            connection.execute(text("SET session_replication_role = replica"))
            connection.execute(insert)
            connection.execute(text("SET session_replication_role = DEFAULT"))


def test_check_counts_orphans_and_fails(runner, ctx, backend):
    make_article("Story")
    _break_foreign_keys(backend)
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "FAIL  orphans: 1 orphaned row(s) (article_view_day.article_id: 1)" in result.output
    if backend == "sqlite":
        assert "FAIL  foreign keys: 1 violation(s) in article_view_day" in result.output


def test_check_fails_when_migrations_are_behind(runner, ctx):
    with writing(), db.engine.begin() as connection:
        versions = list(connection.execute(text("SELECT version_num FROM alembic_version")))
        connection.execute(text("DELETE FROM alembic_version"))
    try:
        result = runner.invoke(args=["check"])
        assert result.exit_code == 1
        assert "FAIL  migrations: database at nothing" in result.output
        assert "flask db upgrade" in result.output
    finally:  # PostgreSQL keeps this table across tests
        with writing(), db.engine.begin() as connection:
            for (version,) in versions:
                connection.execute(
                    text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": version}
                )


def test_check_runs_the_search_packages_own_check(runner, ctx, monkeypatch):
    monkeypatch.setattr(
        hublet.search,
        "check_index",
        lambda: ["2 articles are missing from the index"],
        raising=False,
    )
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "FAIL  search index: 2 articles are missing from the index" in result.output
    monkeypatch.setattr(hublet.search, "check_index", lambda: [], raising=False)
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output


def test_check_finds_a_corrupt_sqlite_file(app, runner, backend):
    if backend != "sqlite":
        pytest.skip("SQLite's integrity_check")
    with app.app_context():
        for n in range(40):
            make_article(f"Story {n}", body_html="<p>" + "words " * 400 + "</p>")
        path = Path(db.engine.url.database)
        db.engine.dispose()
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    (root,) = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = 'article' "
        "ORDER BY rootpage LIMIT 1"
    ).fetchone()
    connection.close()
    with path.open("r+b") as handle:  # scribble over an index's root page
        handle.seek((root - 1) * page_size + 8)
        handle.write(b"\xab" * (page_size - 8))
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1
    assert "FAIL  integrity" in result.output


def test_backup_copies_the_database_while_writers_write(app, runner, tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("SQLite backup API")
    with app.app_context():
        for n in range(20):
            make_article(f"Backed up {n}")
        source = db.engine.url.database

    stop = threading.Event()
    writes: list[int] = []

    def writer() -> None:
        connection = sqlite3.connect(source, timeout=10)
        n = 0
        while not stop.is_set():
            connection.execute(
                "INSERT INTO contact_message (name, email, subject, message, ip_address, "
                "created_at, handled) VALUES ('w', 'w@example.com', 's', 'message body', '', "
                "CURRENT_TIMESTAMP, 0)"
            )
            connection.commit()
            n += 1
            time.sleep(0.001)
        connection.close()
        writes.append(n)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        destination = tmp_path / "backups" / "hublet-copy.sqlite"
        result = runner.invoke(args=["backup", str(destination)])
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert writes and writes[0] > 0, "the site kept writing during the backup"
    assert f"to {destination}" in result.output
    copy = sqlite3.connect(destination)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT count(*) FROM article").fetchone() == (20,)
    copy.close()
    assert not destination.with_name(destination.name + ".partial").exists()


def test_backup_refuses_to_overwrite_the_database(app, runner, backend):
    if backend != "sqlite":
        pytest.skip("SQLite backup API")
    with app.app_context():
        source = db.engine.url.database
    result = runner.invoke(args=["backup", source])
    assert result.exit_code != 0
    assert "cannot overwrite the database itself" in result.output


def test_backup_on_postgresql_says_how_to_use_pg_dump(runner, backend, tmp_path):
    if backend != "postgresql":
        pytest.skip("PostgreSQL")
    result = runner.invoke(args=["backup", str(tmp_path / "x.dump")])
    assert result.exit_code == 1
    assert "pg_dump" in result.output
    assert not (tmp_path / "x.dump").exists()
