"""Read the old site's permalink structure from its export, where it shows.

A WXR file does not carry ``permalink_structure``, but every published post's ``<link>`` is
its permalink: laid beside the post's date, slug, id, categories and author, it shows the
structure (``https://site/2024/05/03/my-slug/`` -> ``/%year%/%monthnum%/%day%/%postname%/``;
``https://site/?p=12`` -> plain, stored as ""). Each post votes; the most common answer wins,
so one post whose numbers happen to coincide does not decide.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from urllib.parse import unquote, urlsplit

from hublet.text import slugify

_DATE_TAGS = ("year", "monthnum", "day", "hour", "minute", "second")
_DIGITS = re.compile(r"(?<![0-9])[0-9]+(?![0-9])")
_TAGGED = re.compile(r"(%[a-z_]+%)")


def _date_values(date: datetime) -> list[tuple[str, str]]:
    return list(
        zip(
            _DATE_TAGS,
            (
                f"{date.year:04d}",
                f"{date.month:02d}",
                f"{date.day:02d}",
                f"{date.hour:02d}",
                f"{date.minute:02d}",
                f"{date.second:02d}",
            ),
            strict=True,
        )
    )


def structure_of(
    link: str,
    *,
    post_id: int,
    slug: str,
    date: datetime | None,
    categories: set[str],
    author: str,
) -> str | None:
    """The structure one post's ``link`` shows: "" for plain, None when it shows nothing."""
    parts = urlsplit(link.strip())
    if re.search(rf"(?:^|&)p={post_id}(?:&|$)", parts.query):
        return ""
    segments = [unquote(segment) for segment in parts.path.split("/")]
    dates = _date_values(date) if date is not None else []
    author_slug = slugify(author, "") if author else ""
    found: list[str] = []
    used_id = False
    for segment in segments:
        if not segment:
            found.append(segment)
            continue
        if slug and slug in segment:
            segment = segment.replace(slug, "%postname%", 1)
        elif segment in categories:
            found.append("%category%")
            continue
        elif author_slug and slugify(segment, "") == author_slug:
            found.append("%author%")
            continue
        pieces = []
        for piece in _TAGGED.split(segment):
            if piece.startswith("%"):
                pieces.append(piece)
                continue

            def tag(number: re.Match[str]) -> str:
                nonlocal used_id, dates
                text = number.group(0)
                if not used_id and text == str(post_id):
                    used_id = True
                    return "%post_id%"
                for index, (name, value) in enumerate(dates):
                    if text == value:
                        dates = dates[index + 1 :]  # date tags come in their order
                        return f"%{name}%"
                return text

            pieces.append(_DIGITS.sub(tag, piece))
        found.append("".join(pieces))
    merged = [  # nested categories (parent/child) are one %category%
        part
        for index, part in enumerate(found)
        if not (part == "%category%" and index and found[index - 1] == "%category%")
    ]
    structure = "/".join(merged)
    if "%postname%" not in structure and "%post_id%" not in structure:
        return None
    return structure if structure.startswith("/") else "/" + structure


class PermalinkVotes:
    """The structures the published posts' links show, counted; ``winner`` is the answer."""

    def __init__(self) -> None:
        self.votes: Counter[str] = Counter()

    def add(self, structure: str | None) -> None:
        if structure is not None:
            self.votes[structure] += 1

    @property
    def winner(self) -> str | None:
        return self.votes.most_common(1)[0][0] if self.votes else None
