"""What templates ask of the library: a stored file's address, an article's hero picture."""

from __future__ import annotations

from sqlalchemy import inspect

from hublet.media.storage import storage
from hublet.models import Article, Picture


def media_url(key: str) -> str:
    """The public address of a stored file, from whichever storage the app uses."""
    return storage().url(key)


def hero_picture(article: Article) -> Picture | None:
    """The article's library picture when the query that read it loaded it with its variants.

    None otherwise, and the template shows the ``hero_image`` address, which
    :func:`hublet.media.library.use_as_hero` keeps pointing at the same picture: a listing that
    does not load pictures (a feed, a sidebar) still shows the right one, without a srcset.
    """
    if article.hero_picture_id is None or "hero_picture" in inspect(article).unloaded:
        return None
    picture = article.hero_picture
    if picture is None or "variants" in inspect(picture).unloaded or not picture.variants:
        return None
    return picture
