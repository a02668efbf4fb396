"""Writes that change which comments are public; every one keeps Article.comment_count true."""

from __future__ import annotations

from sqlalchemy import func, select, update

from hublet import signals
from hublet.extensions import db
from hublet.models import COMMENT_STATUSES, Article, Comment


def recount_comments(article_id: int) -> None:
    """Store the article's number of approved comments (in the caller's transaction)."""
    approved = (
        select(func.count())
        .select_from(Comment)
        .where(Comment.article_id == article_id, Comment.status == "approved")
        .scalar_subquery()
    )
    db.session.execute(
        update(Article).where(Article.id == article_id).values(comment_count=approved)
    )


def set_comment_status(comment: Comment, status: str) -> None:
    """Move a comment to ``status`` (pending, approved, spam, trash) and commit."""
    if status not in COMMENT_STATUSES:
        raise ValueError(f"unknown comment status {status!r}")
    comment.status = status
    db.session.flush()
    recount_comments(comment.article_id)
    db.session.commit()
    signals.comment_changed.send(comment.article_id, comment_id=comment.id)


def delete_comment(comment: Comment) -> None:
    """Delete a comment for good; its replies stay, attached to nothing."""
    article_id, comment_id = comment.article_id, comment.id
    db.session.delete(comment)
    db.session.flush()
    recount_comments(article_id)
    db.session.commit()
    signals.comment_changed.send(article_id, comment_id=comment_id)
