"""Styled error pages, and small fragments for htmx requests (htmx 4 swaps errors in)."""

from __future__ import annotations

import logging

from flask import Flask, Response, make_response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from hublet.extensions import db
from hublet.htmx import add_vary, is_htmx_request

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "Something in that request was not right. Please try again."),
    403: ("Forbidden", "You are not allowed to do that."),
    404: ("Page not found", "Sorry, we couldn't find the page you were looking for."),
    405: ("Not allowed", "That page cannot be used that way."),
    413: ("Too large", "What you sent is too large. Please shorten it and try again."),
    422: ("Please check your input", "Some of what you sent could not be accepted."),
    429: ("Too many requests", "You are going too fast. Please wait a moment and try again."),
    500: ("Something went wrong", "Sorry, something went wrong on our side. Please try again."),
    503: ("Temporarily unavailable", "We are busy right now. Please try again in a moment."),
}


def render_error(status: int, message: str | None = None) -> Response:
    """The error page, or its fragment when htmx asked."""
    title, default_message = MESSAGES.get(status, MESSAGES[500])
    context = {"status": status, "title": title, "message": message or default_message}
    if is_htmx_request():
        body = render_template("errors/_error.html", **context)
    else:
        body = render_template("errors/error.html", chrome=_chrome_or_none(), **context)
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
        log.warning("CSRF failure: %s", error.description)
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

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> Response:
        db.session.rollback()
        return render_error(500)
