"""Article pages and archives."""

from __future__ import annotations

from flask import Response, abort, current_app, redirect, url_for
from werkzeug.wrappers import Response as BaseResponse  # what redirect() makes

from hublet.articles import bp, queries
from hublet.comments.section import comment_section
from hublet.layout import render_page
from hublet.paging import Page, ensure_page_exists, requested_cursor, requested_page


def _listing_page(kind: str, subject: object, paged: Page) -> Response:
    ensure_page_exists(paged.page, len(paged.items))
    return render_page(
        "articles/archive.html",
        "articles/_archive_page.html",
        kind=kind,
        subject=subject,
        paged=paged,
    )


@bp.get("/article/<slug>")
def article(slug: str) -> BaseResponse:
    """One story, with its related posts and the comment region."""
    story = queries.visible_article(slug)
    if story is None:
        moved = queries.moved_slug(slug)  # a published story's slug changed: its old address
        if moved is None:
            abort(404)
        return redirect(url_for("articles.article", slug=moved), code=301)
    related = queries.related_articles(story)
    comments = comment_section(story)  # ?cpage=K: page K of the thread; htmx gets it alone
    return render_page(
        "articles/article.html",
        "comments/_thread.html",
        article=story,
        related=related,
        comments=comments,
    )


@bp.get("/category/<slug>")
def category(slug: str) -> Response:
    subject = queries.category_by_slug(slug) or abort(404)
    paged = queries.category_articles(subject, requested_page(), _per_page(), requested_cursor())
    return _listing_page("category", subject, paged)


@bp.get("/tag/<slug>")
def tag(slug: str) -> Response:
    subject = queries.tag_by_slug(slug) or abort(404)
    paged = queries.tag_articles(subject, requested_page(), _per_page(), requested_cursor())
    return _listing_page("tag", subject, paged)


@bp.get("/author/<slug>")
def author(slug: str) -> Response:
    subject = queries.author_by_slug(slug) or abort(404)
    paged = queries.author_articles(subject, requested_page(), _per_page(), requested_cursor())
    return _listing_page("author", subject, paged)


def _per_page() -> int:
    return int(current_app.config["ARTICLES_PER_PAGE"])
