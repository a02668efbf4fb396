"""The search index behind one small interface, with a backend per database.

Ranking: relevance first, in three tiers (every word in the title; every word in the title,
excerpt or tags; anywhere), newest first within a tier. Each tier is read newest-first with a
limit, so a query costs about the same on 300 articles as on 100,000, however many match.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import Connection

from hublet.search.documents import SearchDocument, iter_all_documents, load_documents
from hublet.search.parsing import SearchQuery

#: Tiers in rank order: the columns (weights) where every word must be found.
TIERS = ("title", "head", "any")


@dataclass(frozen=True)
class Hits:
    """One page of matches: article ids in rank order, and how many match in all (counted up
    to the ``count_limit`` given to ``find``; ``more`` says there are more than that)."""

    article_ids: list[int]
    total: int
    more: bool = False


class SearchBackend(Protocol):
    """What a database must do to hold the index."""

    def count(self, connection: Connection, query: SearchQuery, now: datetime, limit: int) -> int:
        """How many visible articles match every word, counting no further than ``limit``."""
        ...

    def ids_in_tier(
        self, connection: Connection, query: SearchQuery, tier: str, now: datetime, limit: int
    ) -> list[int]:
        """Up to ``limit`` visible matching article ids for the tier, newest first."""
        ...

    def body_texts(self, connection: Connection, article_ids: list[int]) -> dict[int, str]:
        """The indexed body text of those articles (for snippets)."""
        ...

    def upsert(self, connection: Connection, documents: list[SearchDocument]) -> None:
        """Put these documents in the index, replacing what it held for them."""
        ...

    def delete(self, connection: Connection, article_ids: list[int]) -> None:
        """Remove those articles from the index."""
        ...

    def clear(self, connection: Connection) -> None:
        """Empty the index."""
        ...

    def optimize(self, connection: Connection) -> None:
        """Tidy the index after a rebuild."""
        ...

    def indexed_ids(self, connection: Connection) -> set[int]:
        """The ids of the articles the index holds."""
        ...


def backend_for(connection: Connection) -> SearchBackend:
    """The backend for the connection's database."""
    if connection.dialect.name == "sqlite":
        from hublet.search.sqlite_fts import SqliteFtsBackend

        return SqliteFtsBackend()
    if connection.dialect.name == "postgresql":
        from hublet.search.postgres_fts import PostgresFtsBackend

        return PostgresFtsBackend()
    raise RuntimeError(f"search has no backend for {connection.dialect.name}")


def find(
    connection: Connection,
    query: SearchQuery,
    offset: int,
    limit: int,
    now: datetime,
    count_limit: int = 1000,
) -> Hits:
    """The ids of matches ``offset`` .. ``offset + limit`` in rank order, and the total.

    Counting every match of a common word costs more than finding the first ten, so the count
    stops past ``count_limit`` (no reader pages through more than that).
    """
    if query.is_empty:
        return Hits([], 0)
    backend = backend_for(connection)
    counted = backend.count(connection, query, now, count_limit + 1)
    total, more = min(counted, count_limit), counted > count_limit
    need = offset + limit
    ranked: list[int] = []
    seen: set[int] = set()
    for tier in TIERS:
        if len(ranked) >= min(need, total):
            break
        # Each tier holds the ones before it; all their ids are in ``seen`` (a tier is only
        # left when exhausted), so asking for that many more leaves enough after removal.
        for article_id in backend.ids_in_tier(
            connection, query, tier, now, need - len(ranked) + len(seen)
        ):
            if article_id not in seen:
                seen.add(article_id)
                ranked.append(article_id)
    return Hits(ranked[offset:need], total, more)


def sync_articles(connection: Connection, article_ids: Iterable[int]) -> None:
    """Make the index match the stored state of those articles (added, changed or gone)."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    backend = backend_for(connection)
    documents = load_documents(connection, ids)
    indexed = {document.article_id for document in documents}
    backend.delete(connection, [i for i in ids if i not in indexed])
    backend.upsert(connection, documents)


def rebuild(connection: Connection) -> int:
    """Empty the index and fill it from every published article; returns how many."""
    backend = backend_for(connection)
    backend.clear(connection)
    count = 0
    for batch in iter_all_documents(connection):
        backend.upsert(connection, batch)
        count += len(batch)
    backend.optimize(connection)
    return count


def check_index() -> list[str]:
    """Problems with the index (``flask check``): articles missing from it or left in it."""
    from sqlalchemy import select

    from hublet.extensions import db
    from hublet.models import Article

    connection = db.session.connection()
    wanted = set(
        connection.execute(
            select(Article.id).where(
                Article.status == "published", Article.published_at.is_not(None)
            )
        ).scalars()
    )
    held = backend_for(connection).indexed_ids(connection)
    problems = []
    if wanted - held:
        problems.append(f"{len(wanted - held)} published article(s) missing from the index")
    if held - wanted:
        problems.append(f"{len(held - wanted)} article(s) in the index that should not be")
    if problems:
        problems.append("run `flask reindex`")
    return problems
