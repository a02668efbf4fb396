"""SQLite FTS5 backend.

Three FTS5 tables (``unicode61 remove_diacritics 2``: "cafe" finds "café"), one per ranking
tier, so that no tier needs a column filter (which makes FTS5 read the positions of every
match): ``article_search_title`` (title), ``article_search_head`` (title, excerpt, tag names)
and ``article_search`` (title, excerpt, body text, tag names, author name; it keeps the body
text, which exists nowhere else without markup, for snippets).

Their rowid is a sort key, not the article id: the publication second shifted left 30 bits,
plus the article id. FTS5 walks a match list in rowid order and stops at the ``LIMIT``, so
"newest first" needs no sort, and "published_at <= now" is a rowid range, so visibility needs
no join. ``article_search_rowid`` maps article id to the current key for updates and deletes.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from operator import itemgetter

from sqlalchemy import Connection, bindparam, text

from hublet.search.documents import SearchDocument
from hublet.search.parsing import SearchQuery

ID_BITS = 30
_EPOCH = datetime(1970, 1, 1)
_TOKENIZE = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'"
#: Each table and its columns; the first is the main one.
TABLES = {
    "article_search": ("title", "excerpt", "body", "tags", "author"),
    "article_search_head": ("title", "excerpt", "tags"),
    "article_search_title": ("title",),
}
_TIER_TABLES = {
    "title": "article_search_title",
    "head": "article_search_head",
    "any": "article_search",
}


def create_statement(table: str) -> str:
    """The CREATE statement of one of the FTS tables (the migration writes the same)."""
    return f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(TABLES[table])}, {_TOKENIZE})"


def _ids(name: str):
    return bindparam(name, expanding=True)


_COUNT = text(
    "SELECT count(*) FROM (SELECT 1 FROM article_search "
    "WHERE article_search MATCH :match AND rowid < :until LIMIT :limit)"
)
_TIER = {
    tier: text(
        f"SELECT rowid FROM {table} WHERE {table} MATCH :match AND rowid < :until "
        "ORDER BY rowid DESC LIMIT :limit"
    )
    for tier, table in _TIER_TABLES.items()
}
_BODIES = text(
    "SELECT m.article_id, s.body FROM article_search_rowid AS m "
    "JOIN article_search AS s ON s.rowid = m.doc_rowid WHERE m.article_id IN :ids"
).bindparams(_ids("ids"))
_OLD_ROWIDS = text(
    "SELECT doc_rowid FROM article_search_rowid WHERE article_id IN :ids"
).bindparams(_ids("ids"))
_DELETE_DOCS = [
    text(f"DELETE FROM {table} WHERE rowid IN :rowids").bindparams(_ids("rowids"))
    for table in TABLES
]
_DELETE_KEYS = text("DELETE FROM article_search_rowid WHERE article_id IN :ids").bindparams(
    _ids("ids")
)
_INSERT_DOCS = [
    text(
        f"INSERT INTO {table} (rowid, {', '.join(columns)}) "
        f"VALUES (:rowid, {', '.join(':' + c for c in columns)})"
    )
    for table, columns in TABLES.items()
]
_INSERT_KEY = text(
    "INSERT INTO article_search_rowid (article_id, doc_rowid) VALUES (:article_id, :rowid)"
)


def _seconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(seconds=1)


def doc_rowid(article_id: int, published_at: datetime) -> int:
    """The sort key of an article in the FTS tables."""
    if not 0 < article_id < (1 << ID_BITS):
        raise ValueError(f"article id {article_id} does not fit the search key")
    return (_seconds(published_at) << ID_BITS) | article_id


def _visible_until(now: datetime) -> int:
    """Rowids below this belong to articles published at or before ``now`` (to the second)."""
    return (_seconds(now) + 1) << ID_BITS


def match_expression(query: SearchQuery) -> str:
    """An FTS5 query from the reader's words: each one quoted, so none is syntax."""
    phrases = [f'"{word}"' for word in query.words]
    if query.prefix_last:
        phrases[-1] += "*"
    return " ".join(phrases)


class SqliteFtsBackend:
    """The index in FTS5 tables."""

    def count(self, connection: Connection, query: SearchQuery, now: datetime, limit: int) -> int:
        params = {"match": match_expression(query), "until": _visible_until(now), "limit": limit}
        return int(connection.execute(_COUNT, params).scalar_one())

    def ids_in_tier(
        self, connection: Connection, query: SearchQuery, tier: str, now: datetime, limit: int
    ) -> list[int]:
        params = {"match": match_expression(query), "until": _visible_until(now), "limit": limit}
        mask = (1 << ID_BITS) - 1
        return [rowid & mask for rowid in connection.execute(_TIER[tier], params).scalars()]

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
            key=itemgetter("rowid"),
        )
        for statement in _INSERT_DOCS:
            connection.execute(statement, rows)
        connection.execute(_INSERT_KEY, rows)

    def delete(self, connection: Connection, article_ids: list[int]) -> None:
        if not article_ids:
            return
        rowids = list(connection.execute(_OLD_ROWIDS, {"ids": article_ids}).scalars())
        if rowids:
            for statement in _DELETE_DOCS:
                connection.execute(statement, {"rowids": rowids})
            connection.execute(_DELETE_KEYS, {"ids": article_ids})

    def clear(self, connection: Connection) -> None:
        # Dropping and recreating is instant; a DELETE makes FTS5 un-index every document
        # (about 25 s for 100,000 articles).
        for table in TABLES:
            connection.execute(text(f"DROP TABLE IF EXISTS {table}"))
            connection.execute(text(create_statement(table)))
            # Filling from empty: merge once at the end (``optimize``), not while inserting.
            connection.execute(text(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 0)"))
        connection.execute(text("DELETE FROM article_search_rowid"))

    def indexed_ids(self, connection: Connection) -> set[int]:
        mask = (1 << ID_BITS) - 1
        held = None
        for table in TABLES:
            keys = set(connection.execute(text(f"SELECT rowid FROM {table}")).scalars())
            held = keys if held is None else held & keys
        rows = connection.execute(text("SELECT article_id, doc_rowid FROM article_search_rowid"))
        mapped = {article_id: rowid for article_id, rowid in rows}
        # A document missing from a table, or without its mapping, is not held.
        return {key & mask for key in held or set() if mapped.get(key & mask) == key}

    def optimize(self, connection: Connection) -> None:
        """Merge each table's segments into one (after a rebuild); later writes merge as usual."""
        for table in TABLES:
            connection.execute(text(f"INSERT INTO {table} ({table}) VALUES ('optimize')"))
            connection.execute(text(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 4)"))
