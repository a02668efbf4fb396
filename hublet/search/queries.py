"""Search reads: a page of ranked results with their cards' data, highlighted."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hublet.articles.queries import with_pictures
from hublet.extensions import db
from hublet.models import Article
from hublet.search import index
from hublet.search.highlight import highlight, snippet
from hublet.search.parsing import SearchQuery
from hublet.timeutil import utcnow

PER_PAGE = 10
LIVE_LIMIT = 6
#: Deeper than this, a reader is better served by more words than by more pages.
MAX_PAGE = 100


@dataclass(frozen=True)
class SearchResult:
    """One found article with its title and snippet highlighted."""

    article: Article
    title: Markup
    snippet: Markup | None


@dataclass(frozen=True)
class SearchResults:
    """One page of results."""

    query: SearchQuery
    items: list[SearchResult]
    page: int
    per_page: int
    total: int
    more: bool = False

    @property
    def has_next(self) -> bool:
        return self.page < MAX_PAGE and self.page * self.per_page < self.total

    @property
    def count_label(self) -> str:
        """ "1 result", "1,234 results", or "1,000+ results" past the counting limit."""
        number = f"{self.total:,}{'+' if self.more else ''}"
        return f"{number} {'result' if self.total == 1 and not self.more else 'results'}"


def search(
    query: SearchQuery, page: int = 1, per_page: int = PER_PAGE, snippets: bool = True
) -> SearchResults:
    """The ``page``-th page of articles matching ``query``, best first."""
    if query.is_empty:
        return SearchResults(query, [], page, per_page, 0)
    connection = db.session.connection()
    hits = index.find(
        connection, query, (page - 1) * per_page, per_page, utcnow(), MAX_PAGE * PER_PAGE
    )
    articles = _articles(hits.article_ids)
    bodies = (
        index.backend_for(connection).body_texts(connection, list(articles)) if snippets else {}
    )
    items = [
        SearchResult(
            article=article,
            title=highlight(article.title, query),
            snippet=_snippet(article, bodies.get(article.id, ""), query) if snippets else None,
        )
        for article in (articles[i] for i in hits.article_ids if i in articles)
    ]
    return SearchResults(query, items, page, per_page, hits.total, hits.more)


def _articles(article_ids: list[int]) -> dict[int, Article]:
    if not article_ids:
        return {}
    # By primary key alone, visibility checked here: with ``is_visible()`` in SQL, SQLite
    # walks the listing index over every published article instead of looking up ten.
    statement = (
        select(Article)
        .where(Article.id.in_(article_ids))
        .options(joinedload(Article.category), joinedload(Article.author), *with_pictures())
    )
    now = utcnow()
    return {
        article.id: article
        for article in db.session.scalars(statement)
        if article.status == "published"
        and article.published_at is not None
        and article.published_at <= now
    }


def _snippet(article: Article, body: str, query: SearchQuery) -> Markup:
    """Around the first match in the body, else the excerpt (the match was elsewhere)."""
    found = snippet(body, query)
    if found is not None:
        return found
    return highlight(article.excerpt or body[:240], query)
