"""Storing the demo publication; rerunnable: every row is looked up by slug before it is added.

The stories' pictures are drawn here (:mod:`hublet.demo.pictures`) and stored through the
media library like any upload, once per seed run that adds stories: twelve pictures shared
by all of them, each a hero (``use_as_hero``) and a body figure (its ``/media/`` address).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import func, insert, select
from sqlalchemy.orm import selectinload

from hublet.database import writing
from hublet.demo import content
from hublet.demo.pictures import CREDIT, DEMO_PICTURES
from hublet.extensions import db
from hublet.media.library import add_picture, use_as_hero
from hublet.media.processing import Processed, process
from hublet.media.storage import storage
from hublet.models import Article, Author, Category, Page, Picture, Tag, article_tag
from hublet.sanitize import clean_article_html, count_words
from hublet.text import slugify
from hublet.timeutil import utcnow


@dataclass
class SeedReport:
    """What a seed run added."""

    categories: int = 0
    authors: int = 0
    tags: int = 0
    pages: int = 0
    articles: int = 0
    pictures: int = 0
    upgraded: int = 0  # stories of an older seed moved from placeholder drawings to pictures

    @property
    def added_anything(self) -> bool:
        return any((self.categories, self.authors, self.tags, self.pages, self.articles))


def seed_demo() -> SeedReport:
    """Add whatever part of the demo publication is missing, committing as it goes.

    A run killed halfway leaves whole rows behind; the next run adds the rest.
    """
    report = SeedReport()
    with writing():
        categories = _ensure_categories(report)
        authors = _ensure_authors(report)
        tags = _ensure_tags(report)
        _ensure_pages(report)
        db.session.commit()
        existing = set(db.session.scalars(select(Article.slug)))
        pictures: list[Picture] | None = None
        for demo in content.demo_articles(utcnow()):
            if demo.slug in existing:
                continue
            if pictures is None:  # only a run that adds stories needs their pictures
                pictures = _ensure_pictures(report)
            article = Article(
                title=demo.title,
                slug=demo.slug,
                excerpt=demo.excerpt,
                body_html=_place_figures(demo.body_html, pictures),
                category=categories[demo.category_slug],
                author=authors[demo.author_slug],
                tags=[tags[name] for name in demo.tag_names],
                status="published",
                published_at=demo.published_at,
                updated_at=demo.published_at,
                created_at=demo.published_at,
                is_featured=demo.is_featured,
                is_hot=demo.is_hot,
            )
            if demo.hero_image:
                article.hero_image = demo.hero_image
                article.hero_alt = demo.hero_alt
                article.hero_caption = demo.hero_caption
                article.hero_credit = demo.hero_credit
            else:
                use_as_hero(article, pictures[demo.hero_picture])
            db.session.add(article)
            db.session.commit()
            report.articles += 1
        _upgrade_placeholders(report, pictures)
        # End the transaction (and SQLite's write lock) even when nothing was added: the hooks
        # below write through connections of their own.
        db.session.commit()
    if report.articles:
        # Articles added through the ORM are indexed as they are written; the hook is for the
        # listeners that rebuild derived data in bulk. Nothing added: nothing to rebuild.
        _after_articles_written()
    return report


#: The SVG drawings an older ``flask seed`` gave the demo stories (still in static/ for tests).
_PLACEHOLDER_HERO = "img/demo/demo-%.svg"
_PLACEHOLDER_SRC = re.compile(r'src="/static/img/demo/demo-\d+\.svg"')


def _upgrade_placeholders(report: SeedReport, pictures: list[Picture] | None) -> None:
    """Demo stories seeded before the demo had pictures get them: their hero becomes their
    library picture and a body figure shows the stored file, so ``make run`` on an existing
    instance shows the media pipeline too. One statement when there is nothing to do."""
    waiting = {
        a.slug: a
        for a in db.session.scalars(
            select(Article).where(
                Article.hero_picture_id.is_(None), Article.hero_image.like(_PLACEHOLDER_HERO)
            )
        )
    }
    if not waiting:
        return
    for demo in content.demo_articles(utcnow()):
        article = waiting.get(demo.slug)
        if article is None or demo.hero_image:
            continue
        if pictures is None:
            pictures = _ensure_pictures(report)
        use_as_hero(article, pictures[demo.hero_picture])
        figure = _FIGURE_SRC.search(demo.body_html)
        if figure is not None:  # the old figure is 16:9 too: only its file changes
            address = _figure_address(pictures[int(figure.group(1))])
            article.body_html = _PLACEHOLDER_SRC.sub(f'src="{address}"', article.body_html)
        report.upgraded += 1
    db.session.commit()


@lru_cache(maxsize=len(DEMO_PICTURES))
def _processed(data: bytes) -> Processed:
    """A demo picture checked and resized once per process (seconds of CPU for the twelve): a
    test session seeds many fresh instances, each storing the same files."""
    return process(data)


def _ensure_pictures(report: SeedReport) -> list[Picture]:
    """The demo's pictures, in :data:`DEMO_PICTURES` order, stored through the media library
    (checked, stripped and resized like any upload) unless a run before stored them; the
    library knows them again by the hash of their bytes, which drawing reproduces exactly."""
    ids = []
    for demo in DEMO_PICTURES:
        data = demo.draw()
        added = add_picture(
            data,
            alt=demo.alt,
            caption=demo.caption,
            credit=CREDIT,
            processed=_processed(data),
        )
        db.session.flush()
        report.pictures += added.created
        ids.append(added.picture.id)
    db.session.commit()  # the files are stored; the rows too, before any story uses them
    found = {
        p.id: p
        for p in db.session.scalars(
            select(Picture).where(Picture.id.in_(ids)).options(selectinload(Picture.variants))
        )
    }
    # Detached, so the commit after each story leaves them loaded (variants are lazy="raise").
    for picture in found.values():
        db.session.expunge(picture)
    return [found[i] for i in ids]


_FIGURE_SRC = re.compile(r'src="' + re.escape(content.FIGURE_SRC) + r'(\d+)"')


def _place_figures(body_html: str, pictures: list[Picture]) -> str:
    """The body with each demo figure pointing at its stored picture: the library's address
    of the picture in its own format at most 1200 wide, with the picture's size (the body's
    responsive step, where installed, adds the WebP ``srcset``)."""

    def stored(match: re.Match[str]) -> str:
        picture = pictures[int(match.group(1))]
        address = _figure_address(picture)
        return f'src="{address}" width="{picture.width}" height="{picture.height}"'

    return _FIGURE_SRC.sub(stored, body_html)


def _figure_address(picture: Picture) -> str:
    """The picture's file in its own format at most :data:`FIGURE_WIDTH` wide."""
    own = sorted((v for v in picture.variants if v.format == picture.format), key=lambda v: v.width)
    return storage().url(([v for v in own if v.width <= FIGURE_WIDTH] or own)[-1].key)


