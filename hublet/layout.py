"""The page shell: the chrome every full page shows, a page or its htmx partial, error pages.

A shared layer: it imports no feature. What the chrome shows (menus, Recent News, What's Hot,
page links) is gathered by the site feature, which the app factory registers here with
:func:`init_app`; a page rendered without a registered loader simply has no chrome.

The chrome holds plain records, not ORM rows, so that it can be stored in any cache and read
long after the session that loaded it is gone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, Response, current_app, make_response, render_template

from hublet.extensions import db
from hublet.htmx import add_vary, is_htmx_request, is_partial_request

log = logging.getLogger(__name__)

#: Where :func:`init_app` keeps the chrome loader, in ``app.extensions``.
CHROME_LOADER_KEY = "hublet.chrome_loader"


@dataclass(frozen=True)
class StoryLink:
    """A story as a title-and-date list shows it."""

    title: str
    slug: str
    published_at: datetime
    # Its library picture as a plain record (hublet.media.rendering.PictureRecord), for lists
    # that show one (What's Hot); None elsewhere and in a chrome cached before it existed.
    picture: object | None = None


@dataclass(frozen=True)
class SectionLink:
    """A category in the main menu."""

    name: str
    slug: str


@dataclass(frozen=True)
class PageLink:
    """A static page in the top bar and the footer."""

    title: str
    slug: str


@dataclass(frozen=True)
class Chrome:
    """What the header, menus, What's Hot strip and footer show."""

    main_categories: list[SectionLink]
    more_categories: list[SectionLink]
    recent: list[StoryLink]
    hot: list[StoryLink]
    pages: list[PageLink]


ChromeLoader = Callable[[], Chrome]


def init_app(app: Flask, chrome_loader: ChromeLoader) -> None:
    """Register the function that gathers the chrome's data (the site feature owns it)."""
    app.extensions[CHROME_LOADER_KEY] = chrome_loader


def load_chrome() -> Chrome | None:
    """The chrome's data from the registered loader; None when the app registered none."""
    loader: ChromeLoader | None = current_app.extensions.get(CHROME_LOADER_KEY)
    return loader() if loader is not None else None


def render_page(
    page_template: str,
    partial_template: str | None = None,
    status: int = 200,
    *,
    with_chrome: bool = True,
    **context: object,
) -> Response:
    """Render ``partial_template`` alone for an htmx partial request, else the full page.

    The page template ``{% include %}``s the partial, so both show the same markup.
    ``with_chrome=False`` is for layouts without the public menus (moderation): no chrome query.
    """
    if partial_template is not None and is_partial_request():
        body = render_template(partial_template, **context)
    elif with_chrome:
        body = render_template(page_template, chrome=load_chrome(), **context)
    else:
        body = render_template(page_template, **context)
    response = make_response(body, status)
    if partial_template is not None:
        add_vary(response)
    return response


# --- Error pages ------------------------------------------------------------------------------

MESSAGES = {
    400: ("Bad request", "Something in that request was not right. Please try again."),
    401: ("Login required", "Please log in to do that."),
    403: ("Forbidden", "You are not allowed to do that."),
    404: ("Page not found", "Sorry, we couldn't find the page you were looking for."),
    405: ("Not allowed", "That page cannot be used that way."),
    409: ("Changed meanwhile", "Someone changed this meanwhile. Nothing was changed."),
    410: ("No longer available", "This address no longer works."),
    413: ("Too large", "What you sent is too large. Please shorten it and try again."),
    422: ("Please check your input", "Some of what you sent could not be accepted."),
    429: ("Too many requests", "You are going too fast. Please wait a moment and try again."),
    500: ("Something went wrong", "Sorry, something went wrong on our side. Please try again."),
    503: ("Temporarily unavailable", "We are busy right now. Please try again in a moment."),
}


def render_error(status: int, message: str | None = None, with_chrome: bool = True) -> Response:
    """The error page, or its fragment when htmx asked (htmx 4 swaps error responses in).

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


def _chrome_or_none() -> Chrome | None:
    """The chrome when the database answers; an error page must render even when it does not."""
    try:
        return load_chrome()
    except Exception:  # the error page must not fail for the reason it is shown
        db.session.rollback()
        log.exception("chrome unavailable while rendering an error page")
        return None
