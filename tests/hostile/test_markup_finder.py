"""The finder the hostile suite relies on must see what it is meant to see."""

from __future__ import annotations

import pytest

from tests.hostile.markup import dangerous_markup, reader_written

SITE = (
    '<html><head><script src="/static/js/hublet.js" defer></script>'
    '<link rel="stylesheet" href="/static/css/hublet.css">'
    '<meta name="description" content="The home page"></head>'
    '<body hx-headers:inherited=\'{"X-CSRFToken": "IjQzYjQwYjZjMGY3NzJmMjJlMTdh.awlmjA.OFef"}\'>'
    '<form method="post" action="/contact-us"><button hx-post="/article/12/view">x</button>'
    "</form></body></html>"
)


@pytest.mark.parametrize(
    "planted",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<p style="position:fixed">x</p>',
        '<a href="javascript:alert(1)">x</a>',
        '<a href=" jav&#x09;ascript:alert(1)">x</a>',
        '<div hx-get="/moderation/" hx-trigger="load">x</div>',
        '<div data-hx-get="/moderation/">x</div>',
        '<iframe src="https://xss.example.invalid/"></iframe>',
        '<link rel="stylesheet" href="https://xss.example.invalid/x.css">',
        '<script src="https://xss.example.invalid/x.js"></script>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<form action="https://xss.example.invalid/"><input name="p"></form>',
    ],
)
def test_a_planted_construct_is_found(planted: str) -> None:
    baseline = dangerous_markup(SITE)
    page = SITE.replace("</body>", planted + "</body>")
    assert reader_written(page, baseline), planted


@pytest.mark.parametrize(
    "harmless",
    [
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        '<a href="https://example.com/" rel="nofollow ugc noopener">link</a>',
        "<p>onerror=alert(1) as text</p>",
        '<meta name="description" content="Search results for url=javascript:alert(1)">',
    ],
)
def test_escaped_text_and_the_sites_own_markup_are_not_reported(harmless: str) -> None:
    baseline = dangerous_markup(SITE)
    page = SITE.replace("</body>", harmless + "</body>")
    assert not reader_written(page, baseline), harmless


def test_ids_and_tokens_do_not_count_as_new_markup() -> None:
    baseline = dangerous_markup(SITE)
    other = SITE.replace("/article/12/view", "/article/345/view").replace("OFef", "Zq9x")
    assert not reader_written(other, baseline)


def test_the_sites_own_htmx_urls_may_carry_the_readers_query() -> None:
    site = SITE.replace("</form>", '</form><a hx-get="/search?q=markets&amp;page=2">More</a>')
    baseline = dangerous_markup(site)
    other = site.replace("q=markets", "q=%3Cscript%3E")
    assert not reader_written(other, baseline)
    planted = site.replace("</body>", '<a hx-get="/moderation/?status=spam">x</a></body>')
    assert reader_written(planted, baseline)
