"""The text the index holds for an article: title, excerpt, body text, tag names, author name.

Read with Core statements naming only the columns needed, so that the migration that creates
the index can use this module whatever columns later migrations add to ``article``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from html import unescape

from sqlalchemy import Connection, select

from hublet.models import Article, Author, Tag, article_tag

#: The index keeps this much body text per article; a news story is far shorter.
MAX_BODY_CHARS = 100_000
# Markers the highlighter puts around matches; never allowed into indexed text.
_CONTROL_AND_MARKERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")
_TAG = re.compile(r"<[^>]*>")
_BATCH = 1000


@dataclass(frozen=True)
class SearchDocument:
    """One article as the index sees it."""

    article_id: int
    published_at: datetime
    title: str
    excerpt: str
    body: str
    tags: str
    author: str


def stored_html_to_text(html: str) -> str:
    """The text of an article body as stored (already sanitized by ``clean_article_html``).

    ``sanitize.html_to_text`` runs bleach's HTML parser, about 20 ms per thousand words: a
    reindex of 100,000 articles would take most of an hour. Stored bodies hold only the
    sanitizer's tags with escaped attribute values, so dropping the tags is exact here.
    """
    text = unescape(_TAG.sub(" ", html or ""))
    return " ".join(clean_text(text).split())[:MAX_BODY_CHARS]


def clean_text(text: str) -> str:
    """Text without control characters or highlight markers."""
    return _CONTROL_AND_MARKERS.sub("", text or "")


def _is_indexable(status: str, published_at: datetime | None) -> bool:
    """Published articles with a date are the only ones the index holds (future ones included:
    the search filters by date, so that they appear when their time comes)."""
    return status == "published" and published_at is not None


def load_documents(connection: Connection, article_ids: Iterable[int]) -> list[SearchDocument]:
    """The documents of those articles that belong in the index (others are left out)."""
    ids = sorted(set(article_ids))
    documents: list[SearchDocument] = []
    for start in range(0, len(ids), _BATCH):
        documents.extend(_documents(connection, ids[start : start + _BATCH]))
    return documents


def iter_all_documents(connection: Connection) -> Iterator[list[SearchDocument]]:
    """Every indexable article, in batches, oldest id first."""
    ids = list(
        connection.execute(
            select(Article.id)
            .where(Article.status == "published", Article.published_at.is_not(None))
            .order_by(Article.id)
        ).scalars()
    )
    for start in range(0, len(ids), _BATCH):
        batch = _documents(connection, ids[start : start + _BATCH])
        if batch:
            yield batch


def _documents(connection: Connection, article_ids: list[int]) -> list[SearchDocument]:
    # Selected by primary key alone, visibility checked here: with the status condition in
    # SQL, SQLite picks the listing index and reads every published row for each batch.
    statement = (
        select(
            Article.id,
            Article.published_at,
            Article.title,
            Article.excerpt,
            Article.body_html,
            Author.name,
            Article.status,
        )
        .join(Author, Author.id == Article.author_id)
        .where(Article.id.in_(article_ids))
        .order_by(Article.id)
    )
    rows = [row for row in connection.execute(statement) if _is_indexable(row[-1], row[1])]
    if not rows:
        return []
    tags: dict[int, list[str]] = {}
    tag_rows = connection.execute(
        select(article_tag.c.article_id, Tag.name)
        .join(Tag, Tag.id == article_tag.c.tag_id)
        .where(article_tag.c.article_id.in_([row[0] for row in rows]))
        .order_by(Tag.name)
    )
    for article_id, name in tag_rows:
        tags.setdefault(article_id, []).append(name)
    return [
        SearchDocument(
            article_id=article_id,
            published_at=published_at,
            title=clean_text(title),
            excerpt=clean_text(excerpt),
            body=stored_html_to_text(body_html),
            tags=clean_text(" ".join(tags.get(article_id, []))),
            author=clean_text(author),
        )
        for article_id, published_at, title, excerpt, body_html, author, _status in rows
        if published_at is not None  # always, by _is_indexable; said again for the type checker
    ]
