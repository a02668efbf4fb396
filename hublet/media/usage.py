"""Where a library picture is used: the stories it is the hero of, and the stories whose body
shows one of its files (a ``/media/<key>`` address of any of its variants).

Every story counts, drafts and stories in the trash too: a draft that shows a picture is a
use, and a picture in use is never deleted (:func:`hublet.media.library.delete_picture`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, not_, or_, select

from hublet.extensions import db
from hublet.models import Article, Picture, PictureVariant


@dataclass(frozen=True)
class Use:
    """One story that uses a picture, and how (``"hero"`` or ``"body"``)."""

    article_id: int
    title: str
    status: str
    trashed: bool
    how: str


def uses_of(pictures: list[Picture]) -> dict[int, list[Use]]:
    """Picture id -> the stories using it, heroes first (two statements for any number of
    pictures). The pictures' variants must be loaded."""
    found: dict[int, list[Use]] = {p.id: [] for p in pictures}
    if not pictures:
        return found
    hero_rows = db.session.execute(
        select(
            Article.id, Article.title, Article.status, Article.trashed_at, Article.hero_picture_id
        )
        .where(Article.hero_picture_id.in_(list(found)))
        .order_by(Article.id.desc())
    )
    for article_id, title, status, trashed_at, picture_id in hero_rows:
        if picture_id is None:  # never: the query asked for these pictures only
            continue
        found[picture_id].append(Use(article_id, title, status, trashed_at is not None, "hero"))
    owner = {v.key: p.id for p in pictures for v in p.variants}
    if not owner:
        return found
    # A key is "<64 hex>.<ext>": nothing in it is a LIKE wildcard.
    body_rows = db.session.execute(
        select(Article.id, Article.title, Article.status, Article.trashed_at, Article.body_html)
        .where(or_(*(Article.body_html.contains(key) for key in owner)))
        .order_by(Article.id.desc())
    )
    for article_id, title, status, trashed_at, body_html in body_rows:
        shown = {owner[key] for key in owner if key in (body_html or "")}
        for picture_id in sorted(shown):
            if not any(u.article_id == article_id for u in found[picture_id]):
                use = Use(article_id, title, status, trashed_at is not None, "body")
                found[picture_id].append(use)
    return found


def uses_of_one(picture: Picture) -> list[Use]:
    """The stories using one picture (its variants loaded)."""
    return uses_of([picture])[picture.id]


def unused() -> ColumnElement[bool]:
    """The SQL condition "no story uses this picture", for the library's filter."""
    as_hero = exists().where(Article.hero_picture_id == Picture.id)
    in_a_body = exists(
        select(PictureVariant.id)
        .join(Article, Article.body_html.contains(PictureVariant.key))
        .where(PictureVariant.picture_id == Picture.id)
    )
    return and_(not_(as_hero), not_(in_a_body))
