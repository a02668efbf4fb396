"""Keep the index following every write.

ORM writes: the Article, Tag and Author mapper events note what changed, and after the flush
(when the article_tag rows are written too) the index is updated in the same transaction, so
it commits or rolls back with the article. Bulk writes (seed, imports) and writes made without
the ORM send ``hublet.signals`` after committing; the receivers update the index and commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, event, inspect, select
from sqlalchemy.orm import InstanceState, Session, object_session

from hublet import signals
from hublet.models import Article, Author, Tag, article_tag
from hublet.search import index

log = logging.getLogger(__name__)

_ARTICLES = "search.dirty_articles"
_TAGS = "search.dirty_tags"
_AUTHORS = "search.dirty_authors"
_INDEXED_FIELDS = ("title", "excerpt", "body_html", "status", "published_at", "author_id", "tags")


def _note(target: Any, key: str, value: int | None) -> None:
    session = object_session(target)
    if session is not None and value is not None:
        session.info.setdefault(key, set()).add(value)


@event.listens_for(Article, "after_insert")
@event.listens_for(Article, "after_delete")
def _article_added_or_deleted(_mapper, _connection, article: Article) -> None:
    _note(article, _ARTICLES, article.id)


@event.listens_for(Article, "after_update")
def _article_updated(_mapper, _connection, article: Article) -> None:
    state: InstanceState[Article] = inspect(article)
    if any(state.attrs[name].history.has_changes() for name in _INDEXED_FIELDS):
        _note(article, _ARTICLES, article.id)


@event.listens_for(Tag, "after_update")
def _tag_renamed(_mapper, _connection, tag: Tag) -> None:
    if inspect(tag).attrs.name.history.has_changes():
        _note(tag, _TAGS, tag.id)


@event.listens_for(Author, "after_update")
def _author_renamed(_mapper, _connection, author: Author) -> None:
    if inspect(author).attrs.name.history.has_changes():
        _note(author, _AUTHORS, author.id)


@event.listens_for(Session, "after_flush_postexec")
def _update_index(session: Session, _flush_context) -> None:
    article_ids = set(session.info.pop(_ARTICLES, ()))
    tag_ids = session.info.pop(_TAGS, None)
    author_ids = session.info.pop(_AUTHORS, None)
    if not (article_ids or tag_ids or author_ids):
        return
    connection = session.connection()
    if tag_ids:
        article_ids.update(
            connection.execute(
                select(article_tag.c.article_id).where(article_tag.c.tag_id.in_(tag_ids))
            ).scalars()
        )
    if author_ids:
        article_ids.update(
            connection.execute(
                select(Article.id).where(Article.author_id.in_(author_ids))
            ).scalars()
        )
    index.sync_articles(connection, article_ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget_notes(session: Session, _previous_transaction) -> None:
    for key in (_ARTICLES, _TAGS, _AUTHORS):
        session.info.pop(key, None)


def _in_session(update: Callable[[Connection], object]) -> None:
    """Run ``update`` in the app session's transaction and commit it.

    The senders send after committing their own work, so the commit here carries only the
    index; in the session (not a second connection) because a sender may still hold SQLite's
    write lock in it. A failure is logged, not raised: the sender's work is already stored,
    and ``flask reindex`` (or ``flask check``) puts the index right.
    """
    from hublet.database import writing
    from hublet.extensions import db

    try:
        with writing():
            update(db.session.connection())
            db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("the search index could not follow a write; run `flask reindex`")


@signals.article_changed.connect
def _on_article_changed(article_id: int, **_extra: object) -> None:
    _in_session(lambda connection: index.sync_articles(connection, [article_id]))


@signals.articles_bulk_changed.connect
def _on_articles_bulk_changed(_sender: object = None, **_extra: object) -> None:
    _in_session(index.rebuild)