#: The widest file a body figure's ``src`` names (the story column is at most 816 px wide).
FIGURE_WIDTH = 1200


def _ensure_categories(report: SeedReport) -> dict[str, Category]:
    found = {c.slug: c for c in db.session.scalars(select(Category))}
    for position, (name, slug, in_more) in enumerate(content.CATEGORIES):
        if slug not in found:
            found[slug] = Category(name=name, slug=slug, position=position, in_more_menu=in_more)
            db.session.add(found[slug])
            report.categories += 1
    return found


def _ensure_authors(report: SeedReport) -> dict[str, Author]:
    found = {a.slug: a for a in db.session.scalars(select(Author))}
    for name, slug, bio in content.AUTHORS:
        if slug not in found:
            found[slug] = Author(name=name, slug=slug, bio=bio)
            db.session.add(found[slug])
            report.authors += 1
    return found


def _ensure_tags(report: SeedReport) -> dict[str, Tag]:
    found = {t.name: t for t in db.session.scalars(select(Tag))}
    for name in content.TAGS:
        if name not in found:
            found[name] = Tag(name=name, slug=slugify(name))
            db.session.add(found[name])
            report.tags += 1
    return found


def _ensure_pages(report: SeedReport) -> None:
    existing = set(db.session.scalars(select(Page.slug)))
    for position, (title, slug, paragraphs) in enumerate(content.PAGES):
        if slug not in existing:
            body = "".join(f"<p>{p}</p>" for p in paragraphs)
            db.session.add(Page(title=title, slug=slug, body_html=body, position=position))
            report.pages += 1


SYNTHETIC_PREFIX = "synthetic-story-"
BATCH = 5000


