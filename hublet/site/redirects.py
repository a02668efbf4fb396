"""Where old WordPress addresses of imported stories, pages and archives live now.

The importer keeps each post's WordPress id, its slug (``post_name``), category and tag slugs
(``nicename``) and author slugs made from the login; these reads find the Hublet address for
an old permalink, or None when there is none a reader may see (a draft, a trashed post, a
name never imported): then the old link stays a 404.
"""

from __future__ import annotations

from urllib.parse import unquote

from flask import url_for
from sqlalchemy import select

from hublet.articles.queries import is_visible
from hublet.extensions import db
from hublet.models import Article, Author, Category, Comment, Page, Tag
from hublet.site.permalinks import match_structure, stored_structure
from hublet.templating import page_url
from hublet.text import slugify


def _positive(raw: str | None) -> int | None:
    try:
        number = int(raw or "")
    except ValueError:
        return None
    return number if number > 0 else None


def wordpress_address(post_id: str | None, page_id: str | None = None) -> str | None:
    """Where an old ``/?p=ID`` (or ``/?page_id=ID``) link lives now, if a reader may see it."""
    wp_id = _positive(post_id if post_id is not None else page_id)
    if wp_id is None:
        return None
    slug = db.session.scalar(select(Article.slug).where(Article.wp_post_id == wp_id, is_visible()))
    if slug is not None:
        return url_for("articles.article", slug=slug)
    page = db.session.scalar(select(Page).where(Page.wp_post_id == wp_id))
    return page_url(page) if page is not None else None


def visible_article_address(slug: str) -> str | None:
    """A ``/YYYY/MM/DD/slug/`` permalink: the story of that slug, when it is public."""
    found = db.session.scalar(select(Article.slug).where(Article.slug == slug, is_visible()))
    return url_for("articles.article", slug=found) if found is not None else None


def post_name_address(slug: str) -> str | None:
    """A ``/slug/`` permalink: a static page of that slug wins, else the public story."""
    page = db.session.scalar(select(Page).where(Page.slug == slug))
    if page is not None:
        return page_url(page)
    return visible_article_address(slug)


def structured_address(path: str) -> str | None:
    """A link of the old site's own permalink structure (stored by the import), when it names
    a story a reader may see: by its WordPress id, else by its slug (slugs are unique)."""
    if len(path) > 2000:  # longer than any permalink; spares the matcher
        return None
    structure = stored_structure()
    if structure is None:
        return None
    tags = match_structure(structure, path)  # request.path: already decoded
    if tags is None:
        return None
    if tags.get("post_id"):
        found = db.session.scalar(
            select(Article.slug).where(Article.wp_post_id == int(tags["post_id"]), is_visible())
        )
        return url_for("articles.article", slug=found) if found is not None else None
    return visible_article_address(tags["postname"])


_ARCHIVES: dict[str, tuple[type[Author] | type[Category] | type[Tag], str]] = {
    "author": (Author, "articles.author"),
    "category": (Category, "articles.category"),
    "tag": (Tag, "articles.tag"),
}


def archive_address(kind: str, slug: str) -> str | None:
    """``/category/slug/``, ``/tag/slug/`` or ``/author/login/``: the archive, if it exists."""
    model, endpoint = _ARCHIVES[kind]
    if kind == "author":
        slug = slugify(unquote(slug), "author")  # as the importer names authors
    found = db.session.scalar(select(model.slug).where(model.slug == slug))
    return url_for(endpoint, slug=found) if found is not None else None


def reply_link(address: str, replytocom: str | None) -> str:
    """``?replytocom=ID`` (WordPress's Reply link) kept, in Hublet's own comment ids.

    Hublet's story pages take the same ``?replytocom=`` (the Reply link without JavaScript),
    so an old reply link opens the reply form under that comment. A comment that was not
    imported, is not approved or belongs to another story is dropped: just the story.
    """
    wp_comment_id = _positive(replytocom)
    story_prefix = url_for("articles.article", slug="-")[:-1]
    if wp_comment_id is None or not address.startswith(story_prefix):
        return address
    slug = unquote(address[len(story_prefix) :])
    comment_id = db.session.scalar(
        select(Comment.id)
        .join(Article, Article.id == Comment.article_id)
        .where(
            Comment.wp_comment_id == wp_comment_id,
            Comment.status == "approved",
            Article.slug == slug,
        )
    )
    return f"{address}?replytocom={comment_id}#respond" if comment_id is not None else address
