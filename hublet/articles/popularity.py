"""Popularity: counting views in daily buckets, and the lists ranked by them.

A view is stored as one row per article per day (``ArticleViewDay``) whose count an upsert
raises, so a busy article costs one row a day, never one row a view.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from hublet.articles.queries import is_visible
from hublet.extensions import db
from hublet.models import Article, ArticleViewDay, Comment
from hublet.timeutil import utcnow

# Crawlers, link previewers and command-line clients announce themselves; people's browsers
# do not say any of these words.
_BOT_AGENT = re.compile(
    r"bot|crawl|spider|slurp|archiver|facebookexternalhit|embedly|preview|monitor|"
    r"curl|wget|python-|httpx|aiohttp|okhttp|java/|go-http|libwww|scrapy",
    re.IGNORECASE,
)


def is_bot(user_agent: str | None) -> bool:
    """True for an empty or crawler-like User-Agent."""
    return not user_agent or bool(_BOT_AGENT.search(user_agent))


def today() -> date:
    """The UTC day a view is counted on."""
    return utcnow().date()


def record_view(article_id: int, day: date | None = None) -> None:
    """Add one view to the article's bucket for ``day`` (created on the first view)."""
    day = day or today()
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = ArticleViewDay.__table__
    statement = insert(table).values(article_id=article_id, day=day, views=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.article_id, table.c.day],
        set_={"views": table.c.views + 1},
    )
    db.session.execute(statement)
    db.session.commit()


def visible_article_id(article_id: int) -> int | None:
    """``article_id`` if a reader may see that article, else None."""
    return db.session.scalar(select(Article.id).where(Article.id == article_id, is_visible()))


def views_of(article_id: int, day: date | None = None) -> int:
    """Views counted for the article on ``day`` (today by default)."""
    statement = select(ArticleViewDay.views).where(
        ArticleViewDay.article_id == article_id, ArticleViewDay.day == (day or today())
    )
    return db.session.scalar(statement) or 0


def _views_since(since: date | None):  # type: ignore[no-untyped-def]
    """Per-article view totals from ``since`` (all time when None), as a subquery."""
    statement = select(
        ArticleViewDay.article_id.label("article_id"),
        func.sum(ArticleViewDay.views).label("views"),
    ).group_by(ArticleViewDay.article_id)
    if since is not None:
        statement = statement.where(ArticleViewDay.day >= since)
    return statement.subquery()


def _newest() -> list:  # type: ignore[type-arg]
    return [Article.published_at.desc(), Article.id.desc()]


def featured_articles(limit: int = 3) -> list[Article]:
    """Featured Posts: articles marked featured, newest first."""
    statement = (
        select(Article)
        .where(is_visible(), Article.is_featured.is_(True))
        .order_by(*_newest())
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def most_popular(limit: int = 3, days: int = 7) -> list[Article]:
    """Most Popular: most viewed in the last ``days``; all-time views, then the newest, fill in."""
    recent = _views_since(today() - timedelta(days=days - 1))
    ever = _views_since(None)
    statement = (
        select(Article)
        .outerjoin(recent, recent.c.article_id == Article.id)
        .outerjoin(ever, ever.c.article_id == Article.id)
        .where(is_visible())
        .order_by(
            func.coalesce(recent.c.views, 0).desc(),
            func.coalesce(ever.c.views, 0).desc(),
            *_newest(),
        )
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def top_posts(limit: int = 5, days: int = 30) -> list[Article]:
    """Top Posts: most approved comments written in the last ``days``, then most viewed."""
    since = utcnow() - timedelta(days=days)
    comments = (
        select(Comment.article_id.label("article_id"), func.count().label("comments"))
        .where(Comment.status == "approved", Comment.created_at >= since)
        .group_by(Comment.article_id)
        .subquery()
    )
    views = _views_since(since.date())
    statement = (
        select(Article)
        .outerjoin(comments, comments.c.article_id == Article.id)
        .outerjoin(views, views.c.article_id == Article.id)
        .where(is_visible())
        .order_by(
            func.coalesce(comments.c.comments, 0).desc(),
            func.coalesce(views.c.views, 0).desc(),
            *_newest(),
        )
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def hot_articles(limit: int = 3, hours: int = 48) -> list[Article]:
    """What's Hot: hot-flagged articles, else the most viewed in the last ``hours``."""
    recent = _views_since((utcnow() - timedelta(hours=hours)).date())
    statement = (
        select(Article)
        .outerjoin(recent, recent.c.article_id == Article.id)
        .where(is_visible())
        .order_by(
            Article.is_hot.desc(),
            func.coalesce(recent.c.views, 0).desc(),
            *_newest(),
        )
        .limit(limit)
    )
    return list(db.session.scalars(statement))
