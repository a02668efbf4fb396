"""The sidebar and footer title lists (Top Posts, Featured Posts, Most Popular).

Each list is its own small cacheable partial at ``/lists/<name>``, which the page shell loads
into a slot of reserved height. Heading and size are defined here once: the slots read them
through the ``title_list`` template global.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, abort

from hublet.articles import bp, popularity
from hublet.articles.queries import with_hero_pictures
from hublet.htmx import is_partial_request
from hublet.layout import render_page
from hublet.models import Article

LIST_MAX_AGE = 60  # seconds a browser or proxy may reuse a list


@dataclass(frozen=True)
class TitleList:
    """A list of titles and dates: what it is called, how many it shows, where they come from."""

    heading: str
    size: int
    query: Callable[[int], list[Article]]


# name in the URL -> the list
TITLE_LISTS = {
    "top-posts": TitleList("Top Posts", 5, popularity.top_posts),
    "featured": TitleList("Featured Posts", 3, popularity.featured_articles),
    "most-popular": TitleList("Most Popular", 3, popularity.most_popular),
}


@bp.app_template_global("title_list")
def title_list_named(name: str) -> TitleList:
    """The list called ``name`` (its heading and size, for the slot that loads it)."""
    return TITLE_LISTS[name]


@bp.get("/lists/<name>")
def title_list(name: str) -> Response:
    """One list: the bare ``<ul>`` for htmx, a page of its own for everyone else."""
    if name not in TITLE_LISTS:
        abort(404)
    shown = TITLE_LISTS[name]
    response = render_page(
        "articles/list_page.html",
        "articles/_title_list_block.html",
        heading=shown.heading,
        items=with_hero_pictures(shown.query(shown.size)),  # thumbnails: two statements
    )
    if is_partial_request():
        # The fragment carries no session data (no CSRF token), so shared caches may keep it.
        response.cache_control.public = True
        response.cache_control.max_age = LIST_MAX_AGE
    return response
