"""search index

SQLite: FTS5 tables ``article_search`` (every field), ``article_search_head`` (title, excerpt,
tags) and ``article_search_title``, whose rowid is a publication-time sort key, and
``article_search_rowid`` mapping article ids to it. PostgreSQL: a side table ``article_search``
with a weighted tsvector (and small title and title/excerpt/tags vectors for the ranking
tiers) under GIN indexes. Both are filled from the stored articles here, and
kept by ``hublet.search`` from then on (``flask reindex`` rebuilds them).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 11:30:00
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        fts = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4'"
        op.execute(
            "CREATE VIRTUAL TABLE article_search USING fts5("
            f"title, excerpt, body, tags, author, {fts})"
        )
        op.execute(f"CREATE VIRTUAL TABLE article_search_head USING fts5(title, excerpt, tags, {fts})")
        op.execute(f"CREATE VIRTUAL TABLE article_search_title USING fts5(title, {fts})")
        op.execute(
            "CREATE TABLE article_search_rowid ("
            "article_id INTEGER NOT NULL PRIMARY KEY, "
            "doc_rowid INTEGER NOT NULL UNIQUE)"
        )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE TABLE article_search ("
            "article_id INTEGER NOT NULL PRIMARY KEY "
            "REFERENCES article (id) ON DELETE CASCADE, "
            "published_at TIMESTAMP WITHOUT TIME ZONE NOT NULL, "
            "document TSVECTOR NOT NULL, "
            "title_doc TSVECTOR NOT NULL, "
            "head_doc TSVECTOR NOT NULL, "
            "body_text TEXT NOT NULL DEFAULT '')"
        )
        op.execute("CREATE INDEX ix_article_search_document ON article_search USING gin (document)")
        op.execute("CREATE INDEX ix_article_search_title ON article_search USING gin (title_doc)")
        op.execute("CREATE INDEX ix_article_search_head ON article_search USING gin (head_doc)")
        op.execute(
            "CREATE INDEX ix_article_search_published "
            "ON article_search (published_at DESC, article_id DESC)"
        )
    else:
        raise NotImplementedError(f"no search index for {bind.dialect.name}")

    from hublet.search.index import rebuild

    rebuild(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS article_search_rowid")
        op.execute("DROP TABLE IF EXISTS article_search_title")
        op.execute("DROP TABLE IF EXISTS article_search_head")
    op.execute("DROP TABLE IF EXISTS article_search")
