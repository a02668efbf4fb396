"""Reads of comments: the thread under an article, and the checks a new comment needs."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, aliased
from sqlalchemy.sql.selectable import ScalarSelect

from hublet.comments import display
from hublet.extensions import db
from hublet.models import Comment

#: Replies nest this deep; a reply to a comment at this depth sits beside it.
MAX_DEPTH = 4
#: The id of the list holding the top-level comments.
TOP_LIST_ID = "comment-list"
#: Statuses a reader sees on their own comments, as "awaiting moderation".
OWN_HELD_STATUSES = ("pending", "spam")
#: Ids are 32-bit integers; a larger number from a request is no id at all.
MAX_ID = 2**31 - 1


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
        return display.initials(self.comment.author_name)

    @property
    def avatar_class(self) -> str:
        return display.avatar_class(self.comment.author_name)


@dataclass
class Thread:
    """One page of the comments a reader sees under an article, oldest first, nested."""

    top: list[ThreadNode]
    by_id: dict[int, ThreadNode]
    page: int = 1
    has_older: bool = False
    has_newer: bool = False

    def node(self, comment_id: int | None) -> ThreadNode | None:
        return self.by_id.get(comment_id) if comment_id is not None else None

    @property
    def list_id(self) -> str:
        """The id of this page's list of top-level comments."""
        return top_list_id(self.page)


def top_list_id(page: int) -> str:
    """Page 1's top-level list is ``comment-list``; page K's is ``comment-list-K``."""
    return TOP_LIST_ID if page == 1 else f"{TOP_LIST_ID}-{page}"


def _approved_roots(article_id: int) -> Select:
    """The article's approved top-level comments, in thread order (index ix_comment_thread)."""
    return (
        select(Comment.created_at, Comment.id)
        .where(
            Comment.article_id == article_id,
            Comment.status == "approved",
            Comment.parent_id.is_(None),
        )
        .order_by(Comment.created_at, Comment.id)
    )


def load_thread(
    article_id: int, own_ids: Collection[int] = (), page: int = 1, per_page: int = 50
) -> Thread | None:
    """Page ``page`` of the thread: ``per_page`` approved top-level comments and all replies.

    Pages are cut at approved top-level comments (oldest first): page K runs from its first
    one up to the first one of page K+1. Whatever else starts a thread there (the reader's own
    held comments, replies under a trashed comment) shows on that page too, and a reply always
    stays on its thread's page. One statement, whatever the size of the thread; the pages'
    edges are uncorrelated subqueries walking the thread index. None: no such page.
    """
    first = _approved_roots(article_id)

    def nth(column: InstrumentedAttribute, offset: int) -> ScalarSelect:
        return first.with_only_columns(column).offset(offset).limit(1).scalar_subquery()

    key = tuple_(Comment.created_at, Comment.id)
    # Every status, so that the index serves the range (one seek per status).
    roots = select(Comment.id).where(
        Comment.article_id == article_id,
        Comment.status.in_(("approved", *OWN_HELD_STATUSES, "trash")),
        Comment.parent_id.is_(None),
    )
    if page > 1:
        start_at, start_id = (
            nth(Comment.created_at, (page - 1) * per_page),
            nth(Comment.id, (page - 1) * per_page),
        )
        roots = roots.where(Comment.created_at >= start_at, key >= tuple_(start_at, start_id))
    next_at, next_id = nth(Comment.created_at, page * per_page), nth(Comment.id, page * per_page)
    roots = roots.where(
        or_(
            next_id.is_(None),
            and_(Comment.created_at <= next_at, key < tuple_(next_at, next_id)),
        )
    )
    tree = roots.cte("thread_tree", recursive=True)
    reply = aliased(Comment)
    tree = tree.union_all(select(reply.id).join(tree, reply.parent_id == tree.c.id))
    result = list(
        db.session.execute(
            select(Comment, next_id.is_not(None).label("has_newer"))
            .join(tree, Comment.id == tree.c.id)
            .order_by(Comment.created_at, Comment.id)
        )
    )
    if page > 1 and not result:
        return None
    rows = [row[0] for row in result]
    has_newer = bool(result and result[0].has_newer)
    own = {i for i in own_ids if isinstance(i, int)}
    parents = {c.id: c.parent_id for c in rows}
    comments = [
        c for c in rows if c.status == "approved" or (c.id in own and c.status in OWN_HELD_STATUSES)
    ]
    thread = _build(comments, parents, top_list_id(page))
    thread.page, thread.has_older, thread.has_newer = page, page > 1, has_newer
    return thread


def _build(comments: list[Comment], parents: dict[int, int | None], list_id: str) -> Thread:
    """Nest ``comments`` (in thread order); a reply whose parent is hidden hangs higher up.

    A reply whose parent the reader cannot see hangs under the nearest visible ancestor
    (or at the top), so that nothing approved is lost when a parent is trashed.
    """
    top: list[ThreadNode] = []
    by_id: dict[int, ThreadNode] = {}
    lists: dict[str, list[ThreadNode]] = {list_id: top}
    for comment in comments:
        parent = _visible_ancestor(comment.parent_id, by_id, parents)
        held = comment.status != "approved"
        if parent is None:
            node = ThreadNode(comment, 1, list_id, awaiting_moderation=held)
        else:
            depth = min(parent.depth + 1, MAX_DEPTH)
            node = ThreadNode(comment, depth, parent.replies_list_id, awaiting_moderation=held)
        lists[node.list_id].append(node)
        if node.depth < MAX_DEPTH:
            lists[node.replies_list_id] = node.replies
        by_id[comment.id] = node
    return Thread(top, by_id)


def page_of_comment(comment: Comment, per_page: int = 50) -> int:
    """The page of the thread where ``comment`` shows (its top-level comment's page)."""
    root = comment
    seen: set[int] = set()
    while root.parent_id is not None and root.id not in seen:
        seen.add(root.id)
        parent = db.session.get(Comment, root.parent_id)
        if parent is None:
            break
        root = parent
    earlier_roots = _approved_roots(root.article_id).order_by(None)
    earlier_roots = earlier_roots.where(
        tuple_(Comment.created_at, Comment.id) < tuple_(root.created_at, root.id)
    )
    earlier = db.session.scalar(select(func.count()).select_from(earlier_roots.subquery())) or 0
    if root.status == "approved":
        return earlier // per_page + 1
    # Not counted itself: it sits on the page of the approved one just before it.
    return max(earlier - 1, 0) // per_page + 1


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


def has_approved_comment(name: str, email: str) -> bool:
    """True when this name and email together already have an approved comment on the site.

    The email alone is not enough: anyone who knows a regular's address could post unheld.
    """
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Comment.author_email == email.lower(),
                    func.lower(Comment.author_name) == name.strip().lower(),
                    Comment.status == "approved",
                )
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
