"""The error handlers: every error a reader can meet becomes a styled page, or a small fragment
for an htmx request (htmx 4 swaps errors in). The page itself is the shell's (hublet.layout).

Checks anywhere in the app raise (``abort(413)``, :class:`hublet.security.RejectedInput`); the
handlers here render, so no check needs to know how an error page looks.
"""

from __future__ import annotations

import logging

from flask import Flask, Response
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, TooManyRequests
from werkzeug.wrappers import Response as BaseResponse

from hublet.extensions import db
from hublet.layout import render_error
from hublet.security import RejectedInput, log_security_event

log = logging.getLogger(__name__)

# Seconds a reader (or a client) should wait after a 503 before trying again.
DATABASE_RETRY_AFTER = 5
DEFAULT_RATE_LIMIT_RETRY_AFTER = 60


def init_app(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Response:
        log_security_event("csrf_failure", reason=error.description)
        return render_error(
            400, "Your session expired or the form was stale. Reload the page and try again."
        )

    @app.errorhandler(RejectedInput)
    def rejected_input(error: RejectedInput) -> Response:
        return render_error(error.code or 400, error.description)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> BaseResponse:
        if error.response is not None:
            return error.get_response()  # the response the raiser made, as it is
        response = render_error(error.code or 500)
        for name, value in error.get_headers():
            if name in ("Retry-After", "Allow"):
                response.headers[name] = value
        return response

    @app.errorhandler(TooManyRequests)
    def too_many_requests(error: TooManyRequests) -> BaseResponse:
        breached = getattr(error, "limit", None)  # Flask-Limiter's RateLimitExceeded has it
        log_security_event("rate_limited", limit=str(breached.limit) if breached else "")
        if error.response is not None:
            return error.get_response()  # the response the raiser made, as it is
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
