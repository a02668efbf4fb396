"""SQLite FTS5 backend.

``article_search`` is an FTS5 table (``unicode61 remove_diacritics 2``: "cafe" finds "café")
over title, excerpt, body text, tag names and author name. It stores its own copy of the text
(the body text without markup exists nowhere else, and FTS5's snippet text comes from it).

Its rowid is a sort key, not the article id: the publication second shifted left 30 bits, plus
the article id. FTS5 walks a match list in rowid order and stops at the ``LIMIT``, so
"newest first" needs no sort, and "published_at <= now" is a rowid range, so visibility needs
no join. ``article_search_rowid`` maps article id to the current key for updates and deletes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, text

from hublet.search.documents import SearchDocument
from hublet.search.query import SearchQuery

ID_BITS = 30
_EPOCH = datetime(1970, 1, 1)
_COLUMNS = {"title": "{title} : ", "head": "{title excerpt tags} : ", "any": ""}

_COUNT = text(
    "SELECT count(*) FROM article_search WHERE article_search MATCH :match AND rowid < :until"
)
_TIER = text(
    "SELECT rowid FROM article_search WHERE article_search MATCH :match AND rowid < :until "
    "ORDER BY rowid DESC LIMIT :limit"
)
_BODIES = text(
    "SELECT m.article_id, s.body FROM article_search_rowid AS m "
    "JOIN article_search AS s ON s.rowid = m.doc_rowid WHERE m.article_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_OLD_ROWIDS = text(
    "SELECT doc_rowid FROM article_search_rowid WHERE article_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_DELETE_DOCS = text("DELETE FROM article_search WHERE rowid IN :rowids").bindparams(
    bindparam("rowids", expanding=True)
)
_DELETE_KEYS = text("DELETE FROM article_search_rowid WHERE article_id IN :ids").bindparams(
    bindparam("ids", expanding=True)
)
_INSERT_DOC = text(
    "INSERT INTO article_search (rowid, title, excerpt, body, tags, author) "
    "VALUES (:rowid, :title, :excerpt, :body, :tags, :author)"
)
_INSERT_KEY = text(
    "INSERT INTO article_search_rowid (article_id, doc_rowid) VALUES (:article_id, :rowid)"
)


def _seconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(seconds=1)


def doc_rowid(article_id: int, published_at: datetime) -> int:
    """The sort key of an article in the FTS table."""
    if not 0 < article_id < (1 << ID_BITS):
        raise ValueError(f"article id {article_id} does not fit the search key")
    return (_seconds(published_at) << ID_BITS) | article_id


def _visible_until(now: datetime) -> int:
    """Rowids below this belong to articles published at or before ``now`` (to the second)."""
    return (_seconds(now) + 1) << ID_BITS


def match_expression(query: SearchQuery, tier: str = "any") -> str:
    """An FTS5 query from the reader's words: each one quoted, so none is syntax."""
    phrases = [f'"{word}"' for word in query.words]
    if query.prefix_last:
        phrases[-1] += "*"
    return f"{_COLUMNS[tier]}({' '.join(phrases)})"


class SqliteFtsBackend:
    """The index in an FTS5 table."""

    def count(self, connection: Connection, query: SearchQuery, now: datetime) -> int:
        params = {"match": match_expression(query), "until": _visible_until(now)}
        return int(connection.execute(_COUNT, params).scalar_one())

    def ids_in_tier(
        self, connection: Connection, query: SearchQuery, tier: str, now: datetime, limit: int
    ) -> list[int]:
        params = {
            "match": match_expression(query, tier),
            "until": _visible_until(now),
            "limit": limit,
        }
        mask = (1 << ID_BITS) - 1
        return [rowid & mask for rowid in connection.execute(_TIER, params).scalars()]

    def body_texts(self, connection: Connection, article_ids: list[int]) -> dict[int, str]:
        if not article_ids:
            return {}
        rows = connection.execute(_BODIES, {"ids": article_ids})
        return {article_id: body for article_id, body in rows}

    def upsert(self, connection: Connection, documents: list[SearchDocument]) -> None:
        if not documents:
            return
        self.delete(connection, [d.article_id for d in documents])
        rows = sorted(
            (
                {
                    "rowid": doc_rowid(d.article_id, d.published_at),
                    "article_id": d.article_id,
                    "title": d.title,
                    "excerpt": d.excerpt,
                    "body": d.body,
                    "tags": d.tags,
                    "author": d.author,
                }
                for d in documents
            ),
            key=lambda row: row["rowid"],
        )
        connection.execute(_INSERT_DOC, rows)
        connection.execute(_INSERT_KEY, rows)

    def delete(self, connection: Connection, article_ids: list[int]) -> None:
        if not article_ids:
            return
        rowids = list(connection.execute(_OLD_ROWIDS, {"ids": article_ids}).scalars())
        if rowids:
            connection.execute(_DELETE_DOCS, {"rowids": rowids})
            connection.execute(_DELETE_KEYS, {"ids": article_ids})

    def clear(self, connection: Connection) -> None:
        # Dropping and recreating (as the migration defined it) is instant; a DELETE makes
        # FTS5 un-index every document, about 25 s for 100,000 articles.
        definition = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'article_search'")
        ).scalar_one()
        connection.execute(text("DROP TABLE article_search"))
        connection.execute(text(definition))
        connection.execute(text("DELETE FROM article_search_rowid"))
        # Filling from empty: merge once at the end (``optimize``) instead of while inserting.
        connection.execute(
            text("INSERT INTO article_search (article_search, rank) VALUES ('automerge', 0)")
        )

    def indexed_ids(self, connection: Connection) -> set[int]:
        mask = (1 << ID_BITS) - 1
        keys = set(connection.execute(text("SELECT rowid FROM article_search")).scalars())
        rows = connection.execute(text("SELECT article_id, doc_rowid FROM article_search_rowid"))
        mapped = {article_id: rowid for article_id, rowid in rows}
        # A document without its mapping, or a mapping without its document, is not held.
        return {key & mask for key in keys if mapped.get(key & mask) == key}

    def optimize(self, connection: Connection) -> None:
        """Merge the FTS segments into one (after a rebuild); later writes merge as they go."""
        connection.execute(text("INSERT INTO article_search (article_search) VALUES ('optimize')"))
        connection.execute(
            text("INSERT INTO article_search (article_search, rank) VALUES ('automerge', 4)")
        )
