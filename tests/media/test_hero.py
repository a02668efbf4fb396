"""A story whose hero is a library picture shows it as a responsive image; the others are
unchanged."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from hublet.extensions import db
from hublet.media.library import add_picture, use_as_hero
from hublet.models import Article, Picture
from tests.builders import make_article
from tests.media import pictures


def _story_with_library_hero(app: Flask) -> None:
    with app.app_context():
        make_article("With a picture", slug="with-a-picture")
        make_article("Without", slug="without", age=timedelta(hours=2))
        added = add_picture(
            pictures.photo(1700, 900), alt="Fishing boats", caption="Dawn.", credit="AP"
        )
        db.session.flush()
        article = db.session.scalars(select(Article).where(Article.slug == "with-a-picture")).one()
        picture = db.session.scalars(
            select(Picture)
            .where(Picture.id == added.picture.id)
            .options(selectinload(Picture.variants))
        ).one()
        use_as_hero(article, picture)
        db.session.commit()


def _img_tags(html: str) -> list[str]:
    return re.findall(r"<img [^>]+>", html)


def test_the_article_hero_is_a_responsive_figure_with_credit(app: Flask, client) -> None:
    _story_with_library_hero(app)
    html = client.get("/article/with-a-picture").get_data(as_text=True)
    hero = html[html.index('<figure class="story-hero">') :]
    hero = hero[: hero.index("</figure>")]
    tag = _img_tags(hero)[0]
    assert re.search(
        r"srcset=\"(/media/[0-9a-f]{64}\.webp \d+w, )+/media/[0-9a-f]{64}\.webp 1700w", tag
    )
    assert 'fetchpriority="high"' in tag and 'loading="lazy"' not in tag
    assert 'width="1700" height="900"' in tag and 'alt="Fishing boats"' in tag
    assert '<figcaption>Dawn. <span class="credit">Credit: AP</span></figcaption>' in hero

    # Feeds and og:image keep an address: the picture's own 1600-wide file.
    assert re.search(
        r'property="og:image" content="http://localhost/media/[0-9a-f]{64}\.jpg"', html
    )


def test_cards_use_the_picture_and_other_stories_keep_their_address(app: Flask, client) -> None:
    _story_with_library_hero(app)
    html = client.get("/").get_data(as_text=True)
    lead = html[html.index('id="card-') :]
    first, second = lead.split('id="card-')[1:3]
    lead_img = _img_tags(first)[0]
    assert "srcset=" in lead_img and 'fetchpriority="high"' in lead_img
    assert 'sizes="(min-width: 1200px) 816px' in lead_img and 'alt=""' in lead_img
    other = _img_tags(second)[0]
    assert "srcset" not in other and "img/demo/demo-01" in other


def test_a_deleted_picture_leaves_the_story_with_its_address(app: Flask, client) -> None:
    _story_with_library_hero(app)
    with app.app_context():
        picture = db.session.scalars(select(Picture)).one()
        db.session.delete(picture)
        db.session.commit()
        article = db.session.scalars(select(Article).where(Article.slug == "with-a-picture")).one()
        assert article.hero_picture_id is None
    response = client.get("/article/with-a-picture")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    hero = html[html.index('<figure class="story-hero">') :]
    tag = _img_tags(hero)[0]
    assert "srcset" not in tag and re.search(r'src="/media/[0-9a-f]{64}\.jpg"', tag)


@pytest.fixture
def uncached(app_config: dict) -> dict:
    """Caches off, so that every request does (and counts) its real work."""
    app_config.update(CACHE_TYPE="NullCache", PAGE_CACHE_ENABLED=False)
    return app_config


def _give_pictures(app: Flask, count: int, first: int = 0) -> None:
    with app.app_context():
        for n in range(first, first + count):
            article = make_article(f"Pictured {n}", age=timedelta(minutes=n + 1))
            colour = (40 * n % 256, 90, 200 - 10 * n)
            added = add_picture(pictures.photo(900, 500, colour=colour), alt=f"Picture {n}")
            db.session.flush()
            picture = db.session.scalars(
                select(Picture)
                .where(Picture.id == added.picture.id)
                .options(selectinload(Picture.variants))
            ).one()
            use_as_hero(db.session.merge(article), picture)
            db.session.commit()


def _statements_for(app: Flask, client, path: str) -> int:
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("")

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.filterwarnings("ignore:Flask-Caching")
def test_pictures_on_every_card_cost_two_statements_not_one_per_card(
    uncached: dict, app: Flask, client
) -> None:
    _give_pictures(app, 1)
    _statements_for(app, client, "/")  # the first request also warms what a process keeps
    one = _statements_for(app, client, "/")
    _give_pictures(app, 6, first=1)
    html = client.get("/").get_data(as_text=True)
    assert html.count("srcset=") >= 7
    assert _statements_for(app, client, "/") == one
