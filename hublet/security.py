"""Response headers, cookies, request logging and the security event log.

Every response leaves through :class:`SecurityHeadersMiddleware`, which sits around the whole
WSGI app: pages, htmx fragments, feeds, error pages and static files all get the same headers,
whatever produced them. Other modules report security events (failed logins, CSRF failures,
rate-limit hits) with :func:`log_security_event`, at warning level on the ``hublet.security``
logger.

The ``Server`` header is the WSGI server's: gunicorn sends ``Server: gunicorn`` without a
version. Werkzeug's development server (``flask run``) names itself and Python's version; it is
for development only. A proxy in front should hide its own version (nginx: ``server_tokens off``).
"""

from __future__ import annotations

import io
import logging
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from flask import Flask, abort, current_app, request
from werkzeug.exceptions import BadRequest

from hublet import proxies

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Features this site never uses; only names Chromium knows (unknown ones log console errors).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
HTTPS_SESSION_COOKIE_NAME = "__Host-session"

security_log = logging.getLogger("hublet.security")
request_log = logging.getLogger("hublet.request")

_LOGGABLE_PATH_CHARACTERS = "/:@!$&'()*+,;=-._~"
_TOO_LARGE = "hublet.body_too_large"
NUL_BYTE_MESSAGE = (
    "Your request contained a NUL character, which we cannot accept. Please remove it."
)


def security_headers(https: bool) -> list[tuple[str, str]]:
    """The headers every response carries; HSTS only when the site is served over HTTPS."""
    headers = [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Permissions-Policy", PERMISSIONS_POLICY),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        # No Cross-Origin-Resource-Policy: feed readers on other sites show our images.
        ("X-Frame-Options", "DENY"),
    ]
    if https:
        headers.append(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
    return headers


def loggable_path(environ: dict[str, Any]) -> str:
    """The request path percent-encoded as it came, so a log line cannot be forged with CR/LF."""
    raw = environ.get("PATH_INFO", "")
    try:
        data = raw.encode("latin-1")
    except UnicodeEncodeError:
        data = raw.encode("utf-8", "replace")
    return quote(data, safe=_LOGGABLE_PATH_CHARACTERS)


class SecurityHeadersMiddleware:
    """Add the security headers to every response and log one line per request.

    A header the app set itself is left alone, so a view may narrow a policy if it must.
    """

    def __init__(
        self, wsgi_app: Callable, headers: list[tuple[str, str]], max_body: Callable[[], int | None]
    ) -> None:
        self.wsgi_app = wsgi_app
        self.headers = headers
        self.max_body = max_body

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        _buffer_streamed_body(environ, self.max_body())

        def start_with_headers(status: str, headers: list, exc_info: Any = None) -> Callable:
            present = {name.lower() for name, _ in headers}
            headers = list(headers) + [
                (name, value) for name, value in self.headers if name.lower() not in present
            ]
            duration_ms = (time.perf_counter() - started) * 1000
            request_log.info(
                "%s %s %s %.1fms",
                environ.get("REQUEST_METHOD", "-"),
                loggable_path(environ),
                status.split(" ", 1)[0],
                duration_ms,
            )
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start_with_headers)


def _buffer_streamed_body(environ: dict[str, Any], limit: int | None) -> None:
    """Hold a body sent without Content-Length (chunked) to the same cap as any other.

    Werkzeug cuts such a stream at ``MAX_CONTENT_LENGTH`` without a word; reading it here
    first lets the request be refused with 413 (see :func:`_refuse_oversized_body`).
    """
    if limit is None or environ.get("CONTENT_LENGTH") or "wsgi.input_terminated" not in environ:
        return
    if environ.get("REQUEST_METHOD", "GET") in ("GET", "HEAD", "OPTIONS"):
        return
    stream = environ["wsgi.input"]
    data = bytearray()
    while len(data) <= limit:
        chunk = stream.read(min(65536, limit + 1 - len(data)))
        if not chunk:
            break
        data.extend(chunk)
    if len(data) > limit:
        environ[_TOO_LARGE] = True
        data = bytearray()
    environ["wsgi.input"] = io.BytesIO(bytes(data))
    environ["CONTENT_LENGTH"] = str(len(data))


class RejectedInput(BadRequest):
    """A request refused for what it carries; its description is written for the reader.

    The error handlers (hublet.errors) show that description on the 400 page.
    """


def _refuse_oversized_body() -> None:
    """413 for a streamed body past the cap (marked by :func:`_buffer_streamed_body`)."""
    if request.environ.get(_TOO_LARGE):
        abort(413)


def log_security_event(event: str, **details: object) -> None:
    """Log a security event at warning level: ``event key=value ...`` with the client address.

    Values are written with ``repr`` so that reader-supplied text cannot break the line.
    """
    try:
        client = request.remote_addr or "-"
        path = loggable_path(request.environ)
    except RuntimeError:  # outside a request
        client, path = "-", "-"
    fields = " ".join(f"{key}={value!r}" for key, value in details.items())
    security_log.warning("%s client=%s path=%s %s", event, client, path, fields)


def rate_limit(setting: str, methods: list[str] | None = None) -> Callable:
    """A Flask-Limiter limit read from ``app.config[setting]`` on each request.

    By default it counts POSTs only, so that reading a form is never limited.
    """
    from hublet.extensions import limiter

    return limiter.limit(lambda: current_app.config[setting], methods=methods or ["POST"])


def _configure_logging(app: Flask) -> None:
    """Send the site's logs to stderr unless the host (pytest, gunicorn's config) already does."""
    package_log = logging.getLogger("hublet")
    if package_log.level == logging.NOTSET:
        package_log.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    if not package_log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        package_log.addHandler(handler)
        package_log.propagate = False  # a root handler added later must not print it twice


def _apply_https_settings(app: Flask) -> None:
    """Over HTTPS: Secure cookies, the ``__Host-`` cookie prefix, https URLs."""
    if not app.config.get("HTTPS"):
        return
    app.config["SESSION_COOKIE_SECURE"] = True
    app.config["PREFERRED_URL_SCHEME"] = "https"
    if app.config.get("SESSION_COOKIE_NAME", "session") == "session":
        # __Host- cookies must be Secure, have Path=/ and no Domain, or browsers drop them.
        app.config["SESSION_COOKIE_NAME"] = HTTPS_SESSION_COOKIE_NAME
        app.config["SESSION_COOKIE_DOMAIN"] = None
        app.config["SESSION_COOKIE_PATH"] = "/"


def _reject_nul_bytes() -> None:
    """A NUL byte has no place in a URL or a form, and PostgreSQL cannot store one: 400."""
    suspicious = "\x00" in request.path or any(
        "\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)
    )
    if not suspicious and request.method not in ("GET", "HEAD", "OPTIONS"):
        suspicious = any(
            "\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)
        )
    if not suspicious:
        return
    log_security_event("nul_byte")
    raise RejectedInput(NUL_BYTE_MESSAGE)


def init_app(app: Flask) -> None:
    """Install the headers, cookie settings, request log and input guards."""
    _apply_https_settings(app)
    _configure_logging(app)
    # Client address and scheme from trusted proxies only, the site's host names only.
    proxies.init_app(app)
    app.wsgi_app = SecurityHeadersMiddleware(  # type: ignore[method-assign]
        app.wsgi_app,
        security_headers(bool(app.config.get("HTTPS"))),
        max_body=lambda: app.config.get("MAX_CONTENT_LENGTH"),
    )
    app.before_request(_refuse_oversized_body)
    app.before_request(_reject_nul_bytes)
