"""The data every full page's chrome shows: menus, Recent News, What's Hot, page links.

Every full page shows the same chrome, so it is gathered once per content version and shared
(hublet.caching.cached). It holds plain records, not ORM rows, so that it can be stored in any
cache and read long after the session that loaded it is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from hublet.articles import queries as article_queries
from hublet.caching import cached
from hublet.site import queries as site_queries


@dataclass(frozen=True)
class StoryLink:
    """A story as a title-and-date list shows it."""

    title: str
    slug: str
    published_at: datetime


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


def load_chrome() -> Chrome:
    """The chrome's data, shared between requests until the content changes."""
    return cached("chrome", _gather_chrome)


def _stories(rows: list) -> list[StoryLink]:  # type: ignore[type-arg]
    return [StoryLink(row.title, row.slug, row.published_at) for row in rows]


def _gather_chrome() -> Chrome:
    categories = article_queries.menu_categories()
    return Chrome(
        main_categories=[SectionLink(c.name, c.slug) for c in categories if not c.in_more_menu],
        more_categories=[SectionLink(c.name, c.slug) for c in categories if c.in_more_menu],
        recent=_stories(article_queries.recent_titles(5)),
        hot=_stories(article_queries.hot_articles(3)),
        pages=[PageLink(p.title, p.slug) for p in site_queries.menu_pages()],
    )
