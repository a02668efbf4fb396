"""Search views: the results page (``/search``) and the overlay's live results."""

from __future__ import annotations

from flask import Response, abort, current_app, make_response, render_template, request
from werkzeug.exceptions import TooManyRequests

from hublet.articles.queries import recent_titles, with_hero_pictures
from hublet.extensions import limiter
from hublet.layout import render_error, render_page
from hublet.paging import ensure_page_exists, requested_page
from hublet.search import bp, queries
from hublet.search.parsing import MAX_QUERY_LENGTH, parse_query

#: Per client address, the page and the live results together; ``SEARCH_RATE_LIMIT`` in the
#: config changes it (None: no limit).
SEARCH_RATE_LIMIT = "30 per 10 seconds"
SLOW_DOWN = "You are searching too fast. Please slow down and try again in a few seconds."


def _rate_limit() -> str:
    return current_app.config.get("SEARCH_RATE_LIMIT", SEARCH_RATE_LIMIT) or SEARCH_RATE_LIMIT


def _unlimited() -> bool:
    return "SEARCH_RATE_LIMIT" in current_app.config and not current_app.config["SEARCH_RATE_LIMIT"]


# On the blueprint rather than the views: blueprint limits are checked before any other
# before-request hook, so a page served from the page cache counts too.
limiter.shared_limit(_rate_limit, scope="search", exempt_when=_unlimited)(bp)


@bp.get("/search")
def search() -> Response:
    """The results page; its htmx partial is the next page of cards (infinite scroll)."""
    query = parse_query(request.args.get("q"))
    page = requested_page()
    if page > queries.MAX_PAGE:
        abort(404)
    found = queries.search(query, page)
    ensure_page_exists(page, len(found.items))
    # "No results" (including input with nothing searchable in it) suggests the latest stories.
    suggestions = with_hero_pictures(recent_titles(5)) if query.text and found.total == 0 else []
    response = render_page(
        "search/results.html",
        "search/_results_page.html",
        results=found,
        suggestions=suggestions,
        max_length=MAX_QUERY_LENGTH,
    )
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/search/live")
def live() -> Response:
    """Up to six results for the overlay, with the count for its live region."""
    query = parse_query(request.args.get("q"))
    found = queries.search(query, 1, queries.LIVE_LIMIT, snippets=False)
    response = make_response(render_template("search/_live_results.html", results=found))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.errorhandler(TooManyRequests)
def too_many_searches(error: TooManyRequests) -> Response:
    """Past the rate limit: a page or fragment that asks the reader to slow down."""
    response = render_error(429, SLOW_DOWN)
    for name, value in error.get_headers():
        if name == "Retry-After":
            response.headers[name] = value
    return response
