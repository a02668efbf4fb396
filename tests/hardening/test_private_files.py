"""Files that hold readers' data are readable by the site's user only.

Readers' e-mail and IP addresses sit in the database, its exports and its backups; with the
usual umask (022) they used to be created 0644, readable by every account on the host.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from hublet import create_app
from hublet.extensions import db
from tests.builders import make_comment
from tests.conftest import base_config


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_sqlite_database_and_its_wal_files_are_0600(tmp_path):
    from flask_migrate import upgrade

    path = tmp_path / "instance" / "hublet.sqlite"
    path.parent.mkdir()
    application = create_app(base_config(f"sqlite:///{path}", tmp_path / "instance"))
    with application.app_context():
        upgrade()
        with db.engine.connect() as connection:  # WAL: the -wal and -shm files exist now
            connection.execute(text("SELECT 1"))
            for suffix in ("", "-wal", "-shm"):
                assert mode(f"{path}{suffix}") == 0o600, suffix
        db.engine.dispose()


def test_an_older_database_file_is_made_private_at_start(tmp_path, migrated_database, backend):
    if backend != "sqlite":
        pytest.skip("SQLite only")
    path = tmp_path / "old.sqlite"
    path.write_bytes(Path(migrated_database).read_bytes())
    os.chmod(path, 0o644)
    application = create_app(base_config(f"sqlite:///{path}", tmp_path))
    assert mode(path) == 0o600
    with application.app_context():
        db.engine.dispose()


def test_flask_export_writes_a_0600_file(app, runner, tmp_path):
    with app.app_context():
        make_comment(author_email="reader@example.com")
    target = tmp_path / "export.jsonl"
    target.write_text("an older file, readable by all\n")
    os.chmod(target, 0o644)
    result = runner.invoke(args=["export", str(target)])
    assert result.exit_code == 0, result.output
    assert "reader@example.com" in target.read_text()
    assert mode(target) == 0o600


def test_flask_backup_writes_a_0600_file(app, runner, tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("flask backup copies SQLite; PostgreSQL has pg_dump")
    with app.app_context():
        make_comment(author_email="reader@example.com")
    target = tmp_path / "backups" / "hublet.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert mode(target) == 0o600
