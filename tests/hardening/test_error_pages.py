"""A styled page for each error a reader can meet, and a small fragment when htmx asked."""

from __future__ import annotations

import http.client

import pytest
from flask import abort

from hublet import create_app
from tests.conftest import HTMX

TITLES = {
    400: "Bad request",
    403: "Forbidden",
    404: "Page not found",
    405: "Not allowed",
    413: "Too large",
    429: "Too many requests",
    500: "Something went wrong",
    503: "Temporarily unavailable",
}


@pytest.fixture
def error_app(app_config):  # type: ignore[no-untyped-def]
    app_config["PROPAGATE_EXCEPTIONS"] = False
    application = create_app(app_config)

    @application.get("/fail/<int:status>")
    def fail(status: int):  # type: ignore[no-untyped-def]
        if status == 500:
            raise ZeroDivisionError("division by zero in /srv/hublet/secret.py")
        abort(status)

    return application


@pytest.mark.parametrize("status", sorted(TITLES))
def test_each_error_has_a_styled_page_and_an_htmx_fragment(error_app, status):
    client = error_app.test_client()
    page = client.get(f"/fail/{status}")
    assert page.status_code == status
    html = page.get_data(as_text=True)
    assert "<html" in html and 'class="error-page"' in html
    assert f"<h1>{TITLES[status]}</h1>" in html
    assert 'href="/static/css/hublet.css' in html, "styled like the rest of the site"
    fragment = client.get(f"/fail/{status}", headers=HTMX)
    assert fragment.status_code == status
    body = fragment.get_data(as_text=True)
    assert "<html" not in body
    assert 'class="error-fragment" role="alert"' in body
    assert TITLES[status] in body
    assert "HX-Request" in fragment.headers.get("Vary", "")
    for leak in ("Traceback", "ZeroDivisionError", "secret.py", "werkzeug"):
        assert leak not in html + body


def test_405_keeps_its_allow_header(client):
    response = client.put("/contact-us")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_a_body_over_the_cap_gets_413_through_a_real_server_even_when_chunked(live_server, app):
    from tests.conftest import csrf_token

    client = app.test_client()
    csrf_token(client, "/contact-us")
    port = live_server.server.server_port

    def chunks():  # type: ignore[no-untyped-def]
        yield b"name=" + b"x" * 1024
        for _ in range(100):
            yield b"x" * 1024

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "POST",
            "/contact-us",
            body=chunks(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            encode_chunked=True,
        )
        response = connection.getresponse()
        status, body = response.status, response.read().decode()
    except (BrokenPipeError, ConnectionResetError):
        pytest.fail("the server dropped the connection instead of answering 413")
    finally:
        connection.close()
    assert status == 413, body[-3000:]
    assert "too large" in body.lower()


def test_a_chunked_body_under_the_cap_still_goes_through(live_server, app):
    import re
    from urllib.parse import urlencode

    from sqlalchemy import func, select

    from hublet.extensions import db
    from hublet.models import ContactMessage

    port = live_server.server.server_port
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/form-token")  # as the contact form does on focus
    page = connection.getresponse()
    cookie = page.headers["Set-Cookie"].split(";")[0]
    field = r'name="csrf_token" type="hidden" value="([^"]+)"'
    token = re.search(field, page.read().decode()).group(1)
    form = urlencode(
        {
            "csrf_token": token,
            "name": "Chunked Reader",
            "email": "chunked@example.com",
            "subject": "Streamed",
            "message": "Sent with chunked transfer encoding.",
        }
    ).encode()
    connection.request(
        "POST",
        "/contact-us",
        body=iter([form[:40], form[40:]]),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
        encode_chunked=True,
    )
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ContactMessage)) == 1
