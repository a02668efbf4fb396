"""search index

SQLite: FTS5 tables ``article_search`` (every field), ``article_search_head`` (title, excerpt,
tags) and ``article_search_title``, whose rowid is a publication-time sort key, and
``article_search_rowid`` mapping article ids to it. PostgreSQL: a side table ``article_search``
with a weighted tsvector (and small title and title/excerpt/tags vectors for the ranking
tiers) under GIN indexes. Both are filled here from the stored articles, and kept by
``hublet.search`` from then on (``flask reindex`` rebuilds them).

The filling is this revision's own frozen copy of the statements and of the text preparation
(tags dropped, control characters removed, accents folded for PostgreSQL) as they were when it
was written: it imports nothing from ``hublet``, so a later change to the search code or the
models never changes what upgrading through this revision does.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 11:30:00
"""
import re
import unicodedata
from datetime import datetime, timedelta
from html import unescape

import sqlalchemy as sa
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

    _fill(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS article_search_rowid")
        op.execute("DROP TABLE IF EXISTS article_search_title")
        op.execute("DROP TABLE IF EXISTS article_search_head")
    op.execute("DROP TABLE IF EXISTS article_search")


# --- Filling the new index: a frozen copy, never an import of the live search code ---

_BATCH = 1000
_MAX_BODY_CHARS = 100_000
_CONTROL_AND_MARKERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")
_TAG = re.compile(r"<[^>]*>")
_ID_BITS = 30
_EPOCH = datetime(1970, 1, 1)
_SQLITE_TABLES = {
    "article_search": ("title", "excerpt", "body", "tags", "author"),
    "article_search_head": ("title", "excerpt", "tags"),
    "article_search_title": ("title",),
}

_INDEXABLE_IDS = sa.text(
    "SELECT id FROM article "
    "WHERE status = 'published' AND published_at IS NOT NULL ORDER BY id"
)
_ARTICLES = (
    sa.text(
        "SELECT article.id, article.published_at, article.title, article.excerpt, "
        "article.body_html, author.name AS author FROM article "
        "JOIN author ON author.id = article.author_id "
        "WHERE article.id IN :ids ORDER BY article.id"
    )
    .bindparams(sa.bindparam("ids", expanding=True))
    .columns(
        id=sa.Integer,
        published_at=sa.DateTime,
        title=sa.String,
        excerpt=sa.Text,
        body_html=sa.Text,
        author=sa.String,
    )
)
_TAGS = sa.text(
    "SELECT article_tag.article_id, tag.name FROM article_tag "
    "JOIN tag ON tag.id = article_tag.tag_id "
    "WHERE article_tag.article_id IN :ids ORDER BY tag.name"
).bindparams(sa.bindparam("ids", expanding=True))
_SQLITE_INSERTS = [
    sa.text(
        f"INSERT INTO {table} (rowid, {', '.join(columns)}) "
        f"VALUES (:rowid, {', '.join(':' + c for c in columns)})"
    )
    for table, columns in _SQLITE_TABLES.items()
]
_SQLITE_INSERT_KEY = sa.text(
    "INSERT INTO article_search_rowid (article_id, doc_rowid) VALUES (:article_id, :rowid)"
)
_POSTGRES_INSERT = sa.text(
    "INSERT INTO article_search"
    " (article_id, published_at, document, title_doc, head_doc, body_text) VALUES ("
    " :article_id, :published_at,"
    " setweight(to_tsvector('simple', :weight_a), 'A')"
    " || setweight(to_tsvector('simple', :weight_b), 'B')"
    " || setweight(to_tsvector('simple', :weight_c), 'C'),"
    " to_tsvector('simple', :weight_a),"
    " to_tsvector('simple', :weight_a || ' ' || :weight_b),"
    " :body_text)"
)


def _clean(text):
    return _CONTROL_AND_MARKERS.sub("", text or "")


def _body_text(html):
    text = unescape(_TAG.sub(" ", html or ""))
    return " ".join(_clean(text).split())[:_MAX_BODY_CHARS]


def _fold(text):
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def _documents(bind, ids):
    tags = {}
    for article_id, name in bind.execute(_TAGS, {"ids": ids}):
        tags.setdefault(article_id, []).append(name)
    return [
        {
            "article_id": row.id,
            "published_at": row.published_at,
            "title": _clean(row.title),
            "excerpt": _clean(row.excerpt),
            "body": _body_text(row.body_html),
            "tags": _clean(" ".join(tags.get(row.id, []))),
            "author": _clean(row.author),
        }
        for row in bind.execute(_ARTICLES, {"ids": ids})
    ]


def _sqlite_rows(documents):
    rows = []
    for document in documents:
        seconds = (document["published_at"] - _EPOCH) // timedelta(seconds=1)
        rowid = (seconds << _ID_BITS) | document["article_id"]
        rows.append({**document, "rowid": rowid})
    return sorted(rows, key=lambda row: row["rowid"])


def _postgres_rows(documents):
    return [
        {
            "article_id": d["article_id"],
            "published_at": d["published_at"],
            "weight_a": _fold(d["title"]),
            "weight_b": _fold(f"{d['excerpt']} {d['tags']}"),
            "weight_c": _fold(f"{d['body']} {d['author']}"),
            "body_text": d["body"],
        }
        for d in documents
    ]


def _fill(bind):
    """Index every published article, in batches of ids."""
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:  # filling from empty: merge once at the end, not while inserting
        for table in _SQLITE_TABLES:
            bind.execute(sa.text(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 0)"))
    ids = list(bind.execute(_INDEXABLE_IDS).scalars())
    for start in range(0, len(ids), _BATCH):
        documents = _documents(bind, ids[start : start + _BATCH])
        if not documents:
            continue
        if sqlite:
            rows = _sqlite_rows(documents)
            for statement in _SQLITE_INSERTS:
                bind.execute(statement, rows)
            bind.execute(_SQLITE_INSERT_KEY, rows)
        else:
            bind.execute(_POSTGRES_INSERT, _postgres_rows(documents))
    if sqlite:
        for table in _SQLITE_TABLES:
            bind.execute(sa.text(f"INSERT INTO {table} ({table}) VALUES ('optimize')"))
            bind.execute(sa.text(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', 4)"))
