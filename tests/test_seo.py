"""The head of every page: title, description, canonical, Open Graph, Twitter, JSON-LD."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from flask import render_template_string

from tests.builders import make_article, make_author, make_category, make_page


class Head(HTMLParser):
    """The head's meta and link tags and its JSON-LD blocks, as a crawler reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []
        self.title = ""
        self.json_ld: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = values.get("property") or values.get("name")
            if key:
                self.meta.setdefault(key, []).append(values.get("content", ""))
        elif tag == "link":
            self.links.append(values)
        elif tag == "title":
            self._in = "title"
        elif tag == "script" and values.get("type") == "application/ld+json":
            self._in = "json"
            self.json_ld.append("")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        self._in = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._in == "title":
            self.title += data
        elif self._in == "json":
            self.json_ld[-1] += data

    def canonical(self) -> list[str]:
        return [link["href"] for link in self.links if link.get("rel") == "canonical"]


def head_of(client, path: str) -> Head:  # type: ignore[no-untyped-def]
    parser = Head()
    parser.feed(client.get(path).get_data(as_text=True))
    return parser


@pytest.fixture
def site(ctx):  # type: ignore[no-untyped-def]
    category = make_category("World", slug="world")
    author = make_author("Grace Hopper", slug="grace")
    make_article(
        "Harbour reopens",
        category=category,
        author=author,
        tags=["Ports", "Cities"],
        age=timedelta(days=2),
        updated_at=None,
    )
    for n in range(11):
        make_article(f"Filler {n}", category=category, author=author, tags=["Ports"])
    make_page("About Us", "about-us", body_html="<p>About us.</p>")


PAGES = {
    "/": "http://localhost/",
    "/?page=2": "http://localhost/?page=2",
    "/article/harbour-reopens": "http://localhost/article/harbour-reopens",
    "/category/world": "http://localhost/category/world",
    "/category/world?page=2&utm_source=x": "http://localhost/category/world?page=2",
    "/tag/ports": "http://localhost/tag/ports",
    "/author/grace": "http://localhost/author/grace",
    "/about-us": "http://localhost/about-us",
    "/contact-us": "http://localhost/contact-us",
    "/lists/featured": "http://localhost/lists/featured",
}


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_one_absolute_canonical_and_open_graph(client, site, path):
    head = head_of(client, path)
    assert head.canonical() == [PAGES[path]]
    assert head.meta["og:url"] == [PAGES[path]]
    for key in ("og:title", "og:type", "og:image", "og:description", "twitter:card"):
        assert len(head.meta[key]) == 1 and head.meta[key][0], key
    assert head.meta["og:image"][0].startswith("http://localhost/")
    assert head.meta["twitter:card"] == ["summary_large_image"]
    assert len(head.meta["description"]) == 1 and head.meta["description"][0]
    assert "robots" not in head.meta


def test_titles_and_descriptions_are_unique(client, site):
    heads = [head_of(client, path) for path in PAGES if "utm" not in path]
    titles = [h.title for h in heads]
    assert len(set(titles)) == len(titles), titles
    descriptions = [h.meta["description"][0] for h in heads]
    assert len(set(descriptions)) == len(descriptions), descriptions


def test_article_open_graph_and_article_tags(client, site):
    head = head_of(client, "/article/harbour-reopens")
    assert head.meta["og:type"] == ["article"]
    assert head.meta["og:title"] == ["Harbour reopens"]
    assert head.meta["og:image"][0].startswith("http://localhost/static/img/demo/")
    assert head.meta["article:published_time"][0].endswith("+00:00")
    assert head.meta["article:modified_time"]
    assert head.meta["article:author"] == ["http://localhost/author/grace"]
    assert head.meta["article:section"] == ["World"]
    assert sorted(head.meta["article:tag"]) == ["Cities", "Ports"]


def test_article_json_ld(client, site):
    head = head_of(client, "/article/harbour-reopens")
    blocks = [json.loads(block) for block in head.json_ld]
    news = next(b for b in blocks if b["@type"] == "NewsArticle")
    assert news["headline"] == "Harbour reopens"
    assert news["image"][0].startswith("http://localhost/")
    assert news["datePublished"] and news["dateModified"]
    assert news["author"][0] == {
        "@type": "Person",
        "name": "Grace Hopper",
        "url": "http://localhost/author/grace",
    }
    assert news["publisher"]["name"] == "Global Hublet"
    assert news["publisher"]["logo"]["url"].startswith("http://localhost/static/img/hublet-logo")
    crumbs = next(b for b in blocks if b["@type"] == "BreadcrumbList")
    names = [item["name"] for item in crumbs["itemListElement"]]
    assert names == ["Home", "World", "Harbour reopens"]
    assert [item["position"] for item in crumbs["itemListElement"]] == [1, 2, 3]


def test_json_ld_cannot_be_broken_out_of(client, ctx):
    title = 'Evil </script><script src="/x.js"></script> & "quotes"'
    make_article(title, slug="evil")
    html = client.get("/article/evil").get_data(as_text=True)
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 2
    assert json.loads(blocks[0])["headline"] == title
    assert '<script src="/x.js">' not in html


def test_share_links_on_articles(client, site):
    html = client.get("/article/harbour-reopens").get_data(as_text=True)
    encoded = "http%3A//localhost/article/harbour-reopens"
    for prefix in (
        "https://www.facebook.com/sharer/sharer.php?u=",
        "https://x.com/intent/post?url=",
        "https://www.linkedin.com/sharing/share-offsite/?url=",
        "https://t.me/share/url?url=",
    ):
        assert f'href="{prefix}{encoded}' in html, prefix
    assert 'href="https://wa.me/?text=' in html and 'href="mailto:?subject=' in html
    assert 'data-copy-link="http://localhost/article/harbour-reopens"' in html
    assert "js/share.js" in html


@pytest.mark.parametrize("blueprint", ["search", "moderation"])
def test_search_and_moderation_pages_are_noindex(app, client, blueprint):
    # A probe view under the blueprint's name (its real pages belong to other features).
    app.add_url_rule(
        f"/{blueprint}-probe",
        endpoint=f"{blueprint}.probe",
        view_func=lambda: render_template_string("{% include 'seo/_head.html' %}"),
    )
    # Moderation sends a stranger to its login page, which must be noindex as well.
    html = client.get(f"/{blueprint}-probe", follow_redirects=True).get_data(as_text=True)
    assert '<meta name="robots" content="noindex' in html


def test_error_pages_are_noindex_without_canonical(client, ctx):
    html = client.get("/article/nope").get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in html
    assert 'rel="canonical"' not in html
