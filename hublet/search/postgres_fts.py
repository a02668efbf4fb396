"""PostgreSQL full-text backend.

``article_search`` is a side table kept by this code: one row per published article with its
publication time, a weighted ``tsvector`` (title A; excerpt and tags B; body and author C) under
a GIN index, and the body text for snippets. The ``simple`` configuration (no stemming, no stop
words) matches the way SQLite's tokenizer sees words, and accents are folded in Python before
``to_tsvector`` and for queries, so no extension (``unaccent``) is needed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, text

from hublet.search.documents import SearchDocument
from hublet.search.query import SearchQuery, fold

_WEIGHTS = {"title": "A", "head": "AB", "any": ""}

_COUNT = text(
    "SELECT count(*) FROM (SELECT 1 FROM article_search "
    "WHERE document @@ to_tsquery('simple', :query) AND published_at <= :now LIMIT :limit) AS m"
)
_TIER = text(
    "SELECT article_id FROM article_search "
    "WHERE document @@ to_tsquery('simple', :query) AND published_at <= :now "
    "ORDER BY published_at DESC, article_id DESC LIMIT :limit"
)
_BODIES = text(
    "SELECT article_id, body_text FROM article_search WHERE article_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_DELETE = text("DELETE FROM article_search WHERE article_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_UPSERT = text(
    "INSERT INTO article_search (article_id, published_at, document, body_text) VALUES ("
    " :article_id, :published_at,"
    " setweight(to_tsvector('simple', :weight_a), 'A')"
    " || setweight(to_tsvector('simple', :weight_b), 'B')"
    " || setweight(to_tsvector('simple', :weight_c), 'C'),"
    " :body_text) "
    "ON CONFLICT (article_id) DO UPDATE SET published_at = excluded.published_at,"
    " document = excluded.document, body_text = excluded.body_text"
)


def tsquery(query: SearchQuery, tier: str = "any") -> str:
    """A ``to_tsquery`` string from the reader's words: each one a quoted lexeme, so none is
    syntax (words are letters and digits only; quotes are doubled all the same)."""
    weights = _WEIGHTS[tier]
    words = list(query.folded_words)
    terms = []
    for position, word in enumerate(words):
        quoted = "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"
        is_prefix = query.prefix_last and position == len(words) - 1
        suffix = ("*" if is_prefix else "") + weights
        terms.append(f"{quoted}:{suffix}" if suffix else quoted)
    return " & ".join(terms)


class PostgresFtsBackend:
    """The index in a side table with a GIN-indexed tsvector."""

    def count(self, connection: Connection, query: SearchQuery, now: datetime, limit: int) -> int:
        params = {"query": tsquery(query), "now": now, "limit": limit}
        return int(connection.execute(_COUNT, params).scalar_one())

    def ids_in_tier(
        self, connection: Connection, query: SearchQuery, tier: str, now: datetime, limit: int
    ) -> list[int]:
        params = {"query": tsquery(query, tier), "now": now, "limit": limit}
        return list(connection.execute(_TIER, params).scalars())

    def body_texts(self, connection: Connection, article_ids: list[int]) -> dict[int, str]:
        if not article_ids:
            return {}
        rows = connection.execute(_BODIES, {"ids": article_ids})
        return {article_id: body for article_id, body in rows}

    def upsert(self, connection: Connection, documents: list[SearchDocument]) -> None:
        if not documents:
            return
        rows = [
            {
                "article_id": d.article_id,
                "published_at": d.published_at,
                "weight_a": fold(d.title),
                "weight_b": fold(f"{d.excerpt} {d.tags}"),
                "weight_c": fold(f"{d.body} {d.author}"),
                "body_text": d.body,
            }
            for d in documents
        ]
        connection.execute(_UPSERT, rows)

    def delete(self, connection: Connection, article_ids: list[int]) -> None:
        if article_ids:
            connection.execute(_DELETE, {"ids": article_ids})

    def clear(self, connection: Connection) -> None:
        connection.execute(text("DELETE FROM article_search"))

    def indexed_ids(self, connection: Connection) -> set[int]:
        return set(connection.execute(text("SELECT article_id FROM article_search")).scalars())

    def optimize(self, connection: Connection) -> None:
        """Nothing to do: PostgreSQL keeps the GIN index itself (autovacuum analyzes)."""
