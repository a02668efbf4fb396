"""The data every full page's chrome shows: menus, Recent News, What's Hot, page links."""

from __future__ import annotations

from dataclasses import dataclass

from hublet.articles import queries as article_queries
from hublet.models import Article, Category, Page
from hublet.site import queries as site_queries


@dataclass(frozen=True)
class Chrome:
    """What the header, menus, What's Hot strip and footer show."""

    main_categories: list[Category]
    more_categories: list[Category]
    recent: list[Article]
    hot: list[Article]
    pages: list[Page]


def load_chrome() -> Chrome:
    """Gather the chrome's data (the view layer hands it to the template)."""
    categories = article_queries.menu_categories()
    return Chrome(
        main_categories=[c for c in categories if not c.in_more_menu],
        more_categories=[c for c in categories if c.in_more_menu],
        recent=article_queries.recent_titles(5),
        hot=article_queries.hot_articles(3),
        pages=site_queries.menu_pages(),
    )
