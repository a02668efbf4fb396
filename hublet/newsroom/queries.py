"""What the newsroom reads: stories by status with filters, one keyset page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from hublet.extensions import db
from hublet.models import Account, Article, ArticleRevision, Author, Category, Tag
from hublet.paging import Cursor, Page, keyset_page, older_than
from hublet.timeutil import utcnow

PER_PAGE = 20
#: The listing's tabs, in order, with their names for people.
TABS = {
    "drafts": "Drafts",
    "review": "In review",
    "scheduled": "Scheduled",
    "published": "Published",
}


@dataclass(frozen=True)
class StoryFilter:
    """One tab of the listing, narrowed by byline, category and words in the title."""

    tab: str = "drafts"
    author_id: int | None = None
    category_id: int | None = None
    q: str = ""


def _in_tab(tab: str, now: datetime) -> ColumnElement[bool]:
    # A trashed story is a draft, but it shows on the Trash page only (history.trashed_stories).
    return and_(Article.trashed_at.is_(None), _status_of_tab(tab, now))


def _status_of_tab(tab: str, now: datetime) -> ColumnElement[bool]:
    if tab == "drafts":
        return and_(Article.status == "draft", Article.submitted_at.is_(None))
    if tab == "review":
        return and_(Article.status == "draft", Article.submitted_at.is_not(None))
    if tab == "scheduled":
        return and_(Article.status == "published", Article.published_at > now)
    return and_(Article.status == "published", Article.published_at <= now)


def _sort_column(tab: str) -> Any:
    """Drafts are newest by their last save; scheduled and published stories by their time."""
    return Article.updated_at if tab in ("drafts", "review") else Article.published_at


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _narrowed(filters: StoryFilter, byline: int | None) -> list[ColumnElement[bool]]:
    conditions = []
    author_id = byline if byline is not None else filters.author_id
    if author_id is not None:
        conditions.append(Article.author_id == author_id)
    if filters.category_id is not None:
        conditions.append(Article.category_id == filters.category_id)
    if filters.q:
        conditions.append(Article.title.ilike(_like(filters.q), escape="\\"))
    return conditions


def story_chunk(
    filters: StoryFilter, after: Cursor | None, byline: int | None = None
) -> Page[Article]:
    """One page of the tab, newest first; ``byline`` keeps an author to their own stories."""
    now = utcnow()
    when = _sort_column(filters.tab)
    stmt = (
        select(Article)
        .options(joinedload(Article.category), joinedload(Article.author))
        .where(_in_tab(filters.tab, now), *_narrowed(filters, byline))
    )
    if after is not None:
        stmt = stmt.where(older_than(when, Article.id, after))
    stmt = stmt.order_by(when.desc(), Article.id.desc()).limit(PER_PAGE + 1)
    rows = list(db.session.scalars(stmt).unique())

    def place(article: Article) -> Cursor:
        value = article.updated_at if filters.tab in ("drafts", "review") else article.published_at
        return (value or article.created_at, article.id)

    return keyset_page(rows, PER_PAGE, place)


def tab_counts(filters: StoryFilter, byline: int | None = None) -> dict[str, int]:
    """How many stories each tab holds under the same filters."""
    now = utcnow()
    narrowed = _narrowed(filters, byline)
    return {
        tab: db.session.scalar(
            select(func.count()).select_from(Article).where(_in_tab(tab, now), *narrowed)
        )
        or 0
        for tab in TABS
    }


def categories() -> list[Category]:
    """Every category, by name, for the editor's and the filter's lists."""
    return list(db.session.scalars(select(Category).order_by(Category.name, Category.id)))


def newsroom_authors() -> list[Author]:
    """The bylines of the people who write here (accounts with a byline), by name."""
    stmt = (
        select(Author)
        .join(Account, Account.author_id == Author.id)
        .order_by(Author.name, Author.id)
        .distinct()
    )
    return list(db.session.scalars(stmt))


def slug_taken(slug: str, article_id: int | None) -> bool:
    """True when another story has this slug."""
    stmt = select(Article.id).where(Article.slug == slug)
    if article_id is not None:
        stmt = stmt.where(Article.id != article_id)
    return db.session.scalar(stmt.limit(1)) is not None


def story(article_id: int) -> Article | None:
    """The story with its category, byline and tags, for the editor."""
    return db.session.scalar(
        select(Article)
        .options(
            joinedload(Article.category), joinedload(Article.author), selectinload(Article.tags)
        )
        .where(Article.id == article_id)
    )


def stored_story(article_id: int) -> Article | None:
    """The story as the database holds it now (a refused save's view of it is stale)."""
    return db.session.scalar(
        select(Article)
        .options(
            joinedload(Article.category), joinedload(Article.author), selectinload(Article.tags)
        )
        .where(Article.id == article_id)
        .execution_options(populate_existing=True)
    )


def saved_by(article_id: int, version: int) -> str | None:
    """Who saved this version of the story, when a revision remembers it (drafts keep none)."""
    return db.session.scalar(
        select(ArticleRevision.account_name)
        .where(ArticleRevision.article_id == article_id, ArticleRevision.version == version)
        .order_by(ArticleRevision.id.desc())
        .limit(1)
    )


def tags_starting(start: str, limit: int = 8) -> list[str]:
    """Names of existing tags whose slug starts like ``start``'s, by name (the editor's
    type-to-find)."""
    stmt = (
        select(Tag.name)
        .where(Tag.slug.startswith(start, autoescape=True))
        .order_by(Tag.name, Tag.id)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
