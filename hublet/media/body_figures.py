"""Body figures: a story's ``<img src="/media/<key>">`` made responsive when it is saved.

A writer puts a library picture in a body by its address (Markdown ``![alt](/media/…)`` or
HTML). On save, each such image gets the ``srcset`` of that picture's WebP files, ``sizes``
for the story column, ``width``/``height``, ``loading="lazy"`` and ``decoding="async"``; alone
in a paragraph and with a caption or credit, it becomes a ``<figure>`` with a
``<figcaption>`` and the credit. An image whose address is no library file is left alone.

Where it runs, and why there: in the model's sanitizing gate (``hublet.models``), as a step
the media feature registers (:func:`init_app`). Every writer (the newsroom, the importers, the
seed, the CLI, any ORM write) passes that gate, so every body gets its figures, and the gate
sends the step's output through ``hublet.sanitize`` once more: the stored HTML is always the
sanitizer's output, never this module's. The step reads pictures with Core on the flush's own
connection (the ORM session cannot query in the middle of a flush), and it reads the HTML the
sanitizer has just written (quoted attributes, escaped text), so the patterns below meet only
well-formed markup. A Core insert (the JSONL restore) restores bodies that were stepped
when first saved.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from flask import Flask
from sqlalchemy import Connection, select

from hublet.media.rendering import PictureRecord, VariantRecord, image_sources
from hublet.models import Picture, PictureVariant, add_body_step

#: The story column: the article page's main column (static/css/hublet.css ``.layout``: a
#: 1200 px container with 1 rem padding, a 320 px sidebar and a 2 rem gap from 960 px up).
BODY_SIZES = "(min-width: 1200px) 816px, (min-width: 960px) calc(100vw - 384px), calc(100vw - 2rem)"

# The sanitizer writes every attribute value in double quotes, with ``"`` escaped inside.
_IMG = re.compile(r"<img\b(?:[^>\"]|\"[^\"]*\")*>", re.IGNORECASE)
_ALONE_IN_PARAGRAPH = re.compile(r"<p>\s*(<img\b(?:[^>\"]|\"[^\"]*\")*>)\s*</p>", re.IGNORECASE)
_MEDIA_SRC = re.compile(r"/media/([A-Za-z0-9_-][A-Za-z0-9._-]{0,79})")
_ORDER = ("src", "srcset", "sizes", "width", "height", "alt", "loading", "decoding")


class _Tag(HTMLParser):
    """The attributes of one start tag, decoded."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: dict[str, str] = {}
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes = {name: value or "" for name, value in attrs}


def _key_of(tag: str) -> str | None:
    match = _MEDIA_SRC.fullmatch(_Tag(tag).attributes.get("src", "").strip())
    return match.group(1) if match else None


def pictures_by_key(connection: Connection, keys: set[str]) -> dict[str, PictureRecord]:
    """Each key's picture with all its files, in one statement (a key is any of its files)."""
    variant, picture = PictureVariant.__table__, Picture.__table__
    named = select(variant.c.picture_id).where(variant.c.key.in_(sorted(keys)))
    rows = connection.execute(
        select(
            picture.c.id,
            picture.c.width,
            picture.c.height,
            picture.c.format,
            picture.c.alt,
            picture.c.caption,
            picture.c.credit,
            variant.c.key,
            variant.c.width.label("variant_width"),
            variant.c.height.label("variant_height"),
            variant.c.format.label("variant_format"),
        )
        .join(variant, variant.c.picture_id == picture.c.id)
        .where(picture.c.id.in_(named))
    ).all()
    files: dict[int, list[VariantRecord]] = {}
    heads, owner = {}, {}
    for row in rows:
        heads[row.id] = row
        owner[row.key] = row.id
        files.setdefault(row.id, []).append(
            VariantRecord(row.key, row.variant_width, row.variant_height, row.variant_format)
        )
    records = {
        pid: PictureRecord(
            h.width, h.height, h.format, h.alt, h.caption, h.credit, tuple(files[pid])
        )
        for pid, h in heads.items()
    }
    return {key: records[owner[key]] for key in keys if key in owner}


def _responsive(tag: str, picture: PictureRecord) -> str:
    """The ``<img>`` with the picture's sources; the writer's alt text wins over the library's."""
    attributes = _Tag(tag).attributes
    sources = image_sources(picture)
    attributes.update(
        src=sources.src,
        srcset=sources.srcset,
        sizes=BODY_SIZES,
        width=str(sources.width),
        height=str(sources.height),
        loading="lazy",
        decoding="async",
    )
    attributes["alt"] = attributes.get("alt", "").strip() or picture.alt
    names = [n for n in _ORDER if n in attributes] + [n for n in attributes if n not in _ORDER]
    return "<img " + " ".join(f'{n}="{escape(attributes[n])}"' for n in names) + ">"


def _figcaption(picture: PictureRecord) -> str:
    credit = f' <span class="credit">Credit: {escape(picture.credit)}</span>'
    return f"<figcaption>{escape(picture.caption)}{credit if picture.credit else ''}</figcaption>"


def responsive_body(html: str, connection: Connection) -> str:
    """``html`` (sanitized) with its library pictures made responsive; unchanged, and no
    statement run, when it shows none."""
    keys = {key for key in map(_key_of, _IMG.findall(html or "")) if key}
    if not keys:
        return html
    pictures = pictures_by_key(connection, keys)
    if not pictures:
        return html

    def figure(match: re.Match[str]) -> str:
        picture = pictures.get(_key_of(match.group(1)) or "")
        if picture is None or not (picture.caption or picture.credit):
            return match.group(0)
        return f'<figure class="picture">{match.group(1)}{_figcaption(picture)}</figure>'

    def image(match: re.Match[str]) -> str:
        picture = pictures.get(_key_of(match.group(0)) or "")
        return match.group(0) if picture is None else _responsive(match.group(0), picture)

    return _IMG.sub(image, _ALONE_IN_PARAGRAPH.sub(figure, html))


def init_app(app: Flask) -> None:
    """Every body saved through the gate gets its figures."""
    add_body_step(app, responsive_body)
