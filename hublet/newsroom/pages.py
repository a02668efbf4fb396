"""What the newsroom changes on static pages (About Us, Privacy Policy, ...): read, preview, save.

A page is written in Markdown like a story: ``body_html`` is rendered from it, and the model
passes it through the one sanitizing gate on save. Pages seeded or imported as HTML have no
Markdown (``""``): their HTML is what the editor starts from, and Markdown leaves it as HTML.

Lost updates cannot happen: a save names the version it started from and bumps it only where
it still is that version (one conditional ``UPDATE``); otherwise :class:`StalePage` and nothing
is written. The caches follow on their own: a commit that wrote the ``page`` table bumps the
content version (``hublet.caching``), which retires every cached page, menus included.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect

from hublet.database import claim_version
from hublet.extensions import db
from hublet.models import Account, Page
from hublet.moderation.services import record
from hublet.newsroom.markup import render_markdown
from hublet.sanitize import STORED_POLICIES
from hublet.timeutil import utcnow


@dataclass(frozen=True)
class PageValues:
    """A page's fields as the editor's form gives them, already checked."""

    title: str
    slug: str
    body_markdown: str
    position: int


class StalePage(Exception):
    """Someone saved the page since this save's editor opened it; ``current`` is the page as
    stored now. Nothing of the refused save was written."""

    def __init__(self, current: Page) -> None:
        super().__init__(f"page {current.id} is at version {current.version}")
        self.current = current


def all_pages() -> list[Page]:
    """Every static page, in the order the site links them."""
    return list(db.session.scalars(select(Page).order_by(Page.position, Page.title, Page.id)))


def page(page_id: int) -> Page | None:
    """One page by id."""
    return db.session.get(Page, page_id)


def editable_text(row: Page) -> str:
    """What the editor shows: the Markdown typed, or the HTML of a seeded/imported page."""
    return row.body_markdown or row.body_html


def preview_html(markdown_text: str) -> str:
    """Exactly what readers would see: the Markdown rendered, then the gate the model uses."""
    return STORED_POLICIES["page"]["body_html"](render_markdown(markdown_text))


def slug_taken(slug: str, page_id: int | None) -> bool:
    """True when another page has this slug."""
    query = select(Page.id).where(Page.slug == slug)
    if page_id is not None:
        query = query.where(Page.id != page_id)
    return db.session.scalar(query) is not None


def slug_shadowed(slug: str) -> bool:
    """True when ``/<slug>`` is one of the site's own addresses (search, login, contact...),
    so a page there could never be reached."""
    adapter = current_app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(f"/{slug}", method="GET")
    except NotFound:
        return False
    except (RequestRedirect, MethodNotAllowed):  # /newsroom -> /newsroom/; a POST-only route
        return True
    return endpoint != "site.static_page"


def _claim_version(row: Page, base_version: int) -> None:
    """Bump the stored version from ``base_version``, or raise :class:`StalePage`."""
    if not claim_version(row, base_version):
        db.session.rollback()
        current = db.session.get(Page, row.id, populate_existing=True)
        raise StalePage(current if current is not None else row)


def save_page(
    account: Account, row: Page | None, values: PageValues, base_version: int | None = None
) -> Page:
    """Store a new page (``row`` None) or the page's new text, with an audit entry.

    ``base_version`` is the version the editor started from (default: the one loaded); when
    the page has moved on since, :class:`StalePage` is raised and nothing is written."""
    created = row is None
    if row is None:
        row = Page(version=1)
        db.session.add(row)
    else:
        _claim_version(row, row.version if base_version is None else base_version)
    row.title = values.title
    row.slug = values.slug
    row.position = values.position
    row.body_markdown = values.body_markdown
    row.body_html = render_markdown(values.body_markdown)  # sanitized by the model on save
    row.updated_at = utcnow()
    db.session.flush()
    record(account, "page-created" if created else "page-edited", "page", row.id, row.title)
    db.session.commit()
    return row
