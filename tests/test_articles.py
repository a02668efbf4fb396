"""Article pages and archives, as a reader sees them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hublet.timeutil import utcnow
from tests.builders import make_article, make_author, make_category


def test_article_page_shows_breadcrumbs_meta_hero_tags(client, ctx):
    category = make_category("World News", slug="world")
    author = make_author("Ada Lovelace", slug="ada")
    make_article(
        "Bridges reopen after repairs",
        category=category,
        author=author,
        tags=["Transport", "Cities"],
        body_html="<p>" + "word " * 450 + "</p>",
        hero_caption="The old bridge at dawn.",
        hero_credit="AP",
    )
    html = client.get("/article/bridges-reopen-after-repairs").get_data(as_text=True)
    assert 'aria-label="Breadcrumbs"' in html
    assert ">World News</a>" in html and "Bridges reopen after repairs</span>" in html
    assert "By <a" in html and "Ada Lovelace" in html
    assert "No Comments" in html
    assert "3 Mins Read" in html  # 450 words at 200 a minute, rounded up
    assert "The old bridge at dawn." in html and "Credit: AP" in html
    assert 'rel="tag">Cities</a>' in html and 'rel="tag">Transport</a>' in html
    assert "Updated:" not in html  # never edited after publication
    assert html.count("<h1") == 1


def test_updated_date_shows_only_when_it_differs(client, ctx):
    published = utcnow().replace(microsecond=0) - timedelta(days=3)
    make_article("Edited story", published_at=published, updated_at=published + timedelta(days=1))
    html = client.get("/article/edited-story").get_data(as_text=True)
    assert "Updated:" in html


def test_related_posts_prefer_shared_tags_then_category_never_itself(client, ctx):
    sport = make_category("Sport")
    news = make_category("News")
    make_article("Main story", category=sport, tags=["Football", "Cup", "Derby"])
    make_article("Two shared tags", category=news, tags=["Football", "Cup"], age=timedelta(days=9))
    make_article("One shared tag", category=news, tags=["Derby"], age=timedelta(days=8))
    make_article("Same category", category=sport, age=timedelta(days=7))
    make_article("Newest unrelated", category=news, age=timedelta(minutes=5))
    html = client.get("/article/main-story").get_data(as_text=True)
    related = html.split('id="related-heading"')[1].split("</section>")[0]
    order = [related.index(t) for t in ("Two shared tags", "One shared tag", "Same category")]
    assert order == sorted(order)
    assert "Newest unrelated" not in related
    assert "Main story</a>" not in related


@pytest.mark.parametrize("status, delta", [("draft", None), ("published", timedelta(days=-1))])
def test_drafts_and_future_articles_are_invisible_everywhere(client, ctx, status, delta):
    category = make_category("Hidden place", slug="hidden-place")
    author = make_author("Hidden Author", slug="hidden-author")
    fields = {"published_at": utcnow() - delta} if delta is not None else {}
    make_article(
        "Secret story",
        status=status,
        category=category,
        author=author,
        tags=["Secret"],
        is_hot=True,
        **fields,
    )
    make_article("Visible story", category=category, tags=["Secret"])
    assert client.get("/article/secret-story").status_code == 404
    for path in (
        "/",
        "/category/hidden-place",
        "/tag/secret",
        "/author/hidden-author",
        "/article/visible-story",
    ):
        html = client.get(path).get_data(as_text=True)
        assert "Secret story" not in html, path
        assert "Visible story" in html, path


def test_archives_show_heading_count_and_cards(client, ctx):
    category = make_category("Business", slug="business")
    for n in range(3):
        make_article(f"Market story {n}", category=category, age=timedelta(hours=n + 1))
    html = client.get("/category/business").get_data(as_text=True)
    assert "<h1" in html and "Business</h1>" in html
    assert "3 articles" in html
    assert html.index("Market story 0") < html.index("Market story 2")


def test_archive_paging_and_older_posts_link(client, ctx):
    category = make_category("Paged", slug="paged")
    for n in range(12):
        make_article(f"Paged story {n:02d}", category=category, age=timedelta(hours=n + 1))
    first = client.get("/category/paged").get_data(as_text=True)
    assert "Older posts" in first and 'href="/category/paged?page=2"' in first
    second = client.get("/category/paged?page=2").get_data(as_text=True)
    assert "Paged story 10" in second and "Paged story 11" in second
    assert "Paged story 09" not in second


@pytest.mark.parametrize(
    "path",
    [
        "/article/nope",
        "/category/nope",
        "/tag/nope",
        "/author/nope",
        "/category/paged?page=3",
        "/?page=abc",
        "/?page=-1",
        "/?page=0",
        "/?page=99",
        "/?page=1e3",
        "/?page=%EF%BC%92",
    ],
)
def test_unknown_things_are_404_never_500(client, ctx, path):
    make_article("Only story", category=make_category("Paged", slug="paged"))
    response = client.get(path)
    assert response.status_code == 404
    assert "couldn&#39;t find" in response.get_data(as_text=True)
