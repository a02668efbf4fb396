"""The foundation: configuration layers, the secret key, SQLite's engine settings, migrations."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from hublet import create_app
from hublet.database import writing
from hublet.extensions import db
from tests.conftest import base_config

ENV_NAMES = (
    "DATABASE_URL",
    "REDIS_URL",
    "HUBLET_SECRET_KEY",
    "HUBLET_SITE_NAME",
    "HUBLET_TIMEZONE",
)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No HUBLET_* or database settings from the outside; an empty instance folder."""
    for name in list(os.environ):
        if name.startswith("HUBLET_") or name in ENV_NAMES:
            monkeypatch.delenv(name, raising=False)
    instance = tmp_path / "instance"
    monkeypatch.setenv("HUBLET_INSTANCE_PATH", str(instance))
    return instance


def _deployed_app() -> Flask:
    """The app as ``flask`` builds it: no test config, so every layer is read."""
    app = create_app()
    app.config.pop("INSTANCE_PATH", None)  # the env var above names the folder
    return app


# --- configuration ------------------------------------------------------------------------


def test_defaults_then_instance_config_then_environment(clean_env, monkeypatch):
    assert _deployed_app().config["SITE_NAME"] == "Global Hublet"
    assert _deployed_app().config["TIMEZONE"] == "UTC"

    clean_env.mkdir(parents=True, exist_ok=True)
    (clean_env / "config.py").write_text(
        'SITE_NAME = "Instance Hublet"\nTIMEZONE = "Europe/Paris"\nARTICLES_PER_PAGE = 12\n'
    )
    app = _deployed_app()
    assert app.config["SITE_NAME"] == "Instance Hublet"
    assert app.config["TIMEZONE"] == "Europe/Paris"

    monkeypatch.setenv("HUBLET_SITE_NAME", "Env Hublet")
    monkeypatch.setenv("HUBLET_ARTICLES_PER_PAGE", "7")
    app = _deployed_app()
    assert app.config["SITE_NAME"] == "Env Hublet"
    assert app.config["ARTICLES_PER_PAGE"] == 7  # JSON-parsed: a number
    assert app.config["TIMEZONE"] == "Europe/Paris"  # still from the instance file


def test_database_url_from_the_environment_wins(clean_env, monkeypatch, tmp_path):
    default = _deployed_app().config["SQLALCHEMY_DATABASE_URI"]
    assert default == f"sqlite:///{clean_env / 'hublet.sqlite'}"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.sqlite'}")
    assert _deployed_app().config["SQLALCHEMY_DATABASE_URI"].endswith("elsewhere.sqlite")


def test_site_name_setting_is_what_readers_see(clean_env, monkeypatch, tmp_path, app_config):
    app_config["SITE_NAME"] = "The Daily Test"
    html = create_app(app_config).test_client().get("/").get_data(as_text=True)
    assert "<title>The Daily Test" in html
    assert 'rel="home">The Daily Test</a>' in html


# --- the secret key -----------------------------------------------------------------------


def test_first_start_writes_a_private_secret_key_and_later_starts_reuse_it(clean_env):
    key_file = clean_env / "secret_key"
    assert not key_file.exists()
    first = _deployed_app().config["SECRET_KEY"]
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first
    assert len(first) >= 32
    assert _deployed_app().config["SECRET_KEY"] == first


def test_secret_key_from_the_environment_wins(clean_env, monkeypatch):
    _deployed_app()  # writes the file
    monkeypatch.setenv("HUBLET_SECRET_KEY", "from-the-environment")
    assert _deployed_app().config["SECRET_KEY"] == "from-the-environment"


def test_no_secret_key_is_committed_to_the_repository():
    root = Path(__file__).resolve().parent.parent
    ignored = (root / ".gitignore").read_text()
    assert "instance/" in ignored or "/instance" in ignored or "secret_key" in ignored
    assert "SECRET_KEY =" not in (root / "hublet" / "config.py").read_text()


# --- SQLite engine settings ---------------------------------------------------------------


@pytest.fixture
def sqlite_app(app: Flask, backend: str) -> Iterator[Flask]:
    if backend != "sqlite":
        pytest.skip("SQLite engine settings")
    yield app


def _pragma(name: str):  # type: ignore[no-untyped-def]
    return db.session.execute(text(f"PRAGMA {name}")).scalar()


