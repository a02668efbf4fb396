"""Signals that let features follow each other's writes without importing each other.

The search index and the caches subscribe; the seeders, importers and services send.
"""

from blinker import Namespace

_signals = Namespace()

#: Many articles were written at once (seed, import); listeners rebuild what they derive.
articles_bulk_changed = _signals.signal("articles-bulk-changed")

#: One article was created, edited, published, unpublished or deleted. Sender: the article id.
article_changed = _signals.signal("article-changed")

#: A comment's visibility changed (posted, approved, spammed, trashed, deleted).
comment_changed = _signals.signal("comment-changed")
