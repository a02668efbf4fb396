"""The story editor's library picture: what the newsroom's views call to fill, read and check
the ``hero_picture_id`` field of :class:`hublet.newsroom.forms.StoryForm`.

Without JavaScript a writer picks in the library (``/newsroom/media/?pick=<story>``), whose
"Use this picture" opens the editor at ``?hero_picture_id=<id>``; with it the editor's picker
fills the field in place. Either way the story is only changed when it is saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hublet.media.library import get_picture
from hublet.models import Article, Picture

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from hublet.newsroom.services import StoryValues

GONE = "That picture is no longer in the library: choose another, or untick it."
NO_ALT = (
    "Describe the picture before publishing: readers who cannot see it hear this text. "
    "(Saving a draft without it is fine.)"
)
#: The buttons that put a story before readers.
PUBLISHING = frozenset({"publish", "schedule"})


def _picture_id(raw: object) -> int | None:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        return None
    return int(text) or None


def fill_hero(form: Any, article: Article | None, args: MultiDict) -> None:
    """On opening the editor: the story's library picture, or the one just picked in the library
    (``?hero_picture_id=``), whose alt text, caption and credit then fill the fields."""
    if article is not None and article.hero_picture_id is not None:
        form.hero_picture_id.data = str(article.hero_picture_id)
        # The address is the picture's own file: unticking the picture leaves no hero.
        form.hero_image.data = ""
    picked = _picture_id(args.get("hero_picture_id", ""))
    picture = get_picture(picked) if picked is not None else None
    if picture is not None:
        form.hero_picture_id.data = str(picture.id)
        form.hero_image.data = ""
        form.hero_alt.data, form.hero_caption.data = picture.alt, picture.caption
        form.hero_credit.data = picture.credit


def chosen_id(form: Any) -> int | None:
    """The library picture the form names (None: none), with an error on the field when it
    names one that is not in the library."""
    raw = form.hero_picture_id.data or ""
    if not raw.strip():
        return None
    picture_id = _picture_id(raw)
    if picture_id is None or get_picture(picture_id) is None:
        form.hero_picture_id.errors = [*form.hero_picture_id.errors, GONE]
        return None
    return picture_id


def hero_choice(form: Any) -> Picture | None:
    """The chosen library picture with its variants, for the editor to show (None: none)."""
    picture_id = _picture_id(form.hero_picture_id.data or "")
    return get_picture(picture_id) if picture_id is not None else None


def require_alt(form: Any, values: StoryValues | None, action: str) -> StoryValues | None:
    """``values``, or None with a message beside the alt field when ``action`` would publish
    a story whose hero (a library picture or an address) has no alt text, typed or the
    picture's own. A draft may be saved without it."""
    if values is None or action not in PUBLISHING or values.hero_alt.strip():
        return values
    picture = get_picture(values.hero_picture_id) if values.hero_picture_id else None
    if picture is None and not values.hero_image:
        return values  # no hero, nothing to describe
    if picture is not None and picture.alt.strip():
        return values
    form.hero_alt.errors = [*form.hero_alt.errors, NO_ALT]
    return None
