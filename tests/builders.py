"""Test data builders: ``make_article(title=..., tags=[...])`` makes what it needs.

Each builder commits, so the row is visible to the live server's threads too.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

import pytest

from hublet.database import writing
from hublet.extensions import db
from hublet.models import Article, Author, Category, Page, Tag
from hublet.timeutil import utcnow

_counter = itertools.count(1)


def _unique(prefix: str) -> str:
    return f"{prefix}-{next(_counter)}"


def make_category(name: str | None = None, slug: str | None = None, **fields) -> Category:
    name = name or _unique("Category")
    category = Category(name=name, slug=slug or name.lower().replace(" ", "-"), **fields)
    return _save(category)


def make_author(name: str | None = None, slug: str | None = None, **fields) -> Author:
    name = name or _unique("Author")
    author = Author(name=name, slug=slug or name.lower().replace(" ", "-"), **fields)
    return _save(author)


def make_tag(name: str, slug: str | None = None) -> Tag:
    existing = db.session.scalar(db.select(Tag).where(Tag.name == name))
    if existing:
        return existing
    return _save(Tag(name=name, slug=slug or name.lower().replace(" ", "-")))


def make_page(title: str, slug: str, body_html: str = "<p>Page text.</p>", **fields) -> Page:
    return _save(Page(title=title, slug=slug, body_html=body_html, **fields))


def make_article(
    title: str | None = None,
    *,
    slug: str | None = None,
    body_html: str = "<p>Some words of an article body.</p>",
    category: Category | None = None,
    author: Author | None = None,
    tags: list[str] | None = None,
    status: str = "published",
    published_at: datetime | None = None,
    age: timedelta | None = None,
    **fields,
) -> Article:
    """A published article from an hour ago unless told otherwise."""
    title = title or _unique("Article")
    if published_at is None and status == "published":
        published_at = utcnow().replace(microsecond=0) - (age or timedelta(hours=1))
    article = Article(
        title=title,
        slug=slug or title.lower().replace(" ", "-"),
        excerpt=fields.pop("excerpt", f"Excerpt of {title}."),
        body_html=body_html,
        category=category or make_category(),
        author=author or make_author(),
        tags=[make_tag(name) for name in (tags or [])],
        status=status,
        published_at=published_at,
        updated_at=fields.pop("updated_at", published_at or utcnow()),
        hero_image=fields.pop("hero_image", "img/demo/demo-01.svg"),
        hero_alt=fields.pop("hero_alt", f"Picture for {title}"),
        hero_caption=fields.pop("hero_caption", f"Caption of {title}."),
        hero_credit=fields.pop("hero_credit", "Hublet Studio"),
        **fields,
    )
    return _save(article)


def make_comment(
    article: Article | None = None,
    *,
    text: str = "A thoughtful comment.",
    status: str = "pending",
    author_name: str = "Reader",
    author_email: str = "reader@example.com",
    age: timedelta | None = None,
    **fields,
):  # type: ignore[no-untyped-def]
    """A comment (pending unless told otherwise); the article's comment count is kept right."""
    from hublet.comments.services import recount_comments
    from hublet.models import Comment
    from hublet.sanitize import clean_comment_html

    article = article or make_article()
    comment = Comment(
        article_id=article.id,
        author_name=author_name,
        author_email=author_email,
        body_html=fields.pop("body_html", None) or clean_comment_html(text),
        status=status,
        created_at=fields.pop("created_at", utcnow() - (age or timedelta(0))),
        **fields,
    )
    with writing():
        db.session.add(comment)
        db.session.flush()
        recount_comments(comment.article_id)
        db.session.commit()
    return comment


def make_moderator(username: str = "mod", password: str = "correct horse battery"):  # type: ignore[no-untyped-def]
    """An active moderator with this password."""
    from hublet.moderation.accounts import create_moderator

    return create_moderator(username, password)


def _save(row):  # type: ignore[no-untyped-def]
    with writing():
        db.session.add(row)
        db.session.commit()
    return row


@pytest.fixture
def ctx(app):  # type: ignore[no-untyped-def]
    """An app context for builders and direct service calls."""
    with app.app_context():
        yield
