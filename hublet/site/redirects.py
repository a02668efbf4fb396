"""Old WordPress addresses (``/?p=ID``, ``/?page_id=ID``) of imported stories and pages.

The importer keeps each WordPress id; this read finds where that link lives now.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from hublet.articles.queries import is_visible
from hublet.extensions import db
from hublet.models import Article, Page
from hublet.templating import page_url


def wordpress_address(post_id: str | None, page_id: str | None = None) -> str | None:
    """Where an old ``/?p=ID`` (or ``/?page_id=ID``) link lives now, if a reader may see it."""
    raw = post_id if post_id is not None else page_id
    try:
        wp_id = int(raw or "")
    except ValueError:
        return None
    if wp_id <= 0:
        return None
    slug = db.session.scalar(select(Article.slug).where(Article.wp_post_id == wp_id, is_visible()))
    if slug is not None:
        return url_for("articles.article", slug=slug)
    page = db.session.scalar(select(Page).where(Page.wp_post_id == wp_id))
    return page_url(page) if page is not None else None
