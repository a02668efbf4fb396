"""The model rules: reading time and bodies sanitized on save."""

from __future__ import annotations

import pytest

from tests.builders import make_article


@pytest.mark.parametrize("words, minutes", [(0, 1), (10, 1), (200, 1), (201, 2), (1000, 5)])
def test_reading_time_is_word_count_at_200_a_minute(ctx, words, minutes):
    article = make_article(body_html="<p>" + "word " * words + "</p>")
    assert article.reading_minutes == minutes


def test_article_body_is_sanitized_on_save(ctx):
    article = make_article(
        body_html=(
            '<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:x()">x</a>'
            '<img src="/a.png" onerror="bad()"><span hx-get="/evil" data-hx-post="/x">y</span>'
            '<iframe src="https://evil.example"></iframe><style>p{}</style></p>'
        )
    )
    body = article.body_html
    for bad in (
        "onclick",
        "<script",
        "javascript:",
        "onerror",
        "hx-get",
        "data-hx",
        "<iframe",
        "<style",
    ):
        assert bad not in body
    assert "Hello" in body and '<img loading="lazy" decoding="async" src="/a.png">' in body


def test_editing_a_body_sanitizes_again(ctx):
    from hublet.extensions import db

    article = make_article()
    article.body_html = '<p>Edited <b onmouseover="x()">bold</b></p>'
    db.session.commit()
    assert article.body_html == "<p>Edited <b>bold</b></p>"
