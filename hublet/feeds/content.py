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

from hublet.models import Article
from hublet.seo import absolute, absolute_image

_RELATIVE_ADDRESS = re.compile(r'(\s(?:src|href|poster)=")(/(?!/)[^"]*)"')
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


def full_content_enabled() -> bool:
    """Whether feeds carry whole stories (the default) or excerpts only."""
    value = current_app.config.get("FEED_FULL_CONTENT", True)
    if isinstance(value, str):
        return value.strip().lower() not in ("0", "false", "no", "off", "")
    return bool(value)


def feed_body(html: str) -> str:
    """The sanitized stored body with its site-relative addresses made absolute."""
    return _RELATIVE_ADDRESS.sub(lambda m: f'{m.group(1)}{absolute(m.group(2))}"', html or "")


def feed_picture(article: Article) -> FeedPicture | None:
    """The article's hero picture on an absolute address, or None when it has none."""
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
