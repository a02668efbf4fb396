"""Fixtures: a fresh database per test on SQLite (and PostgreSQL with ``--db=postgresql``),
``app``, ``client`` and ``runner``, builders, and a live server for the browser tests."""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from jinja2.bccache import Bucket, BytecodeCache
from sqlalchemy import text
from werkzeug.serving import make_server

from hublet import create_app
from hublet.database import reset_postgres_schema
from hublet.extensions import db

pytest_plugins = ["tests.builders", "tests.browser.seeding"]

TEST_SECRET = "test-secret-key-not-for-production"
#: The headers htmx sends with a request that swaps part of a page.
HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


class _MemoryBytecodeCache(BytecodeCache):
    """Compiled templates shared by the apps of one test session."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()


SHARED_TEMPLATE_CACHE = _MemoryBytecodeCache()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("sqlite", "postgresql"),
        default="sqlite",
        help="Database to run against; postgresql reads HUBLET_TEST_DATABASE_URL.",
    )


def base_config(database_url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SITE_URL": "http://localhost",
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_ENABLED": True,
        "INSTANCE_PATH": str(instance),
    }


def _migrate(database_url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(base_config(database_url, instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def backend(request: pytest.FixtureRequest) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def migrated_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database brought to the current schema by the migrations, once per session.

    SQLite: a template file each test copies. PostgreSQL: the schema itself, emptied per test.
    """
    instance = tmp_path_factory.mktemp("template-instance")
    if backend == "sqlite":
        path = instance / "template.sqlite"
        _migrate(f"sqlite:///{path}", instance)
        return str(path)
    url = os.environ.get("HUBLET_TEST_DATABASE_URL")
    if not url:
        pytest.exit("--db=postgresql needs HUBLET_TEST_DATABASE_URL", returncode=2)
    reset_postgres_schema(url)
    _migrate(url, instance)
    return url


def _empty_postgres_tables(app: Flask) -> None:
    with app.app_context():
        tables = [t.name for t in db.metadata.sorted_tables]
        names = ", ".join(f'"{name}"' for name in tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            # The one row the migrations create, as a fresh database has it.
            connection.execute(text("INSERT INTO content_version (id, version) VALUES (1, 1)"))


@pytest.fixture
def app_config(backend: str, migrated_database: str, tmp_path: Path) -> dict:
    """The config a test's app is built from; tests may change it before ``app`` is used."""
    if backend == "sqlite":
        path = tmp_path / "hublet.sqlite"
        shutil.copyfile(migrated_database, path)
        url = f"sqlite:///{path}"
    else:
        url = migrated_database
    return base_config(url, tmp_path)


@pytest.fixture
def app(app_config: dict, backend: str) -> Iterator[Flask]:
    """A fresh app on a fresh, migrated, empty database."""
    application = create_app(app_config)
    # Every test builds its own app; compiling each template once per session, not per test,
    # keeps the suite fast.
    application.jinja_env.bytecode_cache = SHARED_TEMPLATE_CACHE
    if backend == "postgresql":
        _empty_postgres_tables(application)
    from hublet.extensions import cache

    with application.app_context():
        cache.clear()
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


#: Where a page carries the CSRF token: the htmx header on ``<body>``, a form's hidden field.
_HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
_FIELD_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token_in(html: str, *, form: bool = False, where: str = "the page") -> str:
    """The CSRF token in a page's HTML: the htmx header's, or with ``form`` a form's field.

    The one reader of the token for every test package (test client or real HTTP)."""
    match = (_FIELD_TOKEN if form else _HEADER_TOKEN).search(html)
    assert match, f"no {'form with a ' if form else ''}CSRF token on {where}"
    return match.group(1)


def csrf_token(client: FlaskClient, path: str = "/", *, form: bool = False) -> str:
    """The CSRF token of the client's session, read from a page as a browser would.

    A page every anonymous reader shares carries none (hublet/form_tokens.py): its forms fetch
    the reader's token from ``/form-token`` when they get focus, and so does this.
    """
    html = client.get(path).get_data(as_text=True)
    if not (_FIELD_TOKEN if form else _HEADER_TOKEN).search(html):
        html = client.get("/form-token", headers=HTMX).get_data(as_text=True)
        form = True
    return csrf_token_in(html, form=form, where=path)


class LiveServer:
    """The app served over real HTTP from a thread."""

    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    # The site's address is the one the browser uses: share links and "Copy link" point there.
    app.config["SITE_URL"] = server.url
    server.start()
    yield server
    server.stop()
