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

# Statements per request, at most. 12 before pictures; library pictures add one statement per
# list that shows them (a listing's pictures with their files; related posts; What's Hot, which
# the chrome cache keeps in production), so a story page with related posts costs 14.
BUDGET = 14

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


def _give_picture(slugs: list[str], colour: tuple[int, int, int]) -> None:
    """The stories at ``slugs`` share one library picture as their hero: cards, lists, search
    results, related posts and feeds then load pictures and their files, and are counted."""
    from sqlalchemy.orm import selectinload

    from hublet.media.library import add_picture, use_as_hero
    from hublet.models import Article, Picture
    from tests.media.pictures import photo

    added = add_picture(photo(900, 500, colour=colour), alt="A picture")
    db.session.flush()
    picture = db.session.scalars(
        db.select(Picture)
        .where(Picture.id == added.picture.id)
        .options(selectinload(Picture.variants))
    ).one()
    for article in db.session.scalars(db.select(Article).where(Article.slug.in_(slugs))):
        use_as_hero(article, picture)
    db.session.commit()


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
    _give_picture([f"story-{n}" for n in range(1, articles + 1)], (200, 40, 40))


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
    _give_picture([f"story-{n}" for n in range(2, 41, 2)], (30, 60, 220))
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
