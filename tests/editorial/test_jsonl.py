"""`flask export` and `flask import-jsonl`: a backup restores exactly, SQLite to PostgreSQL too."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url

from hublet import create_app
from hublet.database import writing
from hublet.editorial.jsonl import TABLES
from hublet.extensions import db
from hublet.models import Article, ArticleViewDay, Category, Comment, article_category
from tests.conftest import base_config

DATA = Path(__file__).parent.parent / "data"
ROUNDTRIP_DATABASE = "hublet_roundtrip"

MARKDOWN = """---
title: Markdown story with a table
category: Science
author: Kenji Sato
tags: [Space]
published: 2026-01-15 07:00:00
hot: true
---
| planet | moons |
|--------|-------|
| Mars   | 2     |
"""

_CSRF = re.compile(
    r'("X-CSRFToken": "|name="csrf_token" type="hidden" value="|'
    r'name="csrf_token" value=")[^"]+'
)


def fresh_app(url: str, instance: Path) -> Flask:
    """An app on a newly migrated, empty database at ``url``."""
    from flask_migrate import upgrade

    application = create_app(base_config(url, instance))
    with application.app_context():
        upgrade()
    return application


@contextmanager
def context_of(application: Flask) -> Iterator[None]:
    with application.app_context():
        yield
        db.session.remove()


def invoke(application: Flask, *args: str):  # type: ignore[no-untyped-def]
    """Run a command on ``application`` even while another app's context is pushed."""
    with context_of(application):
        return application.test_cli_runner().invoke(args=list(args))


def fill(application: Flask, tmp_path: Path) -> None:
    """Articles, pages, taxonomies, comments of every status, threads and view counts."""
    result = invoke(application, "import-wordpress", str(DATA / "wordpress-export.xml"))
    assert result.exit_code == 0, result.output
    folder = tmp_path / "markdown"
    folder.mkdir()
    (folder / "moons.md").write_text(MARKDOWN, encoding="utf-8")
    assert invoke(application, "import-markdown", str(folder)).exit_code == 0
    with context_of(application), writing():
        paris = db.session.scalar(select(Article).where(Article.slug == "elections-paris"))
        db.session.add(ArticleViewDay(article_id=paris.id, day=date(2026, 1, 11), views=42))
        # Filed under a second category too, as imported WordPress posts can be.
        science = db.session.scalar(select(Category.id).where(Category.slug == "science"))
        db.session.execute(
            insert(article_category).values(article_id=paris.id, category_id=science)
        )
        db.session.commit()


def page_paths(application: Flask) -> list[str]:
    with context_of(application):
        slugs = list(db.session.scalars(select(Article.slug).order_by(Article.id)))
    return ["/", "/about-the-gazette", "/category/world", "/tag/elections", "/author/kenji"] + [
        f"/article/{slug}" for slug in slugs
    ]


def rendered(application: Flask, path: str) -> tuple[int, str]:
    response = application.test_client().get(path)
    return response.status_code, _CSRF.sub(r"\1TOKEN", response.get_data(as_text=True))


def dump(application: Flask) -> dict[str, list]:
    """Every exported table's rows, for comparing two databases."""
    with context_of(application):
        tables = {}
        for name in TABLES:
            table = db.metadata.tables[name]
            rows = db.session.execute(select(table).order_by(*table.primary_key.columns))
            tables[name] = [tuple(row) for row in rows]
        return tables


def export(application: Flask, path: Path) -> None:
    result = invoke(application, "export", str(path))
    assert result.exit_code == 0, result.output


def restore(application: Flask, path: Path):  # type: ignore[no-untyped-def]
    return invoke(application, "import-jsonl", str(path))


def assert_same_site(source: Flask, target: Flask) -> None:
    assert dump(source) == dump(target)
    for path in page_paths(source):
        assert rendered(target, path) == rendered(source, path), path


@pytest.fixture
def sqlite_source(tmp_path: Path) -> Iterator[Flask]:
    application = fresh_app(f"sqlite:///{tmp_path / 'source.sqlite'}", tmp_path)
    fill(application, tmp_path)
    yield application
    with application.app_context():
        db.engine.dispose()


def test_export_writes_a_header_and_one_line_per_row(sqlite_source, tmp_path):
    path = tmp_path / "backup.jsonl"
    result = invoke(sqlite_source, "export", str(path))
    assert result.exit_code == 0
    assert "article: 6" in result.output and "comment: 7" in result.output
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    header, rows = lines[0], lines[1:]
    assert header["kind"] == "hublet-export" and header["format"] == 1
    assert header["counts"]["article"] == 6 and header["counts"]["comment"] == 7
    assert len(rows) == sum(header["counts"].values())
    kinds = [row["kind"] for row in rows]
    assert kinds == sorted(kinds, key=TABLES.index)  # parents before children
    statuses = sorted(row["status"] for row in rows if row["kind"] == "comment")
    assert statuses == ["approved"] * 5 + ["pending", "spam"]
    assert not list(tmp_path.glob("*.partial"))


def test_round_trip_into_an_empty_sqlite_database_is_exact(sqlite_source, tmp_path):
    path = tmp_path / "backup.jsonl"
    export(sqlite_source, path)
    target = fresh_app(f"sqlite:///{tmp_path / 'target.sqlite'}", tmp_path)
    result = restore(target, path)
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "comment: 7" in result.output
    assert dump(target)["article_category"], "secondary categories survive a restore"
    assert_same_site(sqlite_source, target)
    # New rows after a restore get new ids, not ones already taken.
    assert invoke(target, "import-wordpress", str(DATA / "wordpress-export.xml")).exit_code == 0
    assert dump(target)["article"] == dump(sqlite_source)["article"]


