"""The sidebar and footer lists (each its own cacheable partial) and the view beacon."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Response, abort, make_response, request

from hublet.articles import bp, popularity
from hublet.extensions import limiter
from hublet.htmx import is_partial_request
from hublet.layout import render_page

# name in the URL -> (heading, how many, query)
LISTS = {
    "top-posts": ("Top Posts", 5, popularity.top_posts),
    "featured": ("Featured Posts", 3, popularity.featured_articles),
    "most-popular": ("Most Popular", 3, popularity.most_popular),
}
LIST_MAX_AGE = 60  # seconds a browser or proxy may reuse a list

VIEWED_COOKIE = "hublet_viewed"
VIEWED_COOKIE_MAX_IDS = 200


@bp.get("/lists/<name>")
def title_list(name: str) -> Response:
    """One list: the bare ``<ul>`` for htmx, a page of its own for everyone else."""
    if name not in LISTS:
        abort(404)
    heading, limit, query = LISTS[name]
    response = render_page(
        "articles/list_page.html",
        "articles/_title_list_block.html",
        heading=heading,
        items=query(limit),
    )
    if is_partial_request():
        # The fragment carries no session data (no CSRF token), so shared caches may keep it.
        response.cache_control.public = True
        response.cache_control.max_age = LIST_MAX_AGE
    return response


@bp.post("/article/<int:article_id>/view")
@limiter.limit("30 per minute")
def record_view(article_id: int) -> Response:
    """The view beacon: counts one view per visitor, article and day; crawlers are ignored."""
    response = make_response("", 204)
    response.cache_control.no_store = True
    if popularity.is_bot(request.headers.get("User-Agent")):
        return response
    day = popularity.today()
    stamp, viewed = _read_viewed(request.cookies.get(VIEWED_COOKIE, ""), day.strftime("%Y%m%d"))
    if article_id in viewed:
        return response
    if popularity.visible_article_id(article_id) is None:
        abort(404)
    popularity.record_view(article_id, day)
    viewed = [*viewed, article_id][-VIEWED_COOKIE_MAX_IDS:]
    response.set_cookie(
        VIEWED_COOKIE,
        stamp + ":" + ".".join(str(i) for i in viewed),
        expires=datetime.combine(day + timedelta(days=1), time()),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )
    return response


def _read_viewed(raw: str, stamp: str) -> tuple[str, list[int]]:
    """The article ids in the cookie if it was written today; yesterday's list starts over."""
    day, _, ids = raw.partition(":")
    if day != stamp:
        return stamp, []
    return stamp, [int(part) for part in ids.split(".") if part.isdigit() and len(part) < 12]
