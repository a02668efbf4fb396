"""Security headers on every kind of response, cookie flags, debug off, no version leaks."""

from __future__ import annotations

import pytest
from flask import abort

from hublet import create_app
from hublet.security import CONTENT_SECURITY_POLICY, STRICT_TRANSPORT_SECURITY
from tests.builders import make_article
from tests.conftest import HTMX, csrf_token

ISSUE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def assert_hardened(response, https: bool = False) -> None:  # type: ignore[no-untyped-def]
    headers = response.headers
    assert headers["Content-Security-Policy"] == ISSUE_CSP
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    if https:
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    else:
        assert "Strict-Transport-Security" not in headers
    assert headers.getlist("Content-Security-Policy") == [ISSUE_CSP], "sent exactly once"


def test_the_policy_is_the_one_the_issue_names() -> None:
    assert CONTENT_SECURITY_POLICY == ISSUE_CSP
    assert STRICT_TRANSPORT_SECURITY == "max-age=31536000; includeSubDomains"


def test_pages_fragments_static_files_and_errors_all_carry_the_headers(client, ctx):
    make_article("Headline")
    responses = {
        "page": client.get("/"),
        "fragment": client.get("/", headers=HTMX),
        "article": client.get("/article/headline"),
        "static": client.get("/static/css/hublet.css"),
        "vendor js": client.get("/static/vendor/htmx-4.0.1.min.js"),
        "404 page": client.get("/no/such/thing"),
        "404 fragment": client.get("/no/such/thing", headers=HTMX),
        "405": client.delete("/"),
        "csrf 400": client.post("/contact-us", data={"name": "x"}),
        "contact": client.get("/contact-us"),
    }
    assert responses["page"].status_code == 200
    assert responses["static"].status_code == 200
    assert responses["404 page"].status_code == 404
    assert responses["405"].status_code == 405
    assert responses["csrf 400"].status_code == 400
    for name, response in responses.items():
        try:
            assert_hardened(response)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error


def test_feeds_carry_the_headers_when_they_exist(client, ctx):
    make_article("Fed story")
    for path in ("/feed", "/feed.xml", "/rss.xml", "/atom.xml", "/sitemap.xml", "/robots.txt"):
        response = client.get(path)
        assert_hardened(response)


def test_over_https_hsts_and_a_host_prefixed_secure_session_cookie(app_config):
    app_config["HTTPS"] = True
    app = create_app(app_config)
    client = app.test_client()
    response = client.get("/contact-us", base_url="https://localhost")
    assert_hardened(response, https=True)
    # Reading the page starts no session: its form's token, fetched on focus, does.
    cookie = client.get("/form-token", base_url="https://localhost").headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/" in cookie
    assert "Domain=" not in cookie
    assert_hardened(client.get("/static/css/hublet.css", base_url="https://localhost"), https=True)


def test_without_https_the_session_cookie_is_httponly_and_lax(client):
    response = client.get("/form-token")  # as the contact form does on focus
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("session=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_session_cookie_holds_no_readable_secret(client):
    token = csrf_token(client, "/contact-us")
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert token not in cookie.value


def test_debug_is_off_unless_set(app_config, monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app(app_config)
    assert app.debug is False
    assert app.config["DEBUG"] is False


def test_an_error_never_shows_a_traceback_or_sql(app_config):
    app_config["PROPAGATE_EXCEPTIONS"] = False
    app = create_app(app_config)

    @app.get("/explode")
    def explode():  # type: ignore[no-untyped-def]
        raise RuntimeError("SELECT secret FROM users WHERE 1=1 -- /home/app/hublet/views.py")

    @app.get("/forbidden")
    def forbidden():  # type: ignore[no-untyped-def]
        abort(403)

    client = app.test_client()
    for headers in ({}, HTMX):
        response = client.get("/explode", headers=headers)
        assert response.status_code == 500
        body = response.get_data(as_text=True)
        for leak in ("Traceback", "SELECT", "RuntimeError", "views.py", 'File "'):
            assert leak not in body
        assert "Something went wrong" in body
        assert_hardened(response)
    assert client.get("/forbidden").status_code == 403


@pytest.mark.parametrize("header", ["Server", "X-Powered-By"])
def test_the_app_itself_names_no_server_software(client, header):
    # The WSGI server adds Server (gunicorn: no version); the app adds nothing of its own.
    assert header not in client.get("/").headers