def _roundtrip_database_url() -> str | None:
    """A PostgreSQL database of this test's own, beside the shared test database."""
    url = os.environ.get("HUBLET_TEST_DATABASE_URL")
    if not url:
        return None
    base = make_url(url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": ROUNDTRIP_DATABASE}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{ROUNDTRIP_DATABASE}"'))
    admin.dispose()
    target = base.set(database=ROUNDTRIP_DATABASE)
    engine = create_engine(target)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return target.render_as_string(hide_password=False)


def test_round_trip_sqlite_to_postgresql_gives_the_same_pages(sqlite_source, tmp_path):
    url = _roundtrip_database_url()
    if url is None:
        pytest.skip("HUBLET_TEST_DATABASE_URL is not set")
    path = tmp_path / "backup.jsonl"
    export(sqlite_source, path)
    target = fresh_app(url, tmp_path)
    try:
        result = restore(target, path)
        assert result.exit_code == 0, result.output
        assert_same_site(sqlite_source, target)
        # PostgreSQL's id sequences were moved past the restored ids.
        folder = tmp_path / "more"
        folder.mkdir()
        (folder / "later.md").write_text(MARKDOWN.replace("with a table", "later"), "utf-8")
        assert invoke(target, "import-markdown", str(folder)).exit_code == 0
        with context_of(target):
            assert db.session.scalar(select(func.max(Article.id))) == 7
        # And back again: PostgreSQL -> export -> SQLite.
        back = tmp_path / "back.jsonl"
        export(target, back)
        again = fresh_app(f"sqlite:///{tmp_path / 'again.sqlite'}", tmp_path)
        assert restore(again, back).exit_code == 0
        assert dump(again) == dump(target)
    finally:
        with target.app_context():
            db.session.remove()
            db.engine.dispose()


# -- error paths -------------------------------------------------------------------------------


def test_a_database_with_content_is_refused(runner, ctx, sqlite_source, tmp_path):
    path = tmp_path / "backup.jsonl"
    export(sqlite_source, path)
    result = restore(sqlite_source, path)
    assert result.exit_code == 1
    assert "The database is not empty" in result.output and "Traceback" not in result.output
    assert dump(sqlite_source)["article"]  # untouched


def test_restore_is_all_or_nothing(runner, ctx, sqlite_source, tmp_path):
    path = tmp_path / "backup.jsonl"
    export(sqlite_source, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    cut = tmp_path / "cut.jsonl"
    cut.write_text("\n".join(lines[:-3]) + "\n", encoding="utf-8")
    result = restore(runner.app, cut)
    assert result.exit_code == 1 and "incomplete" in result.output
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "The file is empty"),
        ('{"kind": "article", "id": 1}\n', "Not a Hublet export"),
        ('{"kind": "hublet-export", "format": 99}\n', "format 99"),
        ('{"kind": "hublet-export", "format": 1}\n{not json\n', "line 2 is not JSON"),
        ('{"kind": "hublet-export", "format": 1}\n{"kind": "moderator"}\n', "unknown kind"),
        (
            '{"kind": "hublet-export", "format": 1}\n{"kind": "tag", "id": 1, "colour": "red"}\n',
            "tag has no field colour",
        ),
        (
            '{"kind": "hublet-export", "format": 1}\n'
            '{"kind": "page", "id": 1, "title": "T", "slug": "t", "updated_at": "soon"}\n',
            "page.updated_at is not a date",
        ),
        (
            '{"kind": "hublet-export", "format": 1}\n'
            '{"kind": "article_tag", "article_id": 5, "tag_id": 9}\n',
            "could not be stored",
        ),
    ],
)
def test_bad_files_are_clear_errors(runner, ctx, tmp_path, content, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    result = restore(runner.app, path)
    assert result.exit_code == 1, result.output
    assert message in result.output and "Traceback" not in result.output


def test_missing_files_and_folders_are_clear_errors(runner, ctx, tmp_path):
    missing = restore(runner.app, tmp_path / "nope.jsonl")
    assert missing.exit_code == 1 and "No such file" in missing.output
    nowhere = runner.invoke(args=["export", str(tmp_path / "no" / "such" / "backup.jsonl")])
    assert nowhere.exit_code == 1 and "No such folder" in nowhere.output


def test_restored_bodies_are_sanitized_again(runner, client, ctx, tmp_path):
    path = tmp_path / "edited.jsonl"
    rows = [
        {"kind": "hublet-export", "format": 1},
        {
            "kind": "page",
            "id": 1,
            "title": "About",
            "slug": "about",
            "position": 0,
            "body_html": '<p onclick="x()">Hi</p><script>alert(1)</script>',
            "updated_at": "2026-01-01T00:00:00",
        },
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    assert restore(runner.app, path).exit_code == 0
    html = client.get("/about").get_data(as_text=True)
    assert "<p>Hi</p>" in html and "onclick" not in html and "<script>alert" not in html


def test_help(runner):
    assert "JSON Lines" in runner.invoke(args=["export", "--help"]).output
    assert "empty" in runner.invoke(args=["import-jsonl", "--help"]).output