def seed_synthetic(count: int, progress: Callable[[int], None] | None = None) -> int:
    """Add ``count`` synthetic articles for scale tests and benchmarks, in bulk inserts.

    Numbering continues from the synthetic articles already stored, so reruns add more rather
    than colliding. The demo publication's taxonomies must exist (``seed_demo`` first).
    """
    with writing():
        category_ids = list(db.session.scalars(select(Category.id).order_by(Category.id)))
        author_ids = list(db.session.scalars(select(Author.id).order_by(Author.id)))
        tag_ids = list(db.session.scalars(select(Tag.id).order_by(Tag.id)))
        start = (
            db.session.scalar(
                select(func.count())
                .select_from(Article)
                .where(Article.slug.like(f"{SYNTHETIC_PREFIX}%"))
            )
            or 0
        )
        db.session.commit()
        heroes = [_hero_columns(picture) for picture in _ensure_pictures(SeedReport())]
    bodies = _synthetic_bodies()
    now = utcnow()
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        rows = []
        for offset in range(size):
            number = start + done + offset + 1
            body, words = bodies[number % len(bodies)]
            published = now.replace(microsecond=0) - _age(number)
            rows.append(
                {
                    "title": f"Archive report {number}: notes from the newsroom",
                    "slug": f"{SYNTHETIC_PREFIX}{number}",
                    "excerpt": f"Archive report number {number}, kept for the record.",
                    "body_html": body,
                    "word_count": words,
                    **heroes[number % len(heroes)],
                    "category_id": category_ids[number % len(category_ids)],
                    "author_id": author_ids[number % len(author_ids)],
                    "status": "published",
                    "published_at": published,
                    "updated_at": published,
                    "created_at": published,
                    "is_featured": False,
                    "is_hot": False,
                    "comments_open": True,
                    "comment_count": 0,
                }
            )
        with writing():
            db.session.execute(insert(Article), rows)
            slugs = [row["slug"] for row in rows]
            ids = db.session.execute(
                select(Article.id, Article.slug).where(Article.slug.in_(slugs))
            ).all()
            links = []
            for article_id, slug in ids:
                number = int(slug.removeprefix(SYNTHETIC_PREFIX))
                for k in range(2):
                    links.append(
                        {
                            "article_id": article_id,
                            "tag_id": tag_ids[(number + 7 * k) % len(tag_ids)],
                        }
                    )
            db.session.execute(insert(article_tag), links)
            db.session.commit()
        done += size
        if progress is not None:
            progress(size)
    _after_articles_written()
    return done


_HERO_COLUMNS = (
    "hero_picture_id",
    "hero_image",
    "hero_width",
    "hero_height",
    "hero_alt",
    "hero_caption",
    "hero_credit",
)


def _hero_columns(picture: Picture) -> dict[str, object]:
    """The columns ``use_as_hero`` sets, for bulk inserts (which have no ORM object)."""
    scratch = Article()
    use_as_hero(scratch, picture)
    return {name: getattr(scratch, name) for name in _HERO_COLUMNS}


def _age(number: int):
    from datetime import timedelta

    # Spread synthetic stories back in time, older than the demo's four months.
    return timedelta(days=130, minutes=7 * number)


def _synthetic_bodies() -> list[tuple[str, int]]:
    """A few sanitized bodies, shared by all synthetic rows (bulk inserts skip ORM events)."""
    bodies = []
    for variant in range(8):
        paragraphs = [
            " ".join(
                content.SENTENCES[(variant + i + j) % len(content.SENTENCES)] for j in range(3)
            )
            .replace("{Subject}", "The newsroom")
            .replace("{topic}", "the archive")
            .replace("{weekday}", content.WEEKDAYS[variant % 5])
            for i in range(3 + variant % 5)
        ]
        html = clean_article_html("".join(f"<p>{p}</p>" for p in paragraphs))
        bodies.append((html, count_words(html)))
    return bodies


def _after_articles_written() -> None:
    """Hook for indexes that follow article writes (search), called after every seed run."""
    from hublet import signals

    signals.articles_bulk_changed.send()


def seed_synthetic_comments(count: int, progress: Callable[[int], None] | None = None) -> int:
    """Add ``count`` approved comments in bulk, for benchmarks, spread over the newest stories;
    comment counts are brought up to date at the end."""
    from sqlalchemy import update

    from hublet.models import Comment

    with writing():
        article_ids = list(
            db.session.scalars(select(Article.id).order_by(Article.published_at.desc()).limit(2000))
        )
        db.session.commit()
    if not article_ids:
        return 0
    now = utcnow().replace(microsecond=0)
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        rows = []
        for offset in range(size):
            number = done + offset
            # About a hundred comments on each of the newest two thousand stories.
            article_id = article_ids[number % len(article_ids)]
            rows.append(
                {
                    "article_id": article_id,
                    "parent_id": None,
                    "depth": 1,
                    "author_name": f"Reader {number % 997}",
                    "author_email": f"reader{number % 997}@example.com",
                    "author_url": "",
                    "body_html": f"<p>Comment number {number}: thanks for the report.</p>",
                    "status": "approved",
                    "ip_address": f"10.0.{number % 250}.{number % 200}",
                    "user_agent": "bench",
                    "created_at": now,
                }
            )
        with writing():
            db.session.execute(insert(Comment), rows)
            db.session.commit()
        done += size
        if progress is not None:
            progress(size)
    with writing():
        approved = (
            select(func.count())
            .select_from(Comment)
            .where(Comment.article_id == Article.id, Comment.status == "approved")
            .scalar_subquery()
        )
        db.session.execute(update(Article).values(comment_count=approved))
        db.session.commit()
    return done
