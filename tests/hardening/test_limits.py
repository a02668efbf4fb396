"""Body cap (413), NUL bytes (400), rate limits (429) and database trouble (503)."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, OperationalError

from hublet import create_app
from hublet.extensions import db
from hublet.models import ContactMessage
from tests.conftest import HTMX, csrf_token


def contact_form(token: str, **overrides: str) -> dict[str, str]:
    form = {
        "csrf_token": token,
        "name": "Ada Reader",
        "email": "ada@example.com",
        "subject": "A question",
        "message": "Hello, I have a question about an article.",
    }
    form.update(overrides)
    return form


def stored_messages(app) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ContactMessage))


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
@pytest.mark.parametrize("htmx", [False, True])
def test_a_body_over_64_kb_gets_413_with_a_message_and_nothing_is_stored(
    app, client, encoding, htmx
):
    token = csrf_token(client, "/contact-us")
    form = contact_form(token, message="x" * (70 * 1024))
    headers = {"X-CSRFToken": token, **(HTMX if htmx else {})}
    if encoding == "multipart":
        response = client.post(
            "/contact-us", data=form, headers=headers, content_type="multipart/form-data"
        )
    else:
        response = client.post("/contact-us", data=form, headers=headers)
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "too large" in body.lower()
    if htmx:
        assert 'class="error-fragment"' in body
        assert "<html" not in body
    else:
        assert "<html" in body
    assert stored_messages(app) == 0


def test_a_body_just_under_the_cap_is_judged_by_the_form_not_the_cap(app, client):
    token = csrf_token(client, "/contact-us")
    response = client.post("/contact-us", data=contact_form(token, message="y" * 6000))
    assert response.status_code == 422
    assert "5,000 characters" in response.get_data(as_text=True)
    assert stored_messages(app) == 0


@pytest.mark.parametrize("field", ["name", "subject", "message", "csrf_token"])
def test_a_nul_byte_in_a_form_gets_a_clear_400(app, client, field):
    token = csrf_token(client, "/contact-us")
    form = contact_form(token)
    form[field] = form[field][:3] + "\x00" + form[field][3:]
    response = client.post("/contact-us", data=form)
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert stored_messages(app) == 0


def test_a_nul_byte_in_a_query_or_path_gets_a_clear_400(client):
    assert client.get("/?page=1%00").status_code == 400
    assert client.get("/search?q=a%00b").status_code == 400
    response = client.get("/article/abc%00def", headers=HTMX)
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


def test_the_contact_form_is_rate_limited_with_retry_after_and_a_message(app, client, caplog):
    app.config["RATELIMIT_CONTACT"] = "2 per minute"
    token = csrf_token(client, "/contact-us")
    for _ in range(2):
        assert client.post("/contact-us", data=contact_form(token)).status_code == 303
    caplog.set_level("WARNING", logger="hublet.security")
    page = client.post("/contact-us", data=contact_form(token))
    assert page.status_code == 429
    assert 0 < int(page.headers["Retry-After"]) <= 60
    assert "too fast" in page.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    fragment = client.post("/contact-us", data=contact_form(token), headers=HTMX)
    assert fragment.status_code == 429
    assert int(fragment.headers["Retry-After"]) > 0
    assert 'class="error-fragment"' in fragment.get_data(as_text=True)
    assert stored_messages(app) == 2
    events = [r for r in caplog.records if r.name == "hublet.security"]
    assert any("rate_limited" in r.getMessage() and r.levelname == "WARNING" for r in events)
    # Reading the form is never limited.
    assert client.get("/contact-us").status_code == 200


def test_a_locked_sqlite_database_gives_503_with_retry_after_and_stores_nothing(
    app_config, backend
):
    if backend != "sqlite":
        pytest.skip("SQLite's write lock")
    app_config["SQLITE_BUSY_TIMEOUT_MS"] = 100
    app = create_app(app_config)
    client = app.test_client()
    token = csrf_token(client, "/contact-us")
    path = app_config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        for headers in ({}, HTMX):
            started = time.monotonic()
            response = client.post("/contact-us", data=contact_form(token), headers=headers)
            assert response.status_code == 503
            assert int(response.headers["Retry-After"]) >= 5
            body = response.get_data(as_text=True)
            assert "try again" in body
            assert "locked" not in body and "INSERT" not in body
            assert time.monotonic() - started < 5
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert stored_messages(app) == 0
    # Once the lock is gone the same form goes through.
    assert client.post("/contact-us", data=contact_form(token)).status_code == 303


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, Exception("database is locked")),
        DBAPIError(
            "SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True
        ),
    ],
    ids=["operational", "connection-invalidated"],
)
def test_a_lost_database_gives_503_and_nothing_is_half_written(app, error):
    @app.post("/needs-db")
    def needs_db():  # type: ignore[no-untyped-def]
        db.session.add(
            ContactMessage(name="n", email="e@example.com", subject="s", message="m" * 20)
        )
        db.session.flush()
        raise error

    client = app.test_client()
    token = csrf_token(client, "/contact-us")
    for headers in ({}, HTMX):
        response = client.post("/needs-db", headers={"X-CSRFToken": token, **headers})
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) >= 5
        body = response.get_data(as_text=True)
        assert "Temporarily unavailable" in body
        assert "SELECT" not in body and "server closed" not in body
    assert stored_messages(app) == 0


def test_postgresql_recovers_from_a_dropped_connection(app, client, backend):
    if backend != "postgresql":
        pytest.skip("PostgreSQL connections")
    from sqlalchemy import create_engine, text

    assert client.get("/contact-us").status_code == 200
    with app.app_context():
        pids = [row[0] for row in db.session.execute(text("SELECT pg_backend_pid()"))]
        db.session.remove()
    killer = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with killer.begin() as connection:
        for pid in pids:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    killer.dispose()
    # The pool notices the dead connection (pre-ping) and the reader never does.
    assert client.get("/contact-us").status_code == 200
