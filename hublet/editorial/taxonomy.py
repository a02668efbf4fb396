"""Finding or making the categories, tags and authors that imported articles refer to."""

from __future__ import annotations

from sqlalchemy import func, select

from hublet.editorial.report import ImportReport
from hublet.extensions import db
from hublet.models import Author, Category, Tag
from hublet.text import slugify


def _by_slug_or_name(model, slug: str, name: str):
    found = db.session.scalar(select(model).where(model.slug == slug))
    if found is None and name:
        found = db.session.scalar(select(model).where(func.lower(model.name) == name.lower()))
    return found


def ensure_category(
    name: str, slug: str | None, report: ImportReport, description: str = ""
) -> Category:
    """The category with this slug (or name), made when missing; renamed when told."""
    slug = slug or slugify(name, "category")
    category = _by_slug_or_name(Category, slug, name)
    if category is None:
        position = (db.session.scalar(select(func.max(Category.position))) or 0) + 1
        category = Category(
            name=name[:120] or slug, slug=slug, description=description, position=position
        )
        db.session.add(category)
        db.session.flush()
        report.count("categories", created=True)
    return category


def ensure_tag(name: str, slug: str | None, report: ImportReport) -> Tag:
    """The tag with this slug (or name), made when missing."""
    slug = slug or slugify(name, "tag")
    tag = _by_slug_or_name(Tag, slug, name)
    if tag is None:
        tag = Tag(name=name[:120] or slug, slug=slug)
        db.session.add(tag)
        db.session.flush()
        report.count("tags", created=True)
    return tag


def ensure_author(name: str, slug: str | None, report: ImportReport, bio: str = "") -> Author:
    """The author with this slug (or name), made when missing."""
    slug = slug or slugify(name, "author")
    author = _by_slug_or_name(Author, slug, name)
    if author is None:
        author = Author(name=name[:120] or slug, slug=slug, bio=bio)
        db.session.add(author)
        db.session.flush()
        report.count("authors", created=True)
    return author
