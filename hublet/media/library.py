"""The media library's writes: an upload checked, stored and recorded as a :class:`Picture`.

The files are stored before the row is written: a row never points at a missing file, and a
file left by a failed transaction is harmless (its name is its content; the next upload of
the same picture reuses it).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from hublet.extensions import db
from hublet.media.processing import FORMATS, MAX_BYTES, Processed, process
from hublet.media.storage import storage
from hublet.media.usage import Use, unused, uses_of_one
from hublet.models import Account, Article, Picture, PictureVariant
from hublet.moderation.services import record
from hublet.paging import Cursor, Page, keyset_page, older_than

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
    processed: Processed | None = None,
) -> Added:
    """Check, store and record an upload (the caller commits); raises ``Refused``.

    The same upload twice is one picture: the second time nothing is stored or changed.
    ``processed`` is ``process(data)`` when the caller already made it (the demo seed draws
    the same pictures in every test, and keeps their processing per process).
    """
    existing = find_by_source(hashlib.sha256(data).hexdigest())
    if existing is not None:  # checked and stored before: nothing to decode again
        return Added(existing, created=False)
    if processed is None or processed.source_sha256 != hashlib.sha256(data).hexdigest():
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


# --- The library's listing, and what editors change --------------------------------------------

#: Pictures one page of the library lists.
PER_PAGE = 30
#: The stored formats a filter may name (file extensions).
FORMAT_NAMES = tuple(sorted(set(FORMATS.values())))
#: The longest alt text, caption and credit (the columns' sizes).
ALT_MAX, CAPTION_MAX, CREDIT_MAX = 300, 500, 200


@dataclass(frozen=True)
class PictureFilter:
    """Words in the alt text, caption or credit; who uploaded; the format; only unused ones."""

    q: str = ""
    uploader_id: int | None = None
    format: str = ""
    unused: bool = False

    @property
    def active(self) -> bool:
        return bool(self.q or self.uploader_id or self.format or self.unused)


class InUse(Exception):
    """A picture that stories use is not deleted; ``uses`` says which."""

    def __init__(self, uses: list[Use]) -> None:
        super().__init__(f"used by {len(uses)} stories")
        self.uses = uses


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matching(filters: PictureFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for word in filters.q.split():
        pattern = _like(word)
        conditions.append(
            or_(
                Picture.alt.ilike(pattern, escape="\\"),
                Picture.caption.ilike(pattern, escape="\\"),
                Picture.credit.ilike(pattern, escape="\\"),
            )
        )
    if filters.uploader_id is not None:
        conditions.append(Picture.uploader_id == filters.uploader_id)
    if filters.format:
        conditions.append(Picture.format == filters.format)
    if filters.unused:
        conditions.append(unused())
    return conditions


def picture_chunk(
    filters: PictureFilter, after: Cursor | None, per_page: int | None = None
) -> Page[Picture]:
    """One page of the pictures matching ``filters``, newest first, with their variants."""
    per_page = per_page or PER_PAGE
    stmt = select(Picture).options(selectinload(Picture.variants)).where(*_matching(filters))
    if after is not None:
        stmt = stmt.where(older_than(Picture.created_at, Picture.id, after))
    stmt = stmt.order_by(Picture.created_at.desc(), Picture.id.desc()).limit(per_page + 1)
    rows = list(db.session.scalars(stmt))
    return keyset_page(rows, per_page, lambda p: (p.created_at, p.id))


def uploaders() -> list[Account]:
    """The accounts that uploaded a picture, by name (the uploader filter's choices)."""
    stmt = (
        select(Account)
        .where(Account.id.in_(select(Picture.uploader_id).where(Picture.uploader_id.is_not(None))))
        .order_by(Account.username)
    )
    return list(db.session.scalars(stmt))


def uploader_names(pictures: list[Picture]) -> dict[int, str]:
    """Account id -> username, for the pictures shown."""
    ids = {p.uploader_id for p in pictures if p.uploader_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(Account.id, Account.username).where(Account.id.in_(ids)))
    return {account_id: name for account_id, name in rows}


def get_picture(picture_id: int) -> Picture | None:
    """One picture with its variants."""
    return db.session.scalars(
        select(Picture).where(Picture.id == picture_id).options(selectinload(Picture.variants))
    ).first()


def describe_picture(picture: Picture, *, alt: str, caption: str, credit: str) -> None:
    """Set the picture's alt text, caption and credit (the caller commits).

    Stories already using it keep what they were saved with (their own ``hero_*`` text); the
    new text is what the next story to choose it starts from.
    """
    picture.alt = alt.strip()[:ALT_MAX]
    picture.caption = caption.strip()[:CAPTION_MAX]
    picture.credit = credit.strip()[:CREDIT_MAX]


def delete_picture(account: Account, picture: Picture) -> None:
    """Delete an unused picture's row and its variants' rows, with an audit entry (the caller
    commits); raises :class:`InUse` when a story uses it, and then nothing changes.

    The files stay: their names are their content, a later upload of the same picture reuses
    them, and an address someone copied keeps working.
    """
    uses = uses_of_one(picture)
    if uses:
        raise InUse(uses)
    detail = f"{picture.width}x{picture.height} {picture.format}"
    if picture.alt:
        detail += f" “{picture.alt}”"
    record(account, "delete", "picture", picture.id, detail)
    db.session.delete(picture)
