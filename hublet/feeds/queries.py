"""Reads for feeds and sitemaps: only what a reader may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, null, select
from sqlalchemy.orm import joinedload, selectinload

from hublet.articles.queries import filed_under, is_visible, with_pictures
from hublet.extensions import db
from hublet.models import Article, Author, Category, Page, Tag, article_tag
from hublet.timeutil import utcnow

SITEMAP_SECTIONS = ("articles", "categories", "tags", "authors", "pages")


@dataclass(frozen=True)
class SitemapEntry:
    """One address for a sitemap: the view, its slug, when it last changed."""

    endpoint: str
    slug: str | None
    lastmod: datetime | None


def feed_articles(limit: int, category: Category | None = None) -> list[Article]:
    """The newest visible articles (of one category), with author, category, tags and the
    library picture each item's media points at."""
    statement = (
        select(Article)
        .where(is_visible())
        .options(
            joinedload(Article.category),
            joinedload(Article.author),
            selectinload(Article.tags),
            *with_pictures(),
        )
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    )
    if category is not None:
        statement = statement.where(filed_under(category.id))
    return list(db.session.scalars(statement))


def news_articles(days: int, limit: int = 1000) -> list[Article]:
    """Articles published in the last ``days`` (Google News reads at most 1,000)."""
    statement = (
        select(Article)
        .where(is_visible(), Article.published_at >= utcnow() - timedelta(days=days))
        .options(selectinload(Article.tags))
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def _has_visible_article(condition):
    return exists(select(Article.id).where(is_visible(), condition))


def _section_statement(section: str):
    """Rows of (slug, lastmod) for one section, in a stable order."""
    if section == "articles":
        return (
            select(Article.slug, func.coalesce(Article.updated_at, Article.published_at))
            .where(is_visible())
            .order_by(Article.published_at.desc(), Article.id.desc())
        )
    if section == "categories":
        return (
            select(Category.slug, null())
            .where(_has_visible_article(Article.category_id == Category.id))
            .order_by(Category.position, Category.id)
        )
    if section == "authors":
        return (
            select(Author.slug, null())
            .where(_has_visible_article(Article.author_id == Author.id))
            .order_by(Author.id)
        )
    if section == "tags":
        # Joined, not IN (...): the tag must be correlated with the outer row, and the join
        # walks the (tag_id, article_id) index instead of scanning every tag link.
        tagged = and_(article_tag.c.tag_id == Tag.id, article_tag.c.article_id == Article.id)
        return select(Tag.slug, null()).where(_has_visible_article(tagged)).order_by(Tag.id)
    if section == "pages":
        return select(Page.slug, Page.updated_at).order_by(Page.position, Page.id)
    raise ValueError(section)


_ENDPOINTS = {
    "articles": "articles.article",
    "categories": "articles.category",
    "tags": "articles.tag",
    "authors": "articles.author",
    "pages": "site.static_page",
}


def sitemap_counts() -> dict[str, int]:
    """How many addresses each section holds (pages include the home page)."""
    counts = {}
    for section in SITEMAP_SECTIONS:
        subquery = _section_statement(section).order_by(None).subquery()
        counts[section] = db.session.scalar(select(func.count()).select_from(subquery)) or 0
    counts["pages"] += 1
    return counts


def sitemap_entries(
    section: str | None = None, offset: int = 0, limit: int | None = None
) -> list[SitemapEntry]:
    """The entries of one section (a slice of it), or of all sections when None."""
    sections = SITEMAP_SECTIONS if section is None else (section,)
    entries: list[SitemapEntry] = []
    for name in sections:
        rows: list[tuple] = []
        if name == "pages":
            rows.append((None, None))  # the home page
        statement = _section_statement(name)
        if section is not None and name != "pages":
            statement = statement.offset(offset).limit(limit)
        rows.extend(db.session.execute(statement).all())
        if section is not None and name == "pages":
            rows = rows[offset : offset + limit if limit else None]
        for slug, lastmod in rows:
            endpoint = "site.home" if slug is None else _ENDPOINTS[name]
            entries.append(SitemapEntry(endpoint, slug, lastmod))
    return entries
