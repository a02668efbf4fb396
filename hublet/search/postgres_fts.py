"""PostgreSQL full-text backend.

``article_search`` is a side table kept by this code: one row per published article with its
publication time, a weighted ``tsvector`` (title A; excerpt and tags B; body and author C) under
a GIN index, and the body text for snippets. Two small tsvectors, ``title_doc`` (title) and
``head_doc`` (title, excerpt, tags), each under its own GIN index, serve the first two ranking
tiers: a weight-restricted query on ``document`` would make PostgreSQL read (and detoast) the
big vector of every article matching the word anywhere, to find the few with it in the title.

The ``simple`` configuration (no stemming, no stop words) matches the way SQLite's tokenizer
sees words, and accents are folded in Python before ``to_tsvector`` and for queries, so no
extension (``unaccent``) is needed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, bindparam, text

from hublet.search.documents import SearchDocument
from hublet.search.parsing import SearchQuery, fold

_COLUMNS = {"title": "title_doc", "head": "head_doc", "any": "document"}

_COUNT = text(
    "SELECT count(*) FROM (SELECT 1 FROM article_search "
    "WHERE document @@ to_tsquery('simple', :query) AND published_at <= :now LIMIT :limit) AS m"
)
#: Past this many matches, reading newest-first and filtering finds a page at once; below it,
#: the GIN index gathers the few matches and they are sorted. (The planner cannot tell the
#: two apart for words missing from its statistics, and guesses wrong both ways.)
DENSE = 1000

_TIER_COUNT = {
    tier: text(
        "SELECT count(*) FROM (SELECT 1 FROM article_search "
        f"WHERE {column} @@ to_tsquery('simple', :query) AND published_at <= :now "
        "LIMIT :limit) AS m"
    )
    for tier, column in _COLUMNS.items()
}
_TIER_DENSE = {
    tier: text(
        "SELECT article_id FROM article_search "
        f"WHERE {column} @@ to_tsquery('simple', :query) AND published_at <= :now "
        "ORDER BY published_at DESC, article_id DESC LIMIT :limit"
    )
    for tier, column in _COLUMNS.items()
}
_TIER_SPARSE = {
    tier: text(
        "WITH matched AS MATERIALIZED (SELECT article_id, published_at FROM article_search "
        f"WHERE {column} @@ to_tsquery('simple', :query) AND published_at <= :now) "
        "SELECT article_id FROM matched "
        "ORDER BY published_at DESC, article_id DESC LIMIT :limit"
    )
    for tier, column in _COLUMNS.items()
}
_BODIES = text(
    "SELECT article_id, body_text FROM article_search WHERE article_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_DELETE = text("DELETE FROM article_search WHERE article_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_UPSERT = text(
    "INSERT INTO article_search"
    " (article_id, published_at, document, title_doc, head_doc, body_text) VALUES ("
    " :article_id, :published_at,"
    " setweight(to_tsvector('simple', :weight_a), 'A')"
    " || setweight(to_tsvector('simple', :weight_b), 'B')"
    " || setweight(to_tsvector('simple', :weight_c), 'C'),"
    " to_tsvector('simple', :weight_a),"
    " to_tsvector('simple', :weight_a || ' ' || :weight_b),"
    " :body_text) "
    "ON CONFLICT (article_id) DO UPDATE SET published_at = excluded.published_at,"
    " document = excluded.document, title_doc = excluded.title_doc,"
    " head_doc = excluded.head_doc, body_text = excluded.body_text"
)


def tsquery(query: SearchQuery) -> str:
    """A ``to_tsquery`` string from the reader's words: each one a quoted lexeme, so none is
    syntax (words are letters and digits only; quotes are doubled all the same)."""
    words = list(query.folded_words)
    terms = []
    for position, word in enumerate(words):
        quoted = "'" + word.replace("'", "''").replace("\\", "\\\\") + "'"
        is_prefix = query.prefix_last and position == len(words) - 1
        terms.append(f"{quoted}:*" if is_prefix else quoted)
    return " & ".join(terms)


class PostgresFtsBackend:
    """The index in a side table with a GIN-indexed tsvector."""

    def count(self, connection: Connection, query: SearchQuery, now: datetime, limit: int) -> int:
        params = {"query": tsquery(query), "now": now, "limit": limit}
        return int(connection.execute(_COUNT, params).scalar_one())

    def ids_in_tier(
        self, connection: Connection, query: SearchQuery, tier: str, now: datetime, limit: int
    ) -> list[int]:
        params = {"query": tsquery(query), "now": now, "limit": DENSE}
        matched = connection.execute(_TIER_COUNT[tier], params).scalar_one()
        statement = (_TIER_DENSE if matched >= DENSE else _TIER_SPARSE)[tier]
        return list(connection.execute(statement, {**params, "limit": limit}).scalars())

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
        # Databases migrated with an early draft of revision 0002 lack the tier vectors.
        for column, index_name in (
            ("title_doc", "ix_article_search_title"),
            ("head_doc", "ix_article_search_head"),
        ):
            connection.execute(
                text(f"ALTER TABLE article_search ADD COLUMN IF NOT EXISTS {column} TSVECTOR")
            )
            connection.execute(
                text(
                    f"CREATE INDEX IF NOT EXISTS {index_name} "
                    f"ON article_search USING gin ({column})"
                )
            )

    def indexed_ids(self, connection: Connection) -> set[int]:
        return set(connection.execute(text("SELECT article_id FROM article_search")).scalars())

    def optimize(self, connection: Connection) -> None:
        """Nothing to do: PostgreSQL keeps the GIN index itself (autovacuum analyzes)."""
