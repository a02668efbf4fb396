"""A live server with the demo publication in it, for browser tests that need a real site."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from sqlalchemy import select

from hublet.extensions import db
from hublet.models import Article


@dataclass
class SeededSite:
    """The live server's address and a few facts about its content."""

    url: str
    article_slug: str
    article_title: str


@pytest.fixture
def seeded(app: Flask, live_server) -> SeededSite:  # type: ignore[no-untyped-def]
    """The demo publication (``flask seed``) behind the live server."""
    from hublet.demo.seed import seed_demo

    with app.app_context():
        seed_demo()
        # An article with tags and a hero credit, as readers find them on the home page.
        article = db.session.scalars(
            select(Article).order_by(Article.published_at.desc()).offset(3).limit(1)
        ).one()
        site = SeededSite(live_server.url, article.slug, article.title)
        db.session.rollback()
    return site
