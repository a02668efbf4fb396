"""Matched words in ``<mark>``, around escaped text: the only markup a snippet carries."""

from __future__ import annotations

from collections import deque

from markupsafe import Markup, escape

from hublet.search.parsing import SearchQuery, fold, iter_word_spans, word_spans

SNIPPET_WORDS = 32
WORDS_BEFORE_MATCH = 8


def _matcher(query: SearchQuery):
    words = query.folded_words
    exact = set(words[:-1] if query.prefix_last else words)
    prefix = words[-1] if query.prefix_last else None

    def matches(word: str) -> bool:
        folded = fold(word)
        return folded in exact or (prefix is not None and folded.startswith(prefix))

    return matches


def highlight(text: str, query: SearchQuery) -> Markup:
    """``text`` escaped, with the words the query matches wrapped in ``<mark>``."""
    return _render(text, 0, len(text), query)


def _render(text: str, start: int, end: int, query: SearchQuery) -> Markup:
    matches = _matcher(query)
    parts: list[str] = []
    position = start
    for span in word_spans(text[start:end]):
        word_start, word_end = start + span.start(), start + span.end()
        if matches(span.group()):
            parts.append(escape(text[position:word_start]))
            parts.append(Markup("<mark>%s</mark>") % text[word_start:word_end])
            position = word_end
    parts.append(escape(text[position:end]))
    return Markup("").join(parts)


def snippet(text: str, query: SearchQuery, length: int = SNIPPET_WORDS) -> Markup | None:
    """A few dozen words of ``text`` around its first match, highlighted; None if no match."""
    matches = _matcher(query)
    recent: deque[int] = deque(maxlen=WORDS_BEFORE_MATCH + 1)
    spans = iter_word_spans(text)
    for span in spans:
        recent.append(span.start())
        if matches(span.group()):
            break
    else:
        return None
    start = recent[0] if len(recent) > WORDS_BEFORE_MATCH else 0
    end, taken = span.end(), len(recent)
    for span in spans:
        if taken >= length:
            break
        end, taken = span.end(), taken + 1
    else:
        end = len(text)  # the text ends within the snippet: show all of it
    body = _render(text, start, end, query)
    prefix = Markup("… ") if start > 0 else Markup("")
    suffix = Markup(" …") if end < len(text) else Markup("")
    return prefix + body + suffix
