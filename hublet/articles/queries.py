"""Reads of published articles. Every listing loads what its cards show in the same query."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from hublet.extensions import db
from hublet.models import Article, Author, Category, Tag, article_tag
from hublet.timeutil import utcnow

T = TypeVar("T")


@dataclass(frozen=True)
class Paged(Generic[T]):
    """One page of a listing."""

    items: list[T]
    page: int
    per_page: int
    total: int
    more: bool | None = None  # known directly for a keyset page ("older than ...")

    @property
    def has_next(self) -> bool:
        if self.more is not None:
            return self.more
        return self.page * self.per_page < self.total

    @property
    def next_cursor(self) -> str | None:
        """Where the next page starts: just older than the last item shown."""
        if not self.items:
            return None
        return encode_cursor(self.items[-1])  # type: ignore[arg-type]

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


Cursor = tuple[datetime, int]
_CURSOR = re.compile(r"(\d{20})-(\d{1,12})")


def encode_cursor(article: Article) -> str:
    """A listing position as URL-safe digits: publication time (to the microsecond) and id."""
    return f"{article.published_at:%Y%m%d%H%M%S%f}-{article.id}"


def decode_cursor(raw: str) -> Cursor | None:
    """The position in ``raw``, or None when it is not one ``encode_cursor`` could make."""
    match = _CURSOR.fullmatch(raw)
    if not match:
        return None
    try:
        moment = datetime.strptime(match.group(1), "%Y%m%d%H%M%S%f")
    except ValueError:
        return None
    return moment, int(match.group(2))


def is_visible():  # type: ignore[no-untyped-def]
    """The SQL condition for an article a reader may see: published, and its time has come."""
    return and_(Article.status == "published", Article.published_at <= utcnow())


def _cards(statement: Select) -> Select:
    """Newest first, with what a card shows (category, author) joined in."""
    return statement.options(joinedload(Article.category), joinedload(Article.author)).order_by(
        Article.published_at.desc(), Article.id.desc()
    )


def older_than(cursor: Cursor):  # type: ignore[no-untyped-def]
    """The SQL condition for articles listed after ``cursor`` (newest-first order)."""
    moment, article_id = cursor
    return or_(
        Article.published_at < moment,
        and_(Article.published_at == moment, Article.id < article_id),
    )


def _page_of(condition, page: int, per_page: int, before: Cursor | None = None) -> Paged[Article]:  # type: ignore[no-untyped-def]
    """Page ``page`` by offset, or, given ``before``, the ``per_page`` articles older than it.

    Infinite scroll asks by cursor so that an article published meanwhile neither repeats a
    card nor hides one; ``page`` then only numbers the page for titles and the next link.
    """
    total = db.session.scalar(select(func.count()).select_from(Article).where(condition)) or 0
    if before is None:
        items = db.session.scalars(
            _cards(select(Article).where(condition)).limit(per_page).offset((page - 1) * per_page)
        ).all()
        return Paged(list(items), page, per_page, total)
    rows = db.session.scalars(
        _cards(select(Article).where(condition, older_than(before))).limit(per_page + 1)
    ).all()
    return Paged(list(rows[:per_page]), page, per_page, total, more=len(rows) > per_page)


def latest_articles(
    page: int = 1, per_page: int = 10, before: Cursor | None = None
) -> Paged[Article]:
    """The home page's listing."""
    return _page_of(is_visible(), page, per_page, before)


def category_articles(
    category: Category, page: int, per_page: int, before: Cursor | None = None
) -> Paged[Article]:
    """A category archive."""
    condition = and_(is_visible(), Article.category_id == category.id)
    return _page_of(condition, page, per_page, before)


def author_articles(
    author: Author, page: int, per_page: int, before: Cursor | None = None
) -> Paged[Article]:
    """An author archive."""
    return _page_of(and_(is_visible(), Article.author_id == author.id), page, per_page, before)


def tag_articles(
    tag: Tag, page: int, per_page: int, before: Cursor | None = None
) -> Paged[Article]:
    """A tag archive."""
    tagged = Article.id.in_(select(article_tag.c.article_id).where(article_tag.c.tag_id == tag.id))
    return _page_of(and_(is_visible(), tagged), page, per_page, before)


def recent_titles(limit: int = 5) -> list[Article]:
    """The newest articles, for title-and-date lists."""
    statement = (
        select(Article)
        .where(is_visible())
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def hot_articles(limit: int = 3) -> list[Article]:
    """What's Hot: hot-flagged articles, else the most viewed in the last 48 hours."""
    from hublet.articles import popularity  # popularity builds on this module

    return popularity.hot_articles(limit)


def visible_article(slug: str) -> Article | None:
    """The article at ``slug`` with everything its page shows, if a reader may see it."""
    statement = (
        select(Article)
        .where(Article.slug == slug, is_visible())
        .options(
            joinedload(Article.category),
            joinedload(Article.author),
            selectinload(Article.tags),
        )
    )
    return db.session.scalar(statement)


def related_articles(article: Article, limit: int = 3) -> list[Article]:
    """Most shared tags first, then the same category, then the newest; never itself."""
    tag_ids = [tag.id for tag in article.tags]
    shared = (
        select(func.count())
        .select_from(article_tag)
        .where(article_tag.c.article_id == Article.id, article_tag.c.tag_id.in_(tag_ids))
        .scalar_subquery()
        if tag_ids
        else None
    )
    same_category = case((Article.category_id == article.category_id, 1), else_=0)
    order = [same_category.desc(), Article.published_at.desc(), Article.id.desc()]
    if shared is not None:
        order.insert(0, shared.desc())
    statement = (
        select(Article).where(is_visible(), Article.id != article.id).order_by(*order).limit(limit)
    )
    return list(db.session.scalars(statement))


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


def author_by_slug(slug: str) -> Author | None:
    return db.session.scalar(select(Author).where(Author.slug == slug))


def tag_by_slug(slug: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def menu_categories() -> list[Category]:
    """All categories in menu order."""
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))
