"""Styled error pages, and small fragments for htmx requests (htmx 4 swaps errors in)."""

from __future__ import annotations

import logging

from flask import Flask, Response, make_response, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, TooManyRequests

from hublet.extensions import db
from hublet.htmx import add_vary, is_htmx_request
from hublet.security import log_security_event

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "Something in that request was not right. Please try again."),
    401: ("Login required", "Please log in to do that."),
    403: ("Forbidden", "You are not allowed to do that."),
    404: ("Page not found", "Sorry, we couldn't find the page you were looking for."),
    405: ("Not allowed", "That page cannot be used that way."),
    413: ("Too large", "What you sent is too large. Please shorten it and try again."),
    422: ("Please check your input", "Some of what you sent could not be accepted."),
    429: ("Too many requests", "You are going too fast. Please wait a moment and try again."),
    500: ("Something went wrong", "Sorry, something went wrong on our side. Please try again."),
    503: ("Temporarily unavailable", "We are busy right now. Please try again in a moment."),
}


# Seconds a reader (or a client) should wait after a 503 before trying again.
DATABASE_RETRY_AFTER = 5
DEFAULT_RATE_LIMIT_RETRY_AFTER = 60


def render_error(status: int, message: str | None = None, with_chrome: bool = True) -> Response:
    """The error page, or its fragment when htmx asked.

    ``with_chrome=False`` skips the menus' queries: for when the database itself is the trouble.
    """
    title, default_message = MESSAGES.get(status, MESSAGES[500])
    context = {"status": status, "title": title, "message": message or default_message}
    if is_htmx_request():
        body = render_template("errors/_error.html", **context)
    else:
        chrome = _chrome_or_none() if with_chrome else None
        body = render_template("errors/error.html", chrome=chrome, **context)
    return add_vary(make_response(body, status))


def _chrome_or_none():  # type: ignore[no-untyped-def]
    """The chrome when the database answers; an error page must render even when it does not."""
    from hublet.site.chrome import load_chrome

    try:
        return load_chrome()
    except Exception:  # the error page must not fail for the reason it is shown
        db.session.rollback()
        log.exception("chrome unavailable while rendering an error page")
        return None


def init_app(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        log_security_event("csrf_failure", reason=error.description)
        return render_error(
            400, "Your session expired or the form was stale. Reload the page and try again."
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        if error.response is not None:
            return error.response
        response = render_error(error.code or 500)
        for name, value in error.get_headers():
            if name in ("Retry-After", "Allow"):
                response.headers[name] = value
        return response

    @app.errorhandler(TooManyRequests)
    def too_many_requests(error: TooManyRequests) -> Response:
        breached = getattr(error, "limit", None)  # Flask-Limiter's RateLimitExceeded has it
        log_security_event("rate_limited", limit=str(breached.limit) if breached else "")
        if error.response is not None:
            return error.response
        response = render_error(429)
        response.headers["Retry-After"] = str(_rate_limit_retry_after())
        return response

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError) -> Response:
        db.session.rollback()
        if isinstance(error, OperationalError) or error.connection_invalidated:
            # "database is locked", a dropped connection, a failover: worth trying again.
            log.warning("database unavailable: %s", type(error.orig).__name__)
            response = render_error(
                503,
                "We could not save or load that just now. Please try again in a few seconds.",
                with_chrome=False,
            )
            response.headers["Retry-After"] = str(DATABASE_RETRY_AFTER)
            return response
        log.error("database error", exc_info=error)
        return render_error(500, with_chrome=False)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> Response:
        db.session.rollback()
        return render_error(500)


def _rate_limit_retry_after() -> int:
    """Seconds until the limit that was hit resets, from Flask-Limiter's request state."""
    import time

    from hublet.extensions import limiter

    try:
        current = limiter.current_limit
        if current is not None:
            return max(1, int(current.reset_at - time.time()))
    except Exception:  # the storage may be the reason; a default is good enough
        log.warning("could not read the rate limit window", exc_info=True)
    return DEFAULT_RATE_LIMIT_RETRY_AFTER
