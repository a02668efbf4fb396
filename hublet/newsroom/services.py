"""What the newsroom changes: a story's fields, and its way from draft to published.

Every publish, schedule and unpublish goes into moderation's audit log in the same
transaction; every change tells the search index and the caches (``signals.article_changed``
after the commit, the content version before it).

Lost updates cannot happen: each save names the version it started from, and the row's
version is bumped only where it still is that version (one conditional ``UPDATE``, atomic on
every database); otherwise :class:`StaleVersion` and nothing is written. Every save of a
published story and every submit keeps an :class:`ArticleRevision`; a published story whose
slug changes keeps the old one (:class:`ArticleOldSlug`) so its old address 301s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from hublet import signals
from hublet.database import claim_version, writing
from hublet.extensions import db
from hublet.media.library import use_as_hero
from hublet.models import Account, Article, ArticleOldSlug, ArticleRevision, Author, Picture, Tag
from hublet.moderation.services import record
from hublet.newsroom.markup import render_markdown
from hublet.text import slugify
from hublet.timeutil import utcnow


@dataclass(frozen=True)
class StoryValues:
    """A story's fields as the editor's form gives them, already checked."""

    title: str
    slug: str
    category_id: int
    tags: list[str]
    excerpt: str
    body_markdown: str
    hero_image: str
    hero_alt: str
    hero_caption: str
    hero_credit: str
    is_featured: bool
    is_hot: bool
    comments_open: bool
    # A library picture as the hero (None: the hero_image address, or no hero).
    hero_picture_id: int | None = None


class StaleVersion(Exception):
    """The story was saved by someone else since this save's editor opened it.

    ``current`` is the stored story, as it is now; nothing of the refused save was written."""

    def __init__(self, current: Article) -> None:
        super().__init__(f"article {current.id} is at version {current.version}")
        self.current = current


#: Which saves keep a revision: a submit always; the rest when the story is (now) published.
_REVISION_ACTIONS = frozenset({"save", "publish", "schedule", "restore"})


def _unique_slug(model: type[Author] | type[Tag], base: str) -> str:
    slug, n = base, 1
    while db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _byline(account: Account) -> int:
    """The account's byline, made from its username on its first story."""
    if account.author_id is not None:
        return account.author_id
    author = Author(name=account.username, slug=_unique_slug(Author, slugify(account.username)))
    db.session.add(author)
    db.session.flush()
    account.author_id = author.id
    return author.id


def _tags(names: list[str]) -> list[Tag]:
    tags: dict[str, Tag] = {}
    for name in names:
        slug = slugify(name, fallback="tag")
        if slug in tags:
            continue
        tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
        if tag is None:
            tag = Tag(name=name, slug=slug)
            db.session.add(tag)
        tags[slug] = tag
    return list(tags.values())


def _remember_old_slug(article: Article, new_slug: str) -> None:
    """A published story leaving its slug keeps it as an old address (301 to the new one)."""
    old = article.slug
    if article.status != "published" or not old or old == new_slug:
        return
    db.session.execute(delete(ArticleOldSlug).where(ArticleOldSlug.slug == new_slug))
    kept = db.session.get(ArticleOldSlug, old)
    if kept is None:
        db.session.add(ArticleOldSlug(slug=old, article_id=article.id))
    else:
        kept.article_id = article.id


def _apply_hero(article: Article, values: StoryValues) -> None:
    """The hero from the library when one is chosen (its files, its size); the alt text,
    caption and credit typed in the editor win over the library's."""
    picture = None
    if values.hero_picture_id is not None:
        picture = db.session.scalars(
            select(Picture)
            .where(Picture.id == values.hero_picture_id)
            .options(selectinload(Picture.variants))
        ).first()
    if picture is not None and picture.variants:
        use_as_hero(article, picture)
    else:
        article.hero_picture_id = None
        article.hero_image = values.hero_image
    article.hero_alt = values.hero_alt or (picture.alt if picture else "")
    article.hero_caption = values.hero_caption or (picture.caption if picture else "")
    article.hero_credit = values.hero_credit or (picture.credit if picture else "")


def keep_revision(article: Article, account: Account | None, reason: str) -> None:
    """The story's text as just saved, with who and why (the caller commits)."""
    db.session.add(
        ArticleRevision(
            article_id=article.id,
            version=article.version,
            title=article.title,
            excerpt=article.excerpt,
            body_markdown=article.body_markdown or article.body_html,
            reason=reason,
            account_id=account.id if account else None,
            account_name=account.username if account else "",
            created_at=utcnow(),
        )
    )


def _claim_version(article: Article, base_version: int | None) -> None:
    """Bump the stored version from ``base_version`` (default: the one loaded), or raise
    :class:`StaleVersion`. On PostgreSQL the row stays locked until the commit."""
    base = article.version if base_version is None else base_version
    if not claim_version(article, base):
        db.session.rollback()
        current = db.session.get(Article, article.id, populate_existing=True)
        raise StaleVersion(current if current is not None else article)


def _apply(article: Article, values: StoryValues, publisher: bool) -> None:
    _remember_old_slug(article, values.slug)
    article.title = values.title
    article.slug = values.slug
    article.category_id = values.category_id
    article.tags = _tags(values.tags)
    article.excerpt = values.excerpt
    article.body_markdown = values.body_markdown
    article.body_html = render_markdown(values.body_markdown)  # sanitized by the model on save
    _apply_hero(article, values)
    article.comments_open = values.comments_open
    if publisher:  # what goes on the front page is the editors' call
        article.is_featured = values.is_featured
        article.is_hot = values.is_hot
    article.updated_at = utcnow()


def save_story(
    account: Account,
    article: Article | None,
    values: StoryValues,
    action: str,
    publish_at: datetime | None = None,
    publisher: bool = False,
    base_version: int | None = None,
) -> Article:
    """Store the story and do what the pressed button says: ``save``, ``submit`` (for
    review), ``publish`` (now), ``schedule`` (at ``publish_at``, naive UTC) or ``unpublish``.
    The caller has checked that the account may.

    ``base_version`` is the version the editor started from; when the story has moved on
    since, :class:`StaleVersion` is raised and nothing is written."""
    with writing():
        if article is None:
            article = Article(
                status="draft", author_id=_byline(account), tags=[], comment_count=0, version=1
            )
            db.session.add(article)
        else:
            _claim_version(article, base_version)
        _apply(article, values, publisher)
        now = article.updated_at
        if action in ("submit", "publish", "schedule"):
            article.review_note = ""  # the note was answered: it must not come back later
        if action == "submit" and article.status == "draft":
            article.submitted_at = now
        elif action == "publish":
            if (
                article.status != "published"
                or article.published_at is None
                or (article.published_at > now)
            ):
                article.published_at = now
            article.status, article.submitted_at = "published", None
        elif action == "schedule" and publish_at is not None:
            article.status, article.published_at, article.submitted_at = (
                "published",
                publish_at,
                None,
            )
        elif action == "unpublish":
            if article.status != "published":
                action = "save"  # nothing to take down: a plain save, not an audit entry
            article.status = "draft"
        db.session.flush()
        if action == "submit" or (action in _REVISION_ACTIONS and article.status == "published"):
            keep_revision(article, account, action)
        if action in ("publish", "schedule", "unpublish"):
            detail = f"“{article.title}”"
            if action == "schedule" and publish_at is not None:
                detail += f" for {publish_at:%Y-%m-%d %H:%M} UTC"
            record(account, action, "article", article.id, detail)
        article_id = article.id
        db.session.commit()
    signals.article_changed.send(article_id)
    return article
