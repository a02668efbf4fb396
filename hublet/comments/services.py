"""Writes that change which comments are public; every one keeps Article.comment_count true."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import func, select, update

from hublet import signals
from hublet.comments import queries, rules
from hublet.comments.rules import CommentSettings, Submission, Verdict
from hublet.extensions import db
from hublet.models import COMMENT_STATUSES, Article, Comment
from hublet.sanitize import clean_author_url, clean_comment_html
from hublet.timeutil import utcnow

log = logging.getLogger(__name__)

IP_MAX = 64
USER_AGENT_MAX = 400


def recount_comments(article_id: int) -> None:
    """Store the article's number of approved comments (in the caller's transaction).

    The article row is locked first (PostgreSQL): the count then runs in a statement that
    starts after every other writer of this article has committed, so none is missed.
    """
    lock_article(article_id)
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


def lock_article(article_id: int) -> None:
    """Lock the article's row until commit (PostgreSQL; SQLite's write lock already covers it)."""
    db.session.execute(select(Article.id).where(Article.id == article_id).with_for_update())


def _lock_poster(ip_address: str, email: str) -> None:
    """Serialize comments from one address or email across processes (PostgreSQL).

    Without it two simultaneous posts could both pass the flood check. SQLite needs nothing:
    a POST request's transaction holds the database's write lock from its first statement.
    """
    if db.engine.dialect.name != "postgresql":
        return
    keys = sorted(
        {_lock_key(f"comment-poster:{kind}:{value}") for kind, value in
         (("ip", ip_address), ("email", email)) if value}
    )  # fmt: skip
    for key in keys:  # always in the same order: no deadlock between two posters
        db.session.execute(select(func.pg_advisory_xact_lock(key)))


def _lock_key(text: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(text.encode(), digest_size=8).digest(), "big", signed=True
    )


def make_submission(
    *, name: str, email: str, website: str, text: str, ip_address: str, honeypot_filled: bool
) -> Submission:
    """A validated form's values, with the comment's HTML sanitized for storage."""
    return Submission(
        name=name,
        email=email.lower(),
        website=clean_author_url(website),
        text=text,
        body_html=clean_comment_html(text),
        ip_address=(ip_address or "")[:IP_MAX],
        honeypot_filled=honeypot_filled,
    )


@dataclass(frozen=True)
class PostOutcome:
    """What became of a posted comment: ``stored``, ``duplicate`` or ``flood``."""

    result: str
    comment: Comment | None = None
    verdict: Verdict | None = None

    @property
    def stored(self) -> bool:
        return self.result == "stored"


def post_comment(
    article_id: int,
    parent: Comment | None,
    submission: Submission,
    user_agent: str,
    settings: CommentSettings | None = None,
) -> PostOutcome:
    """Check a new comment against the duplicate and flood rules, judge it, store it, commit.

    Duplicate and flood are database queries inside the write transaction, so they hold
    across processes and hosts. A duplicate or flood stores nothing.
    """
    settings = settings or rules.get_settings()
    _lock_poster(submission.ip_address, submission.email)
    lock_article(article_id)
    if queries.is_duplicate(article_id, submission.email, submission.body_html):
        return PostOutcome("duplicate")
    now = utcnow()
    if queries.posted_within(submission.ip_address, submission.email, settings.flood_seconds, now):
        return PostOutcome("flood")
    verdict = rules.judge(
        submission,
        settings,
        previously_approved=queries.has_approved_comment(submission.name, submission.email),
    )
    depth = 1 if parent is None else min(parent.depth + 1, queries.MAX_DEPTH)
    comment = Comment(
        article_id=article_id,
        parent_id=parent.id if parent is not None else None,
        depth=depth,
        author_name=submission.name,
        author_email=submission.email,
        author_url=submission.website,
        body_html=submission.body_html,
        status=verdict.status,
        ip_address=submission.ip_address,
        user_agent=(user_agent or "")[:USER_AGENT_MAX],
        created_at=now,
    )
    db.session.add(comment)
    db.session.flush()
    if verdict.status == "approved":
        recount_comments(article_id)
    db.session.commit()
    log.info("comment %s on article %s: %s (%s)", comment.id, article_id, verdict.status,
             verdict.reason)  # fmt: skip
    signals.comment_changed.send(article_id, comment_id=comment.id)
    return PostOutcome("stored", comment, verdict)
