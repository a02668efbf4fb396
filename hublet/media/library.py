"""The media library's writes: an upload checked, stored and recorded as a :class:`Picture`.

The files are stored before the row is written: a row never points at a missing file, and a
file left by a failed transaction is harmless (its name is its content; the next upload of
the same picture reuses it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from hublet.extensions import db
from hublet.media.processing import MAX_BYTES, process
from hublet.media.storage import storage
from hublet.models import Article, Picture, PictureVariant

#: The widest file the ``hero_image`` address (feeds, ``og:image``) points at.
HERO_WIDTH = 1600


@dataclass(frozen=True)
class Added:
    """The picture an upload became, and whether it was new (False: the same upload before)."""

    picture: Picture
    created: bool


def max_upload_bytes() -> int:
    """The upload limit: ``MEDIA_MAX_BYTES``, 15 MB unless configured."""
    return int(current_app.config.get("MEDIA_MAX_BYTES") or MAX_BYTES)


def find_by_source(source_sha256: str) -> Picture | None:
    return db.session.scalars(
        select(Picture)
        .where(Picture.source_sha256 == source_sha256)
        .options(selectinload(Picture.variants))
    ).first()


def add_picture(
    data: bytes,
    *,
    alt: str = "",
    caption: str = "",
    credit: str = "",
    uploader_id: int | None = None,
) -> Added:
    """Check, store and record an upload (the caller commits); raises ``Refused``.

    The same upload twice is one picture: the second time nothing is stored or changed.
    """
    existing = find_by_source(hashlib.sha256(data).hexdigest())
    if existing is not None:  # checked and stored before: nothing to decode again
        return Added(existing, created=False)
    processed = process(data, max_bytes=max_upload_bytes())
    store = storage()
    for rendition in processed.renditions:
        store.save(rendition.key, rendition.data)
    picture = Picture(
        source_sha256=processed.source_sha256,
        width=processed.width,
        height=processed.height,
        format=processed.format,
        alt=alt.strip(),
        caption=caption.strip(),
        credit=credit.strip(),
        uploader_id=uploader_id,
        variants=[
            PictureVariant(
                width=r.width, height=r.height, format=r.format, bytes=len(r.data), key=r.key
            )
            for r in processed.renditions
        ],
    )
    try:
        with db.session.begin_nested():
            db.session.add(picture)
    except IntegrityError:  # the same upload, recorded by someone else a moment ago
        existing = find_by_source(processed.source_sha256)
        if existing is None:
            raise
        return Added(existing, created=False)
    return Added(picture, created=True)


def use_as_hero(article: Article, picture: Picture) -> None:
    """Make ``picture`` the article's hero (its variants loaded); the caller commits.

    The ``hero_*`` columns follow it (address of its file in its own format at most
    :data:`HERO_WIDTH` wide, size,
    alt, caption, credit), so feeds, ``og:image`` and any listing that does not load pictures
    show the same picture.
    """
    own = [v for v in picture.variants if v.format == picture.format]
    largest = max([v for v in own if v.width <= HERO_WIDTH] or own, key=lambda v: v.width)
    article.hero_picture_id = picture.id
    article.hero_image = storage().url(largest.key)
    article.hero_width, article.hero_height = largest.width, largest.height
    article.hero_alt = picture.alt
    article.hero_caption = picture.caption
    article.hero_credit = picture.credit
