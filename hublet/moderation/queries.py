"""Reads for the moderation pages; each loads what its rows show in the same query.

Listings are newest first, PER_PAGE at a time, continued with a keyset cursor (the last row's
time and id), so rows moderated away meanwhile never make the next chunk skip others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from hublet.extensions import db
from hublet.models import COMMENT_STATUSES, Article, AuditEntry, Comment, ContactMessage

PER_PAGE = 50

T = TypeVar("T")


@dataclass(frozen=True)
class Chunk(Generic[T]):
    """Some rows of a listing and the cursor of the next ones (None at the end)."""

    items: list[T]
    next_cursor: str | None


@dataclass(frozen=True)
class CommentFilter:
    """Which comments the moderation page lists."""

    status: str = "pending"
    article_id: int | None = None
    q: str = ""


def _older_than(model, after: tuple[datetime, int]):  # type: ignore[no-untyped-def]
    """Rows after the cursor in newest-first order: older, or as old with a smaller id."""
    when, row_id = after
    return or_(model.created_at < when, and_(model.created_at == when, model.id < row_id))


def like_pattern(text: str) -> str:
    """``%text%`` with LIKE's wildcards taken literally (escape character ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def encode_cursor(when: datetime, row_id: int) -> str:
    """The cursor after a row: its time and id."""
    return f"{when.isoformat()}_{row_id}"


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """The time and id in a cursor; ValueError when it is not one of ours."""
    when, _, row_id = cursor.rpartition("_")
    if not when or not row_id.isascii() or not row_id.isdigit() or len(row_id) > 18:
        raise ValueError("bad cursor")
    return datetime.fromisoformat(when), int(row_id)


def comment_counts() -> dict[str, int]:
    """How many comments each status holds."""
    rows = db.session.execute(select(Comment.status, func.count()).group_by(Comment.status))
    counts = dict.fromkeys(COMMENT_STATUSES, 0)
    counts.update({status: count for status, count in rows})
    return counts


def comment_chunk(
    filters: CommentFilter, after: tuple[datetime, int] | None = None
) -> Chunk[Comment]:
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
        stmt = stmt.where(_older_than(Comment, after))
    stmt = stmt.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(PER_PAGE + 1)
    rows = list(db.session.scalars(stmt).unique())
    return _chunk(rows, lambda c: encode_cursor(c.created_at, c.id))


def _chunk(rows: list, cursor_of) -> Chunk:  # type: ignore[no-untyped-def]
    if len(rows) > PER_PAGE:
        rows = rows[:PER_PAGE]
        return Chunk(rows, cursor_of(rows[-1]))
    return Chunk(rows, None)


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


def article_chunk(q: str, after: tuple[datetime, int] | None = None) -> Chunk[Article]:
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
        stmt = stmt.where(_older_than(Article, after))
    stmt = stmt.order_by(Article.created_at.desc(), Article.id.desc()).limit(PER_PAGE + 1)
    return _chunk(list(db.session.scalars(stmt)), lambda a: encode_cursor(a.created_at, a.id))


def message_chunk(after: tuple[datetime, int] | None = None) -> Chunk[ContactMessage]:
    """Contact messages, newest first."""
    stmt = select(ContactMessage)
    if after is not None:
        stmt = stmt.where(_older_than(ContactMessage, after))
    stmt = stmt.order_by(ContactMessage.created_at.desc(), ContactMessage.id.desc())
    rows = list(db.session.scalars(stmt.limit(PER_PAGE + 1)))
    return _chunk(rows, lambda m: encode_cursor(m.created_at, m.id))


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


def audit_chunk(after: tuple[datetime, int] | None = None) -> Chunk[AuditEntry]:
    """The audit log, newest first."""
    stmt = select(AuditEntry)
    if after is not None:
        stmt = stmt.where(_older_than(AuditEntry, after))
    stmt = stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    rows = list(db.session.scalars(stmt.limit(PER_PAGE + 1)))
    return _chunk(rows, lambda e: encode_cursor(e.created_at, e.id))