def test_sqlite_runs_in_wal_with_foreign_keys_and_a_busy_timeout(sqlite_app):
    with sqlite_app.app_context():
        assert _pragma("journal_mode") == "wal"
        assert _pragma("foreign_keys") == 1
        assert _pragma("busy_timeout") >= 5000
        db.session.rollback()


def _database_file(app: Flask) -> str:
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database


def _another_writer_can_start(app: Flask) -> bool:
    """Whether a second connection gets the write lock at once (no waiting)."""
    other = sqlite3.connect(_database_file(app), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()


def test_writes_take_the_write_lock_up_front_and_reads_do_not(sqlite_app):
    with sqlite_app.app_context():
        db.session.execute(text("SELECT 1 FROM article LIMIT 1"))  # a read transaction
        assert _another_writer_can_start(sqlite_app)
        db.session.rollback()

        with writing():
            db.session.execute(text("SELECT 1 FROM article LIMIT 1"))
            assert not _another_writer_can_start(sqlite_app)  # BEGIN IMMEDIATE held the lock
            db.session.rollback()
        assert _another_writer_can_start(sqlite_app)


@pytest.mark.parametrize("method, locks", [("POST", True), ("GET", False)])
def test_requests_that_change_things_begin_immediate(sqlite_app, method, locks):
    with sqlite_app.test_request_context("/", method=method):
        db.session.execute(text("SELECT 1 FROM article LIMIT 1"))
        assert _another_writer_can_start(sqlite_app) is not locks
        db.session.rollback()


def test_a_waiting_writer_gets_through_instead_of_failing(sqlite_app):
    """A second writer waits for the first (busy timeout) instead of 'database is locked'."""
    import threading
    import time

    from sqlalchemy import func, select

    from hublet.models import Tag

    with sqlite_app.app_context():
        holder = sqlite3.connect(
            _database_file(sqlite_app), isolation_level=None, check_same_thread=False
        )
        holder.execute("BEGIN IMMEDIATE")
        releaser = threading.Timer(0.5, lambda: holder.execute("COMMIT"))
        releaser.start()
        started = time.monotonic()
        with writing():
            db.session.add(Tag(name="Waited", slug="waited"))
            db.session.commit()
        releaser.join()
        holder.close()
        assert time.monotonic() - started >= 0.4
        assert db.session.scalar(select(func.count()).select_from(Tag)) == 1


# --- migrations ---------------------------------------------------------------------------


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    server_url = make_url(os.environ["HUBLET_TEST_DATABASE_URL"])
    name = f"{server_url.database}_migrations"
    admin = create_engine(server_url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield server_url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migration_app(url: str, tmp_path: Path) -> Flask:
    return create_app(base_config(url, tmp_path))


def _head_revision(app: Flask) -> str:
    from alembic.script import ScriptDirectory

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        return ScriptDirectory.from_config(config).get_current_head()


def _stored_revision(app: Flask) -> str:
    with app.app_context(), db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def test_flask_db_upgrade_builds_the_whole_schema_on_an_empty_database(
    empty_database_url, tmp_path
):
    app = _migration_app(empty_database_url, tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert _stored_revision(app) == _head_revision(app)

    # Again: nothing to do, nothing broken.
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert _stored_revision(app) == _head_revision(app)

    # And the schema the models expect is the one migrations made: the site works on it.
    with app.app_context():
        db.engine.dispose()
    response = app.test_client().get("/")
    assert response.status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_upgrading_an_old_database_keeps_its_rows(empty_database_url, tmp_path):
    from flask_migrate import upgrade

    app = _migration_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO category (id, name, slug, description, position, in_more_menu) "
                    "VALUES (1, 'Old news', 'old-news', '', 0, false)"
                )
            )
            connection.execute(
                text("INSERT INTO author (id, name, slug, bio) VALUES (1, 'Old Hand', 'old', '')")
            )
            connection.execute(
                text(
                    "INSERT INTO article (id, title, slug, excerpt, body_html, word_count, "
                    "hero_image, hero_alt, hero_caption, hero_credit, hero_width, hero_height, "
                    "category_id, author_id, status, published_at, updated_at, created_at, "
                    "is_featured, is_hot, comments_open, comment_count) VALUES (1, "
                    "'A story from before', 'a-story-from-before', 'Old.', '<p>Kept words.</p>', "
                    "2, '', '', '', '', 1200, 675, 1, 1, 'published', '2025-01-02 03:04:05', "
                    "'2025-01-02 03:04:05', '2025-01-02 03:04:05', false, false, true, 0)"
                )
            )
        upgrade()
        db.engine.dispose()
    assert _stored_revision(app) == _head_revision(app)
    with app.app_context(), db.engine.connect() as connection:
        row = connection.execute(text("SELECT title, body_html FROM article WHERE id = 1")).one()
        assert tuple(row) == ("A story from before", "<p>Kept words.</p>")
        assert connection.execute(text("SELECT name FROM category")).scalar() == "Old news"
    html = app.test_client().get("/article/a-story-from-before").get_data(as_text=True)
    assert "Kept words." in html
    with app.app_context():
        db.engine.dispose()


def _search_index_rows(connection) -> list[tuple]:
    """Everything the search index holds, in a comparable form."""
    if connection.dialect.name == "sqlite":
        rows = []
        for table in ("article_search", "article_search_head", "article_search_title"):
            rows += [
                (table, *row)
                for row in connection.execute(text(f"SELECT rowid, * FROM {table} ORDER BY rowid"))
            ]
        mapping = "SELECT article_id, doc_rowid FROM article_search_rowid ORDER BY article_id"
        return rows + [("rowid", *row) for row in connection.execute(text(mapping))]
    statement = (
        "SELECT article_id, published_at, document::text, title_doc::text, head_doc::text, "
        "body_text FROM article_search ORDER BY article_id"
    )
    return [tuple(row) for row in connection.execute(text(statement))]


def test_the_search_migration_indexes_old_articles_as_a_reindex_does(empty_database_url, tmp_path):
    """Revision 0002 fills the index with its own frozen copy of the statements: on an old
    database it makes the index `flask reindex` makes today, and readers find the old stories."""
    from flask_migrate import upgrade

    from hublet.search.index import rebuild

    app = _migration_app(empty_database_url, tmp_path)
    columns = (
        "id, title, slug, excerpt, body_html, word_count, hero_image, hero_alt, hero_caption, "
        "hero_credit, hero_width, hero_height, category_id, author_id, status, published_at, "
        "updated_at, created_at, is_featured, is_hot, comments_open, comment_count"
    )
    stories = [
        (1, "Cafés à Montréal", "cafes", "L'hiver\x01 au café.",
         "<p>Caf&eacute; cr&egrave;me &amp; <b>pain</b> au chocolat.</p>", "published",
         "2025-01-02 03:04:05"),
        (2, "Harbour cranes return", "cranes", "Port news.", "<p>Cranes &lt;back&gt;.</p>",
         "published", "2024-12-31 23:59:59"),
        (3, "Draft about cafés", "draft", "Not yet.", "<p>Draft.</p>", "draft", None),
    ]  # fmt: skip
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO category (id, name, slug, description, position, in_more_menu) "
                    "VALUES (1, 'Old news', 'old-news', '', 0, false)"
                )
            )
            connection.execute(
                text("INSERT INTO author (id, name, slug, bio) VALUES (1, 'Zoë Hand', 'zoe', '')")
            )
            connection.execute(
                text(
                    "INSERT INTO tag (id, name, slug) "
                    "VALUES (1, 'Économie', 'eco'), (2, 'Hiver', 'hiver')"
                )
            )
            for number, title, slug, excerpt, body, status, published in stories:
                connection.execute(
                    text(
                        f"INSERT INTO article ({columns}) VALUES (:id, :title, :slug, :excerpt, "
                        ":body, 2, '', '', '', '', 1200, 675, 1, 1, :status, :published, "
                        "'2025-01-02 03:04:05', '2025-01-02 03:04:05', false, false, true, 0)"
                    ),
                    {
                        "id": number,
                        "title": title,
                        "slug": slug,
                        "excerpt": excerpt,
                        "body": body,
                        "status": status,
                        "published": published,
                    },
                )
            connection.execute(
                text("INSERT INTO article_tag (article_id, tag_id) VALUES (1, 1), (1, 2), (2, 1)")
            )
        upgrade(revision="0002")
        with db.engine.begin() as connection:
            migrated = _search_index_rows(connection)
            assert rebuild(connection) == 2
        with db.engine.begin() as connection:
            assert _search_index_rows(connection) == migrated
        assert len(migrated) == (8 if db.engine.dialect.name == "sqlite" else 2)
        upgrade()
        db.engine.dispose()
    html = app.test_client().get("/search?q=montreal+creme").get_data(as_text=True)
    assert "Cafés à Montréal" in html and "Draft about" not in html
    with app.app_context():
        db.engine.dispose()
