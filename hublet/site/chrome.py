"""Gathers what every full page's chrome shows: menus, Recent News, What's Hot, page links.

Every full page shows the same chrome, so it is gathered once per content version and shared
(hublet.caching.cached). The records it fills are the page shell's (hublet.layout); the app
factory registers :func:`load_chrome` there, so the shell never imports this feature.
"""

from __future__ import annotations

from hublet.articles import popularity
from hublet.articles import queries as article_queries
from hublet.caching import cached

# The records are named here too: a chrome pickled into a shared cache by an older release
# refers to them as hublet.site.chrome.Chrome and so on.
from hublet.layout import Chrome, PageLink, SectionLink, StoryLink
from hublet.media.rendering import hero_record
from hublet.site import queries as site_queries

__all__ = ["Chrome", "PageLink", "SectionLink", "StoryLink", "load_chrome"]


def load_chrome() -> Chrome:
    """The chrome's data, shared between requests until the content changes."""
    return cached("chrome", _gather_chrome)


def _stories(rows: list) -> list[StoryLink]:
    return [StoryLink(row.title, row.slug, row.published_at) for row in rows]


def _stories_with_pictures(rows: list) -> list[StoryLink]:
    """Stories with their library pictures as plain records (the chrome is cached)."""
    article_queries.with_hero_pictures(rows)
    return [StoryLink(r.title, r.slug, r.published_at, hero_record(r)) for r in rows]


def _gather_chrome() -> Chrome:
    categories = article_queries.menu_categories()
    return Chrome(
        main_categories=[SectionLink(c.name, c.slug) for c in categories if not c.in_more_menu],
        more_categories=[SectionLink(c.name, c.slug) for c in categories if c.in_more_menu],
        recent=_stories(article_queries.recent_titles(5)),
        hot=_stories_with_pictures(popularity.hot_articles(3)),
        pages=[PageLink(p.title, p.slug) for p in site_queries.menu_pages()],
    )
