"""Reads of comments: the thread under an article, and the checks a new comment needs."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, or_, select

from hublet.extensions import db
from hublet.models import Comment

#: Replies nest this deep; a reply to a comment at this depth sits beside it.
MAX_DEPTH = 4
#: The id of the list holding the top-level comments.
TOP_LIST_ID = "comment-list"
#: Statuses a reader sees on their own comments, as "awaiting moderation".
OWN_HELD_STATUSES = ("pending", "spam")
AVATAR_COLORS = 8
#: Ids are 32-bit integers; a larger number from a request is no id at all.
MAX_ID = 2**31 - 1


def initials(name: str) -> str:
    """Up to two letters for an avatar: first and last word's first letters."""
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


def avatar_color(name: str) -> int:
    """A stable color number (0-7) for a name, so a commenter keeps their color."""
    digest = hashlib.blake2s(name.strip().lower().encode("utf-8"), digest_size=2).digest()
    return int.from_bytes(digest, "big") % AVATAR_COLORS


@dataclass
class ThreadNode:
    """One comment as the thread shows it."""

    comment: Comment
    depth: int
    list_id: str  # the id of the <ol> it sits in
    replies: list[ThreadNode] = field(default_factory=list)
    awaiting_moderation: bool = False

    @property
    def replies_list_id(self) -> str:
        """Where replies to this comment go: its own list, or beside it at the deepest level."""
        if self.depth < MAX_DEPTH:
            return f"comment-{self.comment.id}-replies"
        return self.list_id

    @property
    def initials(self) -> str:
        return initials(self.comment.author_name)

    @property
    def avatar_class(self) -> str:
        return f"avatar-{avatar_color(self.comment.author_name)}"


@dataclass
class Thread:
    """The comments a reader sees under an article, oldest first, nested."""

    top: list[ThreadNode]
    by_id: dict[int, ThreadNode]

    def node(self, comment_id: int | None) -> ThreadNode | None:
        return self.by_id.get(comment_id) if comment_id is not None else None


def load_thread(article_id: int, own_ids: Collection[int] = ()) -> Thread:
    """Approved comments, plus the reader's own held ones (``own_ids``), as a tree.

    A reply whose parent the reader cannot see hangs under the nearest visible ancestor
    (or at the top), so that nothing approved is lost when a parent is trashed.
    """
    visible = Comment.status == "approved"
    own = [i for i in own_ids if isinstance(i, int) and 0 < i <= MAX_ID]
    if own:
        visible = or_(visible, and_(Comment.id.in_(own), Comment.status.in_(OWN_HELD_STATUSES)))
    comments = list(
        db.session.scalars(
            select(Comment)
            .where(Comment.article_id == article_id, visible)
            .order_by(Comment.created_at, Comment.id)
        )
    )
    shown = {c.id for c in comments}
    hidden_parents: dict[int, int | None] = {}
    if any(c.parent_id is not None and c.parent_id not in shown for c in comments):
        hidden_parents = dict(
            db.session.execute(
                select(Comment.id, Comment.parent_id).where(Comment.article_id == article_id)
            ).all()
        )

    top: list[ThreadNode] = []
    by_id: dict[int, ThreadNode] = {}
    lists: dict[str, list[ThreadNode]] = {TOP_LIST_ID: top}
    for comment in comments:
        parent = _visible_ancestor(comment.parent_id, by_id, hidden_parents)
        held = comment.status != "approved"
        if parent is None:
            node = ThreadNode(comment, 1, TOP_LIST_ID, awaiting_moderation=held)
        else:
            depth = min(parent.depth + 1, MAX_DEPTH)
            node = ThreadNode(comment, depth, parent.replies_list_id, awaiting_moderation=held)
        lists[node.list_id].append(node)
        if node.depth < MAX_DEPTH:
            lists[node.replies_list_id] = node.replies
        by_id[comment.id] = node
    return Thread(top, by_id)


def _visible_ancestor(
    parent_id: int | None, by_id: dict[int, ThreadNode], parents: dict[int, int | None]
) -> ThreadNode | None:
    seen: set[int] = set()
    while parent_id is not None and parent_id not in by_id and parent_id not in seen:
        seen.add(parent_id)
        parent_id = parents.get(parent_id)
    return by_id.get(parent_id) if parent_id is not None else None


def reply_target(article_id: int, comment_id: int, own_ids: Collection[int] = ()) -> Comment | None:
    """The comment a reader may reply to: on this article, and approved or their own."""
    if not 0 < comment_id <= MAX_ID:
        return None
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.article_id != article_id:
        return None
    if comment.status == "approved":
        return comment
    if comment.id in own_ids and comment.status in OWN_HELD_STATUSES:
        return comment
    return None


def has_approved_comment(email: str) -> bool:
    """True when this email already has an approved comment anywhere on the site."""
    return bool(
        db.session.scalar(
            select(
                exists().where(Comment.author_email == email.lower(), Comment.status == "approved")
            )
        )
    )


def last_comment_time(ip_address: str, email: str) -> datetime | None:
    """When the newest comment from this address or email was posted (any status)."""
    conditions = [Comment.author_email == email.lower()]
    if ip_address:
        conditions.append(Comment.ip_address == ip_address)
    return db.session.scalar(select(func.max(Comment.created_at)).where(or_(*conditions)))


def posted_within(ip_address: str, email: str, seconds: int, now: datetime) -> bool:
    """True when this address or email posted a comment in the last ``seconds``."""
    if seconds <= 0:
        return False
    last = last_comment_time(ip_address, email)
    return last is not None and last > now - timedelta(seconds=seconds)


def is_duplicate(article_id: int, email: str, body_html: str) -> bool:
    """True when this email already said exactly this on this article (trash excepted)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Comment.article_id == article_id,
                    Comment.author_email == email.lower(),
                    Comment.body_html == body_html,
                    Comment.status != "trash",
                )
            )
        )
    )
