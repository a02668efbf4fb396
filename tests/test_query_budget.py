"""Every page and partial runs a fixed, small number of SQL statements (no N+1).

Caches are off here so that the real work is counted. Each page is measured on a small site and
on one with many more articles, tags and comments: the count must not grow with them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from hublet.extensions import db
from tests.builders import make_article, make_author, make_category, make_comment

BUDGET = 12  # statements per request, at most

PAGES = [
    "/",
    "/?page=2",
    "/category/politics",
    "/tag/elections",
    "/author/ada",
    "/article/story-1",
    "/search?q=story",
    "/search/live?q=stor",
    "/lists/top-posts",
    "/lists/featured",
    "/lists/most-popular",
    "/feed",
    "/feed/atom",
    "/category/politics/feed",
    "/sitemap.xml",
    "/about-us",
]


pytestmark = pytest.mark.filterwarnings("ignore:Flask-Caching")


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "CACHE_TYPE": "NullCache", "PAGE_CACHE_ENABLED": False}


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _grow_site(articles: int, comments_each: int) -> None:
    politics = make_category("Politics", slug="politics")
    ada = make_author("Ada", slug="ada")
    for n in range(1, articles + 1):
        story = make_article(
            f"Story {n}",
            slug=f"story-{n}",
            category=politics,
            author=ada,
            tags=["Elections", f"Topic {n % 7}", f"Place {n % 5}"],
            age=timedelta(hours=n),
            is_featured=n % 4 == 0,
        )
        for c in range(comments_each):
            make_comment(story, status="approved", author_email=f"r{c}@example.com", text=f"Hi {c}")


def _statement_counts(client) -> dict[str, int]:  # type: ignore[no-untyped-def]
    counts = {}
    for path in PAGES:
        with counted() as statements:
            response = client.get(path)
        assert response.status_code == 200, path
        counts[path] = len(statements)
    return counts


def test_statement_count_does_not_grow_with_the_site(app, client, ctx):
    from tests.builders import make_page

    make_page("About Us", "about-us")
    _grow_site(articles=12, comments_each=1)
    small = _statement_counts(client)
    _grow_site_more()
    large = _statement_counts(client)
    over = {path: n for path, n in large.items() if n > BUDGET}
    assert not over, f"over the budget of {BUDGET}: {over}"
    grew = {path: (small[path], large[path]) for path in PAGES if large[path] > small[path]}
    assert not grew, f"statement count grew with the data: {grew}"


def _grow_site_more() -> None:
    from hublet.models import Article, Author, Category

    category = db.session.scalar(db.select(Category).where(Category.slug == "politics"))
    author = db.session.scalar(db.select(Author).where(Author.slug == "ada"))
    for n in range(13, 41):
        story = make_article(
            f"Story {n}",
            slug=f"story-{n}",
            category=category,
            author=author,
            tags=["Elections", f"Topic {n % 11}", f"Place {n % 9}", f"Extra {n}"],
            age=timedelta(hours=n),
        )
        make_comment(story, status="approved", author_email=f"x{n}@example.com", text="More")
    first = db.session.scalar(db.select(Article).where(Article.slug == "story-1"))
    for c in range(25):
        parent = make_comment(
            first, status="approved", author_email=f"t{c}@example.com", text=f"Thread {c}"
        )
        make_comment(
            first,
            status="approved",
            author_email=f"u{c}@example.com",
            text=f"Reply {c}",
            parent_id=parent.id,
            depth=2,
        )
