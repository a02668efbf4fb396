"""The view beacon: each article page counts one view per visitor, article and day.

The page asks for it after loading (so cached pages still count), and a cookie remembers the
articles this browser was counted for today; crawlers are never counted.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import Response, abort, make_response, request

from hublet.articles import bp, popularity, view_counter
from hublet.extensions import limiter

VIEWED_COOKIE = "hublet_viewed"
VIEWED_COOKIE_MAX_IDS = 200


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
    view_counter.count_view(article_id, day)
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
