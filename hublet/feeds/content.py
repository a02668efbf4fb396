"""What a feed item carries besides its excerpt: the whole story and its picture.

Feed readers show an item away from the site, so every address in the body is made absolute
on ``SITE_URL`` (a picture at ``/media/x.jpg`` would otherwise point into the reader's own
host). ``FEED_FULL_CONTENT`` (``HUBLET_FEED_FULL_CONTENT=false``) keeps excerpts only, for a
publication that wants readers on its pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app

from hublet.media.rendering import FALLBACK_WIDTH, hero_picture, media_url
from hublet.models import Article
from hublet.seo import absolute, absolute_image

_RELATIVE_ADDRESS = re.compile(r'(\s(?:src|href|poster)=")(/(?!/)[^"]*)"')
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')
_PICTURE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "avif": "image/avif",
}


@dataclass(frozen=True)
class FeedPicture:
    """An item's featured picture as ``media:content`` and Atom's enclosure link state it."""

    url: str
    type: str
    width: int | None
    height: int | None
    alt: str
    length: int | None = None  # bytes, when the file is a library picture's


def full_content_enabled() -> bool:
    """Whether feeds carry whole stories (the default) or excerpts only."""
    value = current_app.config.get("FEED_FULL_CONTENT", True)
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def _absolute_srcset(match: re.Match[str]) -> str:
    candidates = (part.strip().split(None, 1) for part in match.group(2).split(","))
    listed = ", ".join(
        " ".join([absolute(c[0]) if c[0].startswith("/") else c[0], *c[1:]])
        for c in candidates
        if c
    )
    return f'{match.group(1)}{listed}"'


def feed_body(html: str) -> str:
    """The sanitized stored body with its site-relative addresses (a body figure's ``srcset``
    too) made absolute."""
    html = _RELATIVE_ADDRESS.sub(lambda m: f'{m.group(1)}{absolute(m.group(2))}"', html or "")
    return _SRCSET.sub(_absolute_srcset, html)


def feed_picture(article: Article) -> FeedPicture | None:
    """The article's hero picture on an absolute address, or None when it has none.

    A library picture (loaded with the feed's articles) is named by its file in its own
    format at most 1200 wide, with that file's size and length: what feed readers fetch for a
    card, not the 1600-wide file the page's ``og:image`` names.
    """
    picture = hero_picture(article)
    if picture is not None:
        own = [v for v in picture.variants if v.format == picture.format] or picture.variants
        file = max([v for v in own if v.width <= FALLBACK_WIDTH] or own, key=lambda v: v.width)
        return FeedPicture(
            url=absolute(media_url(file.key)),
            type=_PICTURE_TYPES.get(file.format, "image/jpeg"),
            width=file.width,
            height=file.height,
            alt=picture.alt or article.hero_alt,
            length=file.bytes,
        )
    if not article.hero_image:
        return None
    url = absolute_image(article.hero_image)
    extension = url.split("?", 1)[0].rsplit(".", 1)[-1].lower()
    return FeedPicture(
        url=url,
        type=_PICTURE_TYPES.get(extension, "image/jpeg"),
        width=article.hero_width or None,
        height=article.hero_height or None,
        alt=article.hero_alt,
    )
