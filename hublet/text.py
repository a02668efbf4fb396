"""Text helpers every part of the site makes the same way: slugs and excerpts.

One definition each, so that a slug the demo seeds, a slug an importer makes and an excerpt an
importer writes follow the same rules.
"""

from __future__ import annotations

import re
import unicodedata

from hublet.sanitize import html_to_text

_NOT_SLUG = re.compile(r"[\W_]+")


def slugify(text: str, fallback: str = "item", max_length: int = 140) -> str:
    """'Élections à Paris!' -> 'elections-a-paris'; accents go, other scripts stay
    ('東京の天気' -> '東京の天気', as WordPress does); hyphens between words; never empty."""
    slug = _NOT_SLUG.sub("-", "".join(map(_unaccented, text.lower()))).strip("-")
    return slug[:max_length].strip("-") or fallback


def _unaccented(char: str) -> str:
    """'é' -> 'e'; a character whose base is not ASCII ('で', 'ß') stays as it is."""
    base = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in base if not unicodedata.combining(c))
    return stripped if stripped.isascii() else char


def make_excerpt(html: str, words: int = 40) -> str:
    """The first words of a body's text, for cards."""
    parts = html_to_text(html).split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
