"""Static pages and contact messages."""

from __future__ import annotations

from sqlalchemy import select

from hublet.extensions import db
from hublet.models import ContactMessage, Page


def menu_pages() -> list[Page]:
    """The static pages in link order."""
    return list(db.session.scalars(select(Page).order_by(Page.position, Page.title)))


def page_by_slug(slug: str) -> Page | None:
    return db.session.scalar(select(Page).where(Page.slug == slug))


def store_contact_message(
    name: str, email: str, subject: str, message: str, ip_address: str
) -> ContactMessage:
    """Keep a reader's message for the team."""
    stored = ContactMessage(
        name=name, email=email, subject=subject, message=message, ip_address=ip_address
    )
    db.session.add(stored)
    db.session.commit()
    return stored
