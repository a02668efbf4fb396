"""Popularity: counting views in daily buckets, and the lists ranked by them.

A view is stored as one row per article per day (``ArticleViewDay``) whose count an upsert
raises, so a busy article costs one row a day, never one row a view.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import cast

from sqlalchemy import Table, func, select
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
    table = cast(Table, ArticleViewDay.__table__)
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


def _views_since(since: date | None):
    """Per-article view totals from ``since`` (all time when None), as a subquery."""
    if since is None:
        return (
            select(
                ArticleViewDay.article_id.label("article_id"),
                func.sum(ArticleViewDay.views).label("views"),
            )
            .group_by(ArticleViewDay.article_id)
            .subquery()
        )
    # Grouped by ``article_id + 0``, an expression no index covers: the planner then reads only
    # the window's days through the (day, article_id) index, where grouping by the bare column
    # would tempt it to walk every day of every article through (article_id, day).
    article_id = (ArticleViewDay.article_id + 0).label("article_id")
    return (
        select(article_id, func.sum(ArticleViewDay.views).label("views"))
        .where(ArticleViewDay.day >= since)
        .group_by(article_id)
        .subquery()
    )


def _newest() -> list:
    return [Article.published_at.desc(), Article.id.desc()]


def _ranked_by(scores, limit: int, exclude: list[int]) -> list[Article]:
    """Visible articles in the order of ``scores`` (a subquery of article_id, score), best first.

    Two small steps instead of one join: the best-scored ids first (the scores cover only the
    articles with recent activity), then those articles. A join would let the planner walk the
    whole archive and sort it, which costs a second at 100,000 articles.
    """
    candidates = db.session.execute(
        select(scores.c.article_id, scores.c.score)
        .order_by(scores.c.score.desc())
        .limit(limit * 4 + len(exclude))
    ).all()
    order = {article_id: rank for rank, (article_id, _score) in enumerate(candidates)}
    if not order:
        return []
    articles = db.session.scalars(
        select(Article).where(Article.id.in_(order), Article.id.not_in(exclude), is_visible())
    ).all()
    ranked = sorted(articles, key=lambda a: order[a.id])  # each id has its own rank
    return ranked[:limit]


def _newest_articles(limit: int, exclude: list[int]) -> list[Article]:
    statement = (
        select(Article)
        .where(is_visible(), Article.id.not_in(exclude))
        .order_by(*_newest())
        .limit(limit)
    )
    return list(db.session.scalars(statement))


def _first_of(limit: int, *sources) -> list[Article]:
    """Fill ``limit`` places from each source in turn, never listing an article twice."""
    chosen: list[Article] = []
    for source in sources:
        if len(chosen) >= limit:
            break
        chosen += source(limit - len(chosen), [article.id for article in chosen])
    return chosen


def _view_scores(since: date | None):
    views = _views_since(since)
    return select(views.c.article_id, views.c.views.label("score")).subquery()


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
    since = today() - timedelta(days=days - 1)
    return _first_of(
        limit,
        lambda n, seen: _ranked_by(_view_scores(since), n, seen),
        lambda n, seen: _ranked_by(_view_scores(None), n, seen),
        _newest_articles,
    )


def top_posts(limit: int = 5, days: int = 30) -> list[Article]:
    """Top Posts: most approved comments written in the last ``days``, then most viewed."""
    since = utcnow() - timedelta(days=days)
    comments = (
        select(Comment.article_id.label("article_id"), func.count().label("score"))
        .where(Comment.status == "approved", Comment.created_at >= since)
        .group_by(Comment.article_id)
        .subquery()
    )
    return _first_of(
        limit,
        lambda n, seen: _ranked_by(comments, n, seen),
        lambda n, seen: _ranked_by(_view_scores(since.date()), n, seen),
        _newest_articles,
    )


def hot_articles(limit: int = 3, hours: int = 48) -> list[Article]:
    """What's Hot: hot-flagged articles, else the most viewed in the last ``hours``."""
    since = (utcnow() - timedelta(hours=hours)).date()
    return _first_of(
        limit,
        _hot_flagged,
        lambda n, seen: _ranked_by(_view_scores(since), n, seen),
        _newest_articles,
    )


def _hot_flagged(limit: int, exclude: list[int]) -> list[Article]:
    statement = (
        select(Article)
        .where(is_visible(), Article.is_hot.is_(True), Article.id.not_in(exclude))
        .order_by(*_newest())
        .limit(limit)
    )
    return list(db.session.scalars(statement))
