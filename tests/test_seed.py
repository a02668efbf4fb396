"""``flask seed``: the demo publication, reruns, interrupted runs and synthetic articles."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from hublet.database import writing
from hublet.demo import content
from hublet.extensions import db
from hublet.models import Article, Author, Category, Page, Tag, article_tag
from hublet.timeutil import utcnow

MODELS = (Category, Author, Tag, Page, Article)


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
        assert article.hero_image.endswith(".svg") and article.hero_alt
        assert article.hero_caption and article.hero_credit
    with_figures = [a for a in articles if "<figure>" in a.body_html]
    assert len(with_figures) >= 5
    assert all("Credit:" in a.body_html for a in with_figures)
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


def test_demo_images_exist_for_every_article(runner, ctx, app):
    import os

    _seed(runner)
    for path in set(db.session.scalars(select(Article.hero_image))):
        assert os.path.exists(os.path.join(app.static_folder, path)), path
    db.session.rollback()


def test_seeding_twice_changes_nothing(runner, ctx):
    _seed(runner)
    before = _counts()
    slugs_before = sorted(db.session.scalars(select(Article.slug)))
    result = _seed(runner)
    assert "already seeded" in result.output
    assert _counts() == before
    assert sorted(db.session.scalars(select(Article.slug))) == slugs_before
    db.session.rollback()


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
    assert _counts() == complete


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
    for article in synthetic:
        assert article.word_count > 0 and article.status == "published"
        assert "<script" not in article.body_html
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
