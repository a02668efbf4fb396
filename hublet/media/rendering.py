"""What templates ask of the library: a stored file's address, an article's hero picture, and
the sources of a responsive ``<img>`` (one computation for templates and body figures)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import inspect

from hublet.media.storage import storage
from hublet.models import Article, Picture

#: The widest file in the picture's own format that ``src`` names (older browsers, feeds).
FALLBACK_WIDTH = 1200


class _Variant(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def width(self) -> int: ...
    @property
    def format(self) -> str: ...


class _Picture(Protocol):
    """A :class:`Picture` with its variants loaded, or a :class:`PictureRecord`."""

    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def format(self) -> str: ...
    @property
    def variants(self) -> Sequence[_Variant]: ...


@dataclass(frozen=True)
class VariantRecord:
    """One stored file of a picture, as a plain record (cacheable, no session needed)."""

    key: str
    width: int
    height: int
    format: str


@dataclass(frozen=True)
class PictureRecord:
    """A picture with its files, as a plain record: what the chrome keeps in the cache and
    what body figures read on a flush's connection. Templates take it like a :class:`Picture`."""

    width: int
    height: int
    format: str
    alt: str
    caption: str
    credit: str
    variants: tuple[VariantRecord, ...]


@dataclass(frozen=True)
class Sources:
    """What a responsive ``<img>`` says: ``src``, ``srcset`` (WebP widths), and its size."""

    src: str
    srcset: str
    width: int
    height: int


def media_url(key: str) -> str:
    """The public address of a stored file, from whichever storage the app uses."""
    return storage().url(key)


def image_sources(picture: _Picture) -> Sources:
    """``srcset`` lists the WebP files (never wider than the picture), ``src`` the picture in
    its own format at most :data:`FALLBACK_WIDTH` wide; width and height are the picture's, so
    the browser reserves its shape before any file arrives."""
    variants = sorted(picture.variants, key=lambda v: (v.format, v.width))
    webp = [v for v in variants if v.format == "webp"]
    own = [v for v in variants if v.format == picture.format] or variants
    fallback = ([v for v in own if v.width <= FALLBACK_WIDTH] or own[:1])[-1]
    srcset = ", ".join(f"{media_url(v.key)} {v.width}w" for v in webp or own)
    return Sources(media_url(fallback.key), srcset, picture.width, picture.height)


def picture_record(picture: Picture) -> PictureRecord:
    """A loaded picture (with its variants) as a plain record."""
    return PictureRecord(
        width=picture.width,
        height=picture.height,
        format=picture.format,
        alt=picture.alt,
        caption=picture.caption,
        credit=picture.credit,
        variants=tuple(VariantRecord(v.key, v.width, v.height, v.format) for v in picture.variants),
    )


def hero_picture(article: Article) -> Picture | None:
    """The article's library picture when the query that read it loaded it with its variants.

    None otherwise, and the template shows the ``hero_image`` address, which
    :func:`hublet.media.library.use_as_hero` keeps pointing at the same picture. Every public
    listing loads pictures (``hublet.articles.queries``); this keeps a template that is given
    an article read some other way from raising.
    """
    if article.hero_picture_id is None or "hero_picture" in inspect(article).unloaded:
        return None
    picture = article.hero_picture
    if picture is None or "variants" in inspect(picture).unloaded or not picture.variants:
        return None
    return picture


def hero_record(article: Article) -> PictureRecord | None:
    """:func:`hero_picture` as a plain record, for what is cached beyond the session."""
    picture = hero_picture(article)
    return picture_record(picture) if picture is not None else None
