"""The results page and the overlay's live results, through the test client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.builders import make_article, make_category
from tests.conftest import HTMX


def cards(html: str) -> list[str]:
    """The ids of the result cards, in page order."""
    return re.findall(r'<article class="search-card" id="result-(\d+)"', html)


def test_an_empty_query_shows_a_prompt_not_the_archive(client, ctx):
    make_article("Harbour news")
    response = client.get("/search")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Type a few words above" in html
    assert cards(html) == []
    assert '<meta name="robots" content="noindex, follow">' in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_page_has_a_heading_with_the_count_and_highlighted_cards(client, ctx):
    make_article("Harbour pilots strike", body_html="<p>The <b>harbour</b> was quiet.</p>")
    make_article("Orchard harvest", body_html="<p>Nothing about the sea.</p>")
    html = client.get("/search?q=harbour").get_data(as_text=True)
    assert "1 result for “harbour”" in html
    assert len(cards(html)) == 1
    assert "<mark>Harbour</mark> pilots strike" in html
    assert "The <mark>harbour</mark> was quiet." in html
    assert "<b>" not in html.split('id="search-results"')[1]


def test_no_results_suggests_the_latest_articles(client, ctx):
    make_article("Newest story in the paper")
    html = client.get("/search?q=zeppelin").get_data(as_text=True)
    assert "No results for “zeppelin”" in html
    assert "Latest articles" in html
    assert "Newest story in the paper" in html


def test_the_query_is_echoed_escaped(client, ctx):
    html = client.get("/search", query_string={"q": "<script>alert(1)</script>"}).get_data(
        as_text=True
    )
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_long_query_is_cut_and_the_page_says_so(client, ctx):
    make_article("Harbour pilots strike")
    response = client.get("/search", query_string={"q": "harbour " + "x" * 100_000})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "longer than 200 characters" in html
    assert "x" * 201 not in html


def test_ten_a_page_with_a_real_next_link_and_an_htmx_next_page(client, ctx):
    category = make_category("Weather")
    for n in range(23):
        make_article(f"Storm report {n}", category=category, age=timedelta(hours=n + 1))
    html = client.get("/search?q=storm").get_data(as_text=True)
    assert "23 results for “storm”" in html
    assert len(cards(html)) == 10
    assert 'rel="next" href="/search?q=storm&amp;page=2"' in html

    partial = client.get("/search?q=storm&page=2", headers=HTMX)
    fragment = partial.get_data(as_text=True)
    assert partial.status_code == 200
    assert "<html" not in fragment
    assert len(cards(fragment)) == 10
    assert "page=3" in fragment

    last = client.get("/search?q=storm&page=3", headers=HTMX).get_data(as_text=True)
    assert len(cards(last)) == 3
    assert "That is every result." in last
    assert "page=4" not in last
    assert client.get("/search?q=storm&page=4").status_code == 404
    # Every story once, newest first, over the three pages.
    seen = cards(html) + cards(fragment) + cards(last)
    assert len(set(seen)) == 23


def test_live_results_show_six_with_category_date_and_see_all(client, ctx):
    category = make_category("Markets desk")
    for n in range(8):
        make_article(f"Copper prices {n}", category=category, age=timedelta(hours=n + 1))
    response = client.get("/search/live?q=copper", headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in html
    assert html.count('class="search-live-item"') == 6
    assert "<mark>Copper</mark> prices 0" in html
    assert "Markets desk" in html
    assert "<time datetime=" in html
    assert "See all 8 results</a>" in html
    assert 'href="/search?q=copper"' in html
    status = '<hx-partial data-hx-target="#search-overlay-status" data-hx-swap="textContent">'
    assert status + "8 results for “copper”" in html


def test_live_results_for_nothing_found_and_for_nothing_typed(client, ctx):
    html = client.get("/search/live?q=zeppelin", headers=HTMX).get_data(as_text=True)
    assert "No results for “zeppelin”" in html
    empty = client.get("/search/live?q=", headers=HTMX).get_data(as_text=True)
    assert "search-live-item" not in empty and "No results" not in empty


def test_the_header_button_is_a_link_and_the_overlay_a_plain_get_form(client, ctx):
    html = client.get("/").get_data(as_text=True)
    assert '<a class="search-button" href="/search" id="search-button">' in html
    overlay = html.split('id="search-overlay"')[1].split("</dialog>")[0]
    assert 'role="dialog"' in html and 'aria-modal="true"' in html
    assert '<form class="search-overlay-form" action="/search" method="get"' in overlay
    assert "Type above and press Enter to search. Press Esc to cancel." in overlay
    assert 'data-hx-trigger="input changed delay:250ms"' in overlay
    assert 'data-hx-sync="replace"' in overlay
    assert 'role="status"' in overlay


@pytest.mark.parametrize("path", ["/search?q=storm", "/search/live?q=storm"])
def test_search_is_rate_limited_with_a_slow_down_message(app, client, ctx, path):
    app.config["SEARCH_RATE_LIMIT"] = "30 per 10 seconds"
    statuses = [client.get(path).status_code for _ in range(30)]
    assert statuses == [200] * 30
    page = client.get(path)
    assert page.status_code == 429
    assert "slow down" in page.get_data(as_text=True)
    fragment = client.get(path, headers=HTMX)
    assert fragment.status_code == 429
    body = fragment.get_data(as_text=True)
    assert "slow down" in body and "<html" not in body
    # Another address is not slowed down by this one.
    other = client.get(path, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200
