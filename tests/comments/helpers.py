"""Helpers for the comment tests: post like a browser would, add comments directly."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import func, select

from hublet.comments.services import recount_comments
from hublet.database import writing
from hublet.extensions import db
from hublet.models import Article, Comment
from hublet.sanitize import clean_comment_html
from hublet.timeutil import utcnow
from tests.conftest import HTMX, csrf_token


def form_token(client: FlaskClient, slug: str) -> str:
    """The CSRF token in the article's comment form, as a browser would send it."""
    return csrf_token(client, f"/article/{slug}", form=True)


def post(
    client: FlaskClient,
    slug: str,
    *,
    htmx: bool = False,
    ip: str = "203.0.113.7",
    token: str | None = None,
    **fields: str,
):  # type: ignore[no-untyped-def]
    """POST the comment form; ``fields`` override a valid default comment."""
    data = {
        "name": "Ann Reader",
        "email": "ann@example.com",
        "website": "",
        "comment": "A perfectly ordinary comment.",
        "parent_id": "",
        "phone": "",
    }
    data.update(fields)
    data["csrf_token"] = token or form_token(client, slug)
    return client.post(
        f"/article/{slug}/comments",
        data=data,
        headers={**(HTMX if htmx else {}), "User-Agent": "TestBrowser/1.0"},
        environ_base={"REMOTE_ADDR": ip},
    )


def add_comment(
    article: Article,
    *,
    text: str = "An earlier comment.",
    status: str = "approved",
    name: str = "Earlier Reader",
    email: str = "earlier@example.com",
    parent: Comment | None = None,
    age: timedelta = timedelta(hours=1),
    ip: str = "198.51.100.1",
) -> Comment:
    """A comment stored directly (as if posted ``age`` ago); the count is kept right."""
    comment = Comment(
        article_id=article.id,
        parent_id=parent.id if parent else None,
        depth=min(parent.depth + 1, 4) if parent else 1,
        author_name=name,
        author_email=email,
        body_html=clean_comment_html(text),
        status=status,
        ip_address=ip,
        created_at=utcnow() - age,
    )
    with writing():
        db.session.add(comment)
        db.session.flush()
        recount_comments(article.id)
        db.session.commit()
    return comment


def comment_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Comment)) or 0


def all_comments() -> list[Comment]:
    db.session.rollback()
    return list(db.session.scalars(select(Comment).order_by(Comment.id)))
