"""Listings page by "older than the last one shown", for infinite scroll."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.builders import make_article, make_author, make_category
from tests.conftest import HTMX

NEXT = re.compile(r'data-hx-get="([^"]+)" data-hx-trigger="revealed"')
TITLE = re.compile(r'<h[23] class="card-title[^"]*">\s*<a href="[^"]+">([^<]+)</a>')


def scroll_all(client, path: str) -> tuple[list[str], str]:  # type: ignore[no-untyped-def]
    """Follow the sentinels as htmx would; the titles in order and the last fragment."""
    html = client.get(path).get_data(as_text=True)
    titles = TITLE.findall(html)
    while match := NEXT.search(html):
        url = match.group(1).replace("&amp;", "&")
        response = client.get(url, headers=HTMX)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "<html" not in html
        titles += TITLE.findall(html)
    return titles, html


def test_scrolling_the_home_page_shows_every_article_once_then_caught_up(client, ctx):
    for n in range(23):
        make_article(f"Story {n:02d}", age=timedelta(hours=n + 1))
    make_article("Draft story", status="draft")
    titles, last = scroll_all(client, "/")
    assert titles == [f"Story {n:02d}" for n in range(23)]
    assert "You&#39;re all caught up." in last or "You're all caught up." in last


def test_publishing_while_scrolling_neither_repeats_nor_skips(client, ctx):
    for n in range(15):
        make_article(f"Story {n:02d}", age=timedelta(hours=n + 1))
    first = client.get("/").get_data(as_text=True)
    make_article("Breaking news", age=timedelta(minutes=1))  # lands on top meanwhile
    url = NEXT.search(first).group(1).replace("&amp;", "&")
    second = client.get(url, headers=HTMX).get_data(as_text=True)
    assert TITLE.findall(second) == [f"Story {n:02d}" for n in range(10, 15)]


def test_same_second_articles_are_ordered_by_id_without_gaps(client, ctx):
    for n in range(12):
        make_article(f"Same time {n:02d}", age=timedelta(hours=1))
    titles, _ = scroll_all(client, "/")
    assert sorted(titles) == [f"Same time {n:02d}" for n in range(12)]
    assert len(set(titles)) == 12


@pytest.mark.parametrize("kind", ["category", "tag", "author"])
def test_archives_scroll_too(client, ctx, kind):
    category = make_category("Scroll cat", slug="scroll-cat")
    author = make_author("Scroll Author", slug="scroll-author")
    for n in range(13):
        make_article(
            f"Archived {n:02d}",
            category=category,
            author=author,
            tags=["Scrolly"],
            age=timedelta(hours=n + 1),
        )
    make_article("Elsewhere")
    path = {"category": "/category/scroll-cat", "tag": "/tag/scrolly"}.get(
        kind, "/author/scroll-author"
    )
    titles, last = scroll_all(client, path)
    assert titles == [f"Archived {n:02d}" for n in range(13)]
    assert "caught up" in last


def test_sentinel_keeps_the_no_js_link_and_moves_the_address_bar(client, ctx):
    for n in range(12):
        make_article(f"Story {n:02d}", age=timedelta(hours=n + 1))
    html = client.get("/").get_data(as_text=True)
    assert 'href="/?page=2"' in html and "Older posts" in html
    assert 'data-hx-replace-url="true"' in html
    url = NEXT.search(html).group(1).replace("&amp;", "&")
    assert url.startswith("/?page=2&before=")
    # The address reached is a whole page of its own (reload, Back).
    page = client.get(url).get_data(as_text=True)
    assert "<html" in page and "Story 10" in page and "Story 09" not in page
    assert "Page 2" in page


@pytest.mark.parametrize("before", ["abc", "2026", "99999999999999999999-1", "-1", ""])
def test_malformed_cursor_is_404(client, ctx, before):
    make_article("Only story")
    assert client.get(f"/?page=2&before={before}").status_code == 404
