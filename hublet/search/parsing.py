"""What the reader typed, turned into words an index can match (never into query syntax).

The reader's input is cut to ``MAX_QUERY_LENGTH`` characters, stripped of control characters
(PostgreSQL rejects NUL in text) and split into words: runs of letters and digits. Quotes,
operators (``AND``, ``NEAR(``, ``*``, ``^``, ``title:``) and punctuation are never passed to
the index as syntax; the backends quote every word. The last word matches as a prefix, so
"technol" finds "technology" while the reader is still typing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

MAX_QUERY_LENGTH = 200
MAX_WORDS = 16
MIN_PREFIX_LENGTH = 2

_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class SearchQuery:
    """The reader's query, cleaned: ``text`` to echo back, ``words`` to match."""

    text: str
    words: tuple[str, ...]
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        """True when nothing searchable was typed (empty, or only symbols and emoji)."""
        return not self.words

    @property
    def prefix_last(self) -> bool:
        """Whether the last word matches as a prefix (single letters match whole words only)."""
        return bool(self.words) and len(self.words[-1]) >= MIN_PREFIX_LENGTH

    @property
    def folded_words(self) -> tuple[str, ...]:
        """The words lower-cased with accents removed ("Café" -> "cafe")."""
        return tuple(fold(word) for word in self.words)


def fold(text: str) -> str:
    """Lower-case ``text`` and remove its accents, the same way for documents and queries."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).lower()


def word_spans(text: str) -> list[re.Match[str]]:
    """The words of ``text`` with their positions (the tokenizer the highlighter uses)."""
    return list(_WORD.finditer(text))


def iter_word_spans(text: str) -> Iterator[re.Match[str]]:
    """``word_spans``, one at a time (a snippet reads a long body only up to its match)."""
    return _WORD.finditer(text)


def parse_query(raw: str | None) -> SearchQuery:
    """Clean what the reader typed; any input gives a query, never an error."""
    text = _CONTROL.sub(" ", raw or "")
    text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())
    truncated = len(text) > MAX_QUERY_LENGTH
    if truncated:
        text = text[:MAX_QUERY_LENGTH].rstrip()
    words: list[str] = []
    seen: set[str] = set()
    for match in _WORD.finditer(unicodedata.normalize("NFKC", text)):
        word = match.group().lower()
        if fold(word) not in seen:
            seen.add(fold(word))
            words.append(word)
    # Keep the last word in place: it is the one being typed and matches as a prefix.
    if len(words) > MAX_WORDS:
        words = [*words[: MAX_WORDS - 1], words[-1]]
    return SearchQuery(text=text, words=tuple(words), truncated=truncated)
