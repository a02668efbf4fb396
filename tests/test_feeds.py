"""RSS, Atom, sitemaps and robots.txt, read as a feed reader or crawler would."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest

from hublet.timeutil import utcnow
from tests.builders import make_article, make_author, make_category, make_page

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def xml(client, path: str) -> ET.Element:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200, path
    return ET.fromstring(response.data)


@pytest.fixture
def content(ctx):  # type: ignore[no-untyped-def]
    sport = make_category("Sport & Games", slug="sport")
    news = make_category("News", slug="news")
    author = make_author("Ada <Lovelace>", slug="ada")
    for n in range(22):
        make_article(
            f"Sport story {n:02d}",
            category=sport,
            author=author,
            tags=["Football"],
            age=timedelta(hours=n + 1),
        )
    make_article("News story", category=news, age=timedelta(days=5))
    make_article("Secret draft", category=sport, status="draft")
    make_article("Future story", category=sport, published_at=utcnow() + timedelta(days=1))
    make_page("About Us", "about-us")


def test_rss_holds_the_20_latest(client, content):
    channel = xml(client, "/feed").find("channel")
    items = channel.findall("item")
    assert len(items) == 20
    first = items[0]
    assert first.findtext("title") == "Sport story 00"
    assert first.findtext("link").endswith("/article/sport-story-00")
    assert first.findtext("description") == "Excerpt of Sport story 00."
    assert first.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Ada <Lovelace>"
    assert first.findtext("category") == "Sport & Games"
    assert first.findtext("pubDate").endswith("GMT")
    titles = [item.findtext("title") for item in items]
    assert "Secret draft" not in titles and "Future story" not in titles


def test_atom_feed_parses_with_entries(client, content):
    feed = xml(client, "/feed/atom")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 20
    entry = entries[0]
    assert entry.findtext(f"{ATOM}title") == "Sport story 00"
    assert entry.find(f"{ATOM}author").findtext(f"{ATOM}name") == "Ada <Lovelace>"
    assert entry.find(f"{ATOM}category").get("label") == "Sport & Games"
    assert entry.findtext(f"{ATOM}published") and entry.findtext(f"{ATOM}updated")
    assert entry.findtext(f"{ATOM}summary") == "Excerpt of Sport story 00."


def test_category_feeds(client, content):
    items = xml(client, "/category/news/feed").find("channel").findall("item")
    assert [i.findtext("title") for i in items] == ["News story"]
    entries = xml(client, "/category/news/feed/atom").findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["News story"]
    assert client.get("/category/nope/feed").status_code == 404


def test_feed_content_types(client, content):
    assert client.get("/feed").headers["Content-Type"].startswith("application/rss+xml")
    assert client.get("/feed/atom").headers["Content-Type"].startswith("application/atom+xml")


def test_every_page_advertises_the_feeds(client, content):
    for path in ("/", "/article/news-story", "/category/news", "/about-us"):
        html = client.get(path).get_data(as_text=True)
        assert 'rel="alternate" type="application/rss+xml"' in html, path
        assert 'type="application/atom+xml"' in html, path
    category = client.get("/category/news").get_data(as_text=True)
    assert "/category/news/feed" in category


def test_sitemap_lists_articles_archives_pages_and_no_drafts(client, content):
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{SITEMAP}urlset"
    urls = {u.findtext(f"{SITEMAP}loc"): u.findtext(f"{SITEMAP}lastmod") for u in root}
    paths = {loc.split("localhost", 1)[1] for loc in urls}
    assert "/" in paths and "/about-us" in paths
    assert "/article/sport-story-00" in paths and "/article/news-story" in paths
    assert "/category/sport" in paths and "/tag/football" in paths and "/author/ada" in paths
    assert "/article/secret-draft" not in paths and "/article/future-story" not in paths
    assert urls["http://localhost/article/news-story"]


def test_sitemap_becomes_an_index_past_the_limit(app, client, content):
    app.config["SITEMAP_MAX_URLS"] = 10
    root = xml(client, "/sitemap.xml")
    assert root.tag == f"{SITEMAP}sitemapindex"
    parts = [s.findtext(f"{SITEMAP}loc") for s in root]
    assert any(p.endswith("/sitemaps/articles-3.xml") for p in parts)
    seen = []
    for part in parts:
        child = xml(client, part.split("localhost", 1)[1])
        assert child.tag == f"{SITEMAP}urlset"
        locs = [u.findtext(f"{SITEMAP}loc") for u in child]
        assert len(locs) <= 10
        seen += locs
    assert len(seen) == len(set(seen))
    assert sum("/article/" in loc for loc in seen) == 23
    assert client.get("/sitemaps/articles-9.xml").status_code == 404
    assert client.get("/sitemaps/nope-1.xml").status_code == 404


def test_news_sitemap_has_the_last_two_days(client, content):
    root = xml(client, "/sitemap-news.xml")
    urls = root.findall(f"{SITEMAP}url")
    titles = [u.find(f"{NEWS}news").findtext(f"{NEWS}title") for u in urls]
    assert "Sport story 00" in titles and "News story" not in titles
    publication = urls[0].find(f"{NEWS}news").find(f"{NEWS}publication")
    assert publication.findtext(f"{NEWS}name") == "Global Hublet"


def test_robots_txt(client, ctx):
    response = client.get("/robots.txt")
    text = response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "Disallow: /moderation/" in text and "Disallow: /search" in text
    assert "Sitemap: http://localhost/sitemap.xml" in text


def test_a_story_filed_under_a_second_category_is_in_that_category_feed(client, ctx):
    from sqlalchemy import insert

    from hublet.extensions import db
    from hublet.models import article_category

    world = make_category("World", slug="world")
    science = make_category("Science", slug="science")
    story = make_article("Moon water found", category=world)
    db.session.execute(insert(article_category).values(article_id=story.id, category_id=science.id))
    db.session.commit()

    titles = [item.findtext("title") for item in xml(client, "/category/science/feed").iter("item")]
    assert titles == ["Moon water found"]
    assert "Moon water found" in client.get("/category/science").get_data(as_text=True)
