"""An article's status and flags from the command line: the switches (publish, feature, hot)
and the list of articles by status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from hublet import signals
from hublet.articles.queries import filed_under
from hublet.database import writing
from hublet.editorial.errors import EditorialError
from hublet.extensions import db
from hublet.models import Article, Author, Category, Tag, article_tag
from hublet.timeutil import utcnow

ACTIONS = ("publish", "unpublish", "feature", "unfeature", "hot", "unhot")
STATUSES = ("all", "published", "scheduled", "draft")


@dataclass
class SwitchResult:
    """What one switch did to one article, in words for the editor."""

    slug: str
    message: str
    changed: bool


def _switch(article: Article, action: str, at: datetime | None, now: datetime) -> SwitchResult:
    slug = article.slug
    if action == "publish" and article.trashed_at is not None:
        # The newsroom's trash keeps a story out of sight until someone restores it there.
        return SwitchResult(slug, "in the trash: restore it in the newsroom first", False)
    if action == "publish":
        when = at or article.published_at or now
        changed = article.status != "published" or article.published_at != when
        article.status, article.published_at = "published", when
        if when <= now and article.updated_at < when:  # a sitemap's lastmod follows
            article.updated_at = when
        state = f"scheduled for {when:%Y-%m-%d %H:%M} UTC" if when > now else "published"
        return SwitchResult(slug, state if changed else f"already {state}", changed)
    if action == "unpublish":
        changed = article.status != "draft"
        article.status = "draft"
        return SwitchResult(slug, "now a draft" if changed else "already a draft", changed)
    flag = "is_featured" if action.endswith("feature") else "is_hot"
    wanted = not action.startswith("un")
    label = "featured" if flag == "is_featured" else "hot"
    changed = getattr(article, flag) != wanted
    setattr(article, flag, wanted)
    words = label if wanted else f"no longer {label}"
    return SwitchResult(slug, words if changed else f"already {words}", changed)


def switch_articles(
    action: str, slugs: list[str], at: datetime | None = None
) -> tuple[list[SwitchResult], list[str]]:
    """Apply ``action`` to the articles at ``slugs``; returns the results and unknown slugs."""
    if action not in ACTIONS:
        raise EditorialError(f"Unknown action {action!r}")
    wanted = list(dict.fromkeys(slugs))
    with writing():
        found = {
            a.slug: a for a in db.session.scalars(select(Article).where(Article.slug.in_(wanted)))
        }
        now = utcnow().replace(microsecond=0)
        results = [_switch(found[slug], action, at, now) for slug in wanted if slug in found]
        # Read before the commit: touching expired rows after it would open a read
        # transaction that a later write in this session could not upgrade (SQLite).
        changed_ids = [found[result.slug].id for result in results if result.changed]
        db.session.commit()
    for article_id in changed_ids:
        signals.article_changed.send(article_id)
    return results, [slug for slug in wanted if slug not in found]


def _by_slug(model, slug: str | None, what: str):
    if slug is None:
        return None
    row = db.session.scalar(select(model).where(model.slug == slug))
    if row is None:
        raise EditorialError(f"Unknown {what} '{slug}'")
    return row


def list_articles(
    status: str = "all",
    category: str | None = None,
    author: str | None = None,
    tag: str | None = None,
    featured: bool = False,
    hot: bool = False,
    search: str | None = None,
    limit: int = 50,
) -> tuple[list[Article], int]:
    """Articles matching the filters, newest first, and how many match in all."""
    now = utcnow()
    conditions = []
    if status == "published":
        conditions.append(and_(Article.status == "published", Article.published_at <= now))
    elif status == "scheduled":
        conditions.append(and_(Article.status == "published", Article.published_at > now))
    elif status == "draft":
        conditions.append(Article.status == "draft")
    if (found := _by_slug(Category, category, "category")) is not None:
        conditions.append(filed_under(found.id))
    if (found := _by_slug(Author, author, "author")) is not None:
        conditions.append(Article.author_id == found.id)
    if (found := _by_slug(Tag, tag, "tag")) is not None:
        conditions.append(
            Article.id.in_(select(article_tag.c.article_id).where(article_tag.c.tag_id == found.id))
        )
    if featured:
        conditions.append(Article.is_featured.is_(True))
    if hot:
        conditions.append(Article.is_hot.is_(True))
    if search:
        pattern = f"%{search.lower()}%"
        conditions.append(
            or_(func.lower(Article.title).like(pattern), func.lower(Article.slug).like(pattern))
        )
    total = db.session.scalar(select(func.count()).select_from(Article).where(*conditions)) or 0
    statement = (
        select(Article)
        .where(*conditions)
        .options(joinedload(Article.category))
        .order_by(func.coalesce(Article.published_at, Article.updated_at).desc(), Article.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement)), total


def describe_status(article: Article, now: datetime | None = None) -> str:
    """'published', 'scheduled' or 'draft', as the list shows it."""
    now = now or utcnow()
    if article.status != "published":
        return "draft"
    if article.published_at is not None and article.published_at > now:
        return "scheduled"
    return "published"
