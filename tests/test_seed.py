"""``flask seed``: the demo publication, reruns, interrupted runs and synthetic articles."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from hublet.database import writing
from hublet.demo import content
from hublet.extensions import db
from hublet.media.storage import storage
from hublet.media_files import media_folder
from hublet.models import Article, Author, Category, Page, Picture, Tag, article_tag
from hublet.timeutil import utcnow

MODELS = (Category, Author, Tag, Page, Article, Picture)


def _counts() -> dict[str, int]:
    found = {m.__name__: db.session.scalar(select(func.count()).select_from(m)) for m in MODELS}
    found["links"] = db.session.scalar(select(func.count()).select_from(article_tag))
    db.session.rollback()
    return found


def _seed(runner, *args: str):  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["seed", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def test_seed_fills_the_demo_publication(runner, ctx, client):
    result = _seed(runner)
    assert "Seeded 6 categories, 3 authors" in result.output
    assert "Stored 12 demo pictures in the media library." in result.output
    counts = _counts()
    assert counts["Category"] == 6
    assert counts["Author"] == 3
    assert counts["Tag"] >= 25
    assert counts["Page"] == 5
    assert counts["Article"] >= 60

    articles = db.session.scalars(select(Article)).all()
    assert sum(a.is_featured for a in articles) == 3
    assert sum(a.is_hot for a in articles) == 3
    now = utcnow()
    dates = [a.published_at for a in articles]
    assert all(a.status == "published" for a in articles)
    assert max(dates) <= now
    assert min(dates) >= now - timedelta(days=125)  # the last four months
    assert max(dates) - min(dates) >= timedelta(days=90)  # spread over them
    for article in articles:
        paragraphs = article.body_html.count("<p>")
        assert 3 <= paragraphs <= 8, article.slug
        # A library picture, with the columns feeds and og:image read pointing at its file.
        assert article.hero_picture_id is not None, article.slug
        assert re.fullmatch(r"/media/[0-9a-f]{64}\.jpg", article.hero_image), article.hero_image
        assert (article.hero_width, article.hero_height) == (1600, 900)
        assert article.hero_alt and article.hero_caption and article.hero_credit
    with_figures = [a for a in articles if "<figure>" in a.body_html]
    assert len(with_figures) >= 5
    assert all("Credit:" in a.body_html for a in with_figures)
    assert all(re.search(r'<img src="/media/[0-9a-f]{64}\.jpg"', a.body_html) for a in with_figures)
    assert not any("demo-picture:" in a.body_html or "/static/" in a.body_html for a in articles)
    assert len({a.title for a in articles}) == len(articles)
    assert {p.title for p in db.session.scalars(select(Page))} == {
        "About Us",
        "Contact Us",
        "Privacy Policy",
        "Terms & Conditions",
        "Disclaimer",
    }
    db.session.rollback()

    # The seeded site serves its pages.
    for path in ("/", "/?page=2", "/about-us", "/contact-us", "/category/sports-highlights"):
        assert client.get(path).status_code == 200, path


def test_demo_pictures_are_library_pictures_stored_in_every_width(runner, ctx, client):
    from PIL import Image

    _seed(runner)
    pictures = db.session.scalars(select(Picture).options(selectinload(Picture.variants))).all()
    assert len(pictures) == 12  # drawn once per seed, shared by the stories
    store = storage()
    keys = set()
    for picture in pictures:
        assert (picture.width, picture.height, picture.format) == (1600, 900, "jpg")
        assert picture.alt.strip() and picture.caption and picture.credit == "Hublet Studio"
        sizes = {(v.format, v.width) for v in picture.variants}
        assert sizes == {(f, w) for f in ("webp", "jpg") for w in (400, 800, 1200, 1600)}
        for variant in picture.variants:
            keys.add(variant.key)
            with store.open(variant.key) as stored:  # the file is there and is that picture
                image = Image.open(stored)
                assert image.size == (variant.width, variant.height)
                assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[variant.format]
                assert "exif" not in image.info
    # Every address a story shows (hero and body figures) is one of those stored files.
    shown = set()
    for article in db.session.scalars(select(Article)):
        shown.add(article.hero_image.removeprefix("/media/"))
        shown.update(re.findall(r"/media/([0-9a-f]{64}\.(?:jpg|webp))", article.body_html))
    assert shown <= keys
    db.session.rollback()

    # Readers get them responsive: the home page's cards carry WebP srcsets, and every
    # <img> has its alt attribute and its size.
    html = client.get("/").get_data(as_text=True)
    images = re.findall(r"<img\b[^>]*>", html)
    assert len([i for i in images if 'srcset="/media/' in i and ".webp 800w" in i]) >= 5
    for image in images:
        assert all(re.search(rf"\s{name}=", image) for name in ("alt", "width", "height")), image
    sample = re.search(r'src="(/media/[0-9a-f]{64}\.jpg)"', html).group(1)
    response = client.get(sample)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"


def test_demo_pictures_are_drawn_the_same_every_time_and_differ_by_category():
    from PIL import Image, ImageStat

    from hublet.demo.pictures import DEMO_PICTURES, draw_picture

    draw = draw_picture.__wrapped__  # past the per-process cache: really drawn twice
    first = DEMO_PICTURES[0]
    assert draw(first.category, first.number) == draw(first.category, first.number)
    averages = {}
    for picture in DEMO_PICTURES:
        image = Image.open(io.BytesIO(picture.draw()))
        assert image.size == (1600, 900) and image.format == "JPEG"
        averages.setdefault(picture.category, ImageStat.Stat(image.convert("RGB")).mean)
    assert len({picture.draw() for picture in DEMO_PICTURES}) == 12
    # Each category has its own palette: no two look alike on average.
    colours = list(averages.values())
    for i, one in enumerate(colours):
        for other in colours[i + 1 :]:
            assert sum(abs(a - b) for a, b in zip(one, other, strict=True)) > 30


def test_seeding_twice_changes_nothing(runner, ctx):
    _seed(runner)
    before = _counts()
    slugs_before = sorted(db.session.scalars(select(Article.slug)))
    files_before = sorted(p.name for p in media_folder().iterdir())
    result = _seed(runner)
    assert "already seeded" in result.output
    assert "pictures" not in result.output
    assert _counts() == before  # no picture stored twice either
    assert sorted(db.session.scalars(select(Article.slug))) == slugs_before
    assert sorted(p.name for p in media_folder().iterdir()) == files_before
    db.session.rollback()


def test_stories_of_an_older_seed_get_their_pictures(runner, ctx):
    """An instance seeded when the demo's pictures were SVG drawings under static/ gets
    library pictures from the next ``flask seed`` (``make run`` runs it every time)."""
    _seed(runner)
    with writing():
        db.session.execute(
            update(Article).values(hero_picture_id=None, hero_image="img/demo/demo-01.svg")
        )
        for article in db.session.scalars(
            select(Article).where(Article.body_html.like("%<figure%"))
        ):
            article.body_html = re.sub(
                r'src="/media/[^"]+"', 'src="/static/img/demo/demo-03.svg"', article.body_html
            )
        db.session.commit()
    before = _counts()

    result = _seed(runner)
    assert "Gave 66 demo stories seeded before the demo had pictures" in result.output
    assert "already seeded" not in result.output and "Seeded" not in result.output
    assert _counts() == before  # no story and no picture added, the same ones used
    articles = db.session.scalars(select(Article)).all()
    assert all(a.hero_picture_id and a.hero_image.startswith("/media/") for a in articles)
    assert not any("/static/img/demo/" in a.body_html for a in articles)
    assert sum("<figure" in a.body_html for a in articles) >= 5
    db.session.rollback()
    assert "already seeded; nothing changed" in _seed(runner).output


def test_a_run_with_missing_rows_is_completed_without_duplicates(runner, ctx):
    _seed(runner)
    complete = _counts()
    with writing():
        doomed = list(db.session.scalars(select(Article.id).order_by(Article.id).limit(7)))
        db.session.execute(delete(article_tag).where(article_tag.c.article_id.in_(doomed)))
        db.session.execute(delete(Article).where(Article.id.in_(doomed)))
        db.session.execute(delete(Page).where(Page.slug.in_(["disclaimer", "about-us"])))
        db.session.commit()
    assert _counts()["Article"] == complete["Article"] - 7

    result = _seed(runner)
    assert "2 pages and 7 articles" in result.output
    assert "pictures" not in result.output  # the ones stored before are found again
    assert _counts() == complete
    restored = db.session.scalars(select(Article).order_by(Article.id.desc()).limit(7)).all()
    assert all(a.hero_picture_id is not None for a in restored)
    db.session.rollback()


def test_a_run_killed_halfway_is_completed_by_the_next(runner, ctx, monkeypatch):
    everything = content.demo_articles

    def dies_after_twenty(now, *args, **kwargs):  # type: ignore[no-untyped-def]
        for number, article in enumerate(everything(now, *args, **kwargs)):
            if number == 20:
                raise KeyboardInterrupt("killed")
            yield article

    monkeypatch.setattr(content, "demo_articles", dies_after_twenty)
    result = runner.invoke(args=["seed"])
    assert result.exit_code != 0
    db.session.rollback()
    assert _counts()["Article"] == 20  # whole rows, committed as they went

    monkeypatch.setattr(content, "demo_articles", everything)
    _seed(runner)
    finished = _counts()
    assert finished["Article"] == len(everything(utcnow()))
    slugs = list(db.session.scalars(select(Article.slug)))
    assert len(slugs) == len(set(slugs))
    db.session.rollback()
    assert "already seeded" in _seed(runner).output
    assert _counts() == finished


def test_seed_articles_adds_synthetic_articles_in_bulk(runner, ctx, client):
    result = _seed(runner, "--articles", "25")
    assert "Added 25 synthetic articles." in result.output
    assert "Synthetic articles" in result.output  # the progress bar's label
    demo = len(content.demo_articles(utcnow()))
    assert _counts()["Article"] == demo + 25

    result = _seed(runner, "--articles", "5")
    assert "already seeded" in result.output
    assert "Added 5 synthetic articles." in result.output
    counts = _counts()
    assert counts["Article"] == demo + 30
    slugs = list(db.session.scalars(select(Article.slug)))
    assert len(slugs) == len(set(slugs))

    synthetic = db.session.scalars(
        select(Article).where(Article.slug.like("synthetic-story-%")).order_by(Article.id)
    ).all()
    assert len(synthetic) == 30
    demo_pictures = set(db.session.scalars(select(Picture.id)))
    assert len(demo_pictures) == 12  # the synthetic stories share the demo's pictures
    for article in synthetic:
        assert article.word_count > 0 and article.status == "published"
        assert "<script" not in article.body_html
        assert article.hero_picture_id in demo_pictures
        assert article.hero_image.startswith("/media/") and article.hero_alt
    slug = synthetic[-1].slug
    db.session.rollback()
    # Each synthetic story has tags and is a real, readable article.
    html = client.get(f"/article/{slug}").get_data(as_text=True)
    assert re.search(r'rel="tag">[^<]+</a>', html)
    # They sit behind the demo articles in the listing: the home page still leads with the demo.
    assert "synthetic-story-" not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("bad", ["0", "-3", "many"])
def test_seed_articles_rejects_nonsense(runner, ctx, bad):
    result = runner.invoke(args=["seed", "--articles", bad])
    assert result.exit_code == 2
    assert "Invalid value" in result.output
    assert _counts()["Article"] == 0
