"""Reads for the moderation pages; each loads what its rows show in the same query.

Listings are newest first, PER_PAGE at a time, continued with a keyset cursor (the last row's
time and id, ``hublet.paging``), so rows moderated away meanwhile never make the next page skip
others.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from hublet.extensions import db
from hublet.models import COMMENT_STATUSES, Article, AuditEntry, Comment, ContactMessage
from hublet.paging import Cursor, Page, keyset_page, older_than

PER_PAGE = 50


@dataclass(frozen=True)
class CommentFilter:
    """Which comments the moderation page lists."""

    status: str = "pending"
    article_id: int | None = None
    q: str = ""


def _created(row: Comment | Article | ContactMessage | AuditEntry) -> Cursor:
    """Where a row sits in a newest-first listing."""
    return row.created_at, row.id


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards taken literally (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def comment_counts() -> dict[str, int]:
    """How many comments each status holds."""
    rows = db.session.execute(select(Comment.status, func.count()).group_by(Comment.status))
    counts = dict.fromkeys(COMMENT_STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts


def comment_chunk(filters: CommentFilter, after: Cursor | None = None) -> Page[Comment]:
    """Comments with the filter's status, newest first, with article and parent loaded."""
    stmt = (
        select(Comment)
        .options(
            joinedload(Comment.article).load_only(Article.id, Article.title, Article.slug),
            selectinload(Comment.parent).load_only(Comment.id, Comment.author_name),
        )
        .where(Comment.status == filters.status)
    )
    if filters.article_id is not None:
        stmt = stmt.where(Comment.article_id == filters.article_id)
    if filters.q:
        pattern = like_pattern(filters.q)
        stmt = stmt.where(
            or_(
                Comment.author_name.ilike(pattern, escape="\\"),
                Comment.author_email.ilike(pattern, escape="\\"),
                Comment.body_html.ilike(pattern, escape="\\"),
            )
        )
    if after is not None:
        stmt = stmt.where(older_than(Comment.created_at, Comment.id, after))
    stmt = stmt.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(PER_PAGE + 1)
    rows = list(db.session.scalars(stmt).unique())
    return keyset_page(rows, PER_PAGE, _created)


def comments_by_ids(ids: list[int]) -> list[Comment]:
    """The comments with these ids (unknown ids are skipped)."""
    if not ids:
        return []
    return list(db.session.scalars(select(Comment).where(Comment.id.in_(ids)).order_by(Comment.id)))


def article_brief(article_id: int) -> Article | None:
    """An article's id, title and slug (for the "only this article" filter)."""
    return db.session.scalar(
        select(Article)
        .options(load_only(Article.id, Article.title, Article.slug))
        .where(Article.id == article_id)
    )


def article_chunk(q: str, after: Cursor | None = None) -> Page[Article]:
    """Articles whose title contains ``q``, newest first."""
    stmt = select(Article).options(
        load_only(
            Article.id,
            Article.title,
            Article.slug,
            Article.status,
            Article.published_at,
            Article.created_at,
            Article.is_featured,
            Article.is_hot,
        )
    )
    if q:
        stmt = stmt.where(Article.title.ilike(like_pattern(q), escape="\\"))
    if after is not None:
        stmt = stmt.where(older_than(Article.created_at, Article.id, after))
    stmt = stmt.order_by(Article.created_at.desc(), Article.id.desc()).limit(PER_PAGE + 1)
    return keyset_page(list(db.session.scalars(stmt)), PER_PAGE, _created)


def message_chunk(after: Cursor | None = None) -> Page[ContactMessage]:
    """Contact messages, newest first."""
    stmt = select(ContactMessage)
    if after is not None:
        stmt = stmt.where(older_than(ContactMessage.created_at, ContactMessage.id, after))
    stmt = stmt.order_by(ContactMessage.created_at.desc(), ContactMessage.id.desc())
    rows = list(db.session.scalars(stmt.limit(PER_PAGE + 1)))
    return keyset_page(rows, PER_PAGE, _created)


def unhandled_message_count() -> int:
    """Contact messages nobody has handled yet."""
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ContactMessage)
            .where(ContactMessage.handled.is_(False))
        )
        or 0
    )


def audit_chunk(after: Cursor | None = None) -> Page[AuditEntry]:
    """The audit log, newest first."""
    stmt = select(AuditEntry)
    if after is not None:
        stmt = stmt.where(older_than(AuditEntry.created_at, AuditEntry.id, after))
    stmt = stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    rows = list(db.session.scalars(stmt.limit(PER_PAGE + 1)))
    return keyset_page(rows, PER_PAGE, _created)
