"""Private preview links: a signed, expiring address that shows a story exactly as readers
will see it, to a colleague without an account.

The link carries the story's id and when it expires, signed with the app's ``SECRET_KEY``
(salt ``story-preview``): it cannot be made or stretched without the key. It shows the
story's latest text (a link sent before a fix shows the fix), for ``PREVIEW_HOURS``; a story
in the trash, or deleted, shows nothing. The expiry is read from :func:`utcnow`, the clock
the tests control.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from hublet.extensions import db
from hublet.models import Article, Picture
from hublet.timeutil import utcnow

SALT = "story-preview"
#: How long a preview link works.
PREVIEW_HOURS = 48
#: Longer than any token this module makes: anything longer is refused unread.
_MAX_TOKEN = 200


class PreviewRefused(Exception):
    """The link is not one of ours (tampered, truncated) or its story is gone: a 404."""


class PreviewExpired(Exception):
    """The link was ours but its time is over: a 410."""


@dataclass(frozen=True)
class PreviewLink:
    """A link made for one story, and until when it works (naive UTC)."""

    token: str
    expires_at: datetime


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)  # type: ignore[arg-type]


def _epoch(value: datetime) -> int:
    return int(value.replace(tzinfo=UTC).timestamp())


def make_link(article: Article, hours: int = PREVIEW_HOURS) -> PreviewLink:
    """A new signed token for the story, working for ``hours``."""
    expires = utcnow().replace(microsecond=0) + timedelta(hours=hours)
    token = _serializer().dumps({"a": article.id, "e": _epoch(expires)})
    return PreviewLink(str(token), expires)


def read_link(token: str) -> int:
    """The story id a token names; :class:`PreviewRefused` or :class:`PreviewExpired`."""
    if not token or len(token) > _MAX_TOKEN:
        raise PreviewRefused
    try:
        data = _serializer().loads(token)
    except BadSignature as error:
        raise PreviewRefused from error
    if not isinstance(data, dict):
        raise PreviewRefused
    article_id, expires = data.get("a"), data.get("e")
    if not isinstance(article_id, int) or not isinstance(expires, int):
        raise PreviewRefused
    if _epoch(utcnow()) >= expires:
        raise PreviewExpired
    return article_id


def preview_story(token: str) -> Article:
    """The story the token shows, loaded as the public article page loads it."""
    article_id = read_link(token)
    article = db.session.scalar(
        select(Article)
        .where(Article.id == article_id, Article.trashed_at.is_(None))
        .options(
            joinedload(Article.category),
            joinedload(Article.author),
            selectinload(Article.tags),
            selectinload(Article.hero_picture).selectinload(Picture.variants),
        )
    )
    if article is None:
        raise PreviewRefused
    return article
