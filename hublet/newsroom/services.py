"""What the newsroom changes: a story's fields, and its way from draft to published.

Every publish, schedule and unpublish goes into moderation's audit log in the same
transaction; every change tells the search index and the caches (``signals.article_changed``
after the commit, the content version before it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from hublet import signals
from hublet.database import writing
from hublet.extensions import db
from hublet.models import Account, Article, Author, Tag
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


def _apply(article: Article, values: StoryValues, publisher: bool) -> None:
    article.title = values.title
    article.slug = values.slug
    article.category_id = values.category_id
    article.tags = _tags(values.tags)
    article.excerpt = values.excerpt
    article.body_markdown = values.body_markdown
    article.body_html = render_markdown(values.body_markdown)  # sanitized by the model on save
    article.hero_image = values.hero_image
    article.hero_alt = values.hero_alt
    article.hero_caption = values.hero_caption
    article.hero_credit = values.hero_credit
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
) -> Article:
    """Store the story and do what the pressed button says: ``save``, ``submit`` (for
    review), ``publish`` (now), ``schedule`` (at ``publish_at``, naive UTC) or ``unpublish``.
    The caller has checked that the account may."""
    with writing():
        if article is None:
            article = Article(status="draft", author_id=_byline(account), tags=[], comment_count=0)
            db.session.add(article)
        _apply(article, values, publisher)
        now = article.updated_at
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
        if action in ("publish", "schedule", "unpublish"):
            detail = f"“{article.title}”"
            if action == "schedule" and publish_at is not None:
                detail += f" for {publish_at:%Y-%m-%d %H:%M} UTC"
            record(account, action, "article", article.id, detail)
        article_id = article.id
        db.session.commit()
    signals.article_changed.send(article_id)
    return article
