"""A rendered WordPress body reads right on its Hublet page and is valid HTML."""

from __future__ import annotations

import pytest

from hublet.editorial.wp_content import Attachment, render_wordpress_body
from hublet.sanitize import clean_article_html
from tests.builders import ctx, make_article
from tests.test_valid_html import validate

__all__ = ["ctx"]

CAPTION = (
    '[caption id="attachment_12" align="alignright" width="300"]'
    '<img src="/media/a.jpg" width="300" height="200"> The first ship in. Credit: AP[/caption]'
)
RAW = f"""The harbour reopened on Monday.
Ships queued at dawn.

{CAPTION}

[gallery ids="12,13"]

https://www.youtube.com/watch?v=abc123

[audio mp3="/media/interview.mp3"]

[video src="/media/clip.mp4" poster="/media/poster.jpg"][/video]

<pre>tide  06:12
tide  18:40</pre>

[vc_row]The end.[/vc_row]"""

ATTACHMENTS = {
    12: Attachment(12, "/media/a.jpg", alt="The first ship", width=300, height=200),
    13: Attachment(13, "/media/b.jpg", alt="Cranes", caption="Cranes at work. Photo: Jo Lee"),
}


@pytest.fixture
def story(ctx):  # type: ignore[no-untyped-def]
    body = clean_article_html(render_wordpress_body(RAW, ATTACHMENTS).html)
    return make_article("Harbour reopens", slug="harbour-reopens", body_html=body)


def test_the_imported_story_shows_paragraphs_figures_gallery_and_players(client, story) -> None:
    page = client.get("/article/harbour-reopens").get_data(as_text=True)
    assert "<p>The harbour reopened on Monday.<br>\nShips queued at dawn.</p>" in page
    assert '<figure class="wp-caption alignright">' in page
    assert 'The first ship in. <span class="credit">Credit: AP</span></figcaption>' in page
    assert '<figure class="gallery">' in page and "Cranes at work." in page
    assert '<a href="https://www.youtube.com/watch?v=abc123">YouTube: ' in page
    assert "<iframe" not in page  # the CSP allows no third-party frame
    assert (
        '<audio controls preload="metadata"><source src="/media/interview.mp3" type="audio/mpeg">'
    ) in page
    assert (
        '<video controls preload="metadata" poster="/media/poster.jpg">'
        '<source src="/media/clip.mp4" type="video/mp4">'
    ) in page
    assert "<pre>tide  06:12\ntide  18:40</pre>" in page
    assert "<p>The end.</p>" in page and "vc_row" not in page


def test_the_imported_story_page_is_valid_html(client, story, tmp_path) -> None:
    """The W3C validator, as tests/test_valid_html.py runs it (``make test`` fetches it)."""
    path = tmp_path / "story.html"
    path.write_text(client.get("/article/harbour-reopens").get_data(as_text=True), "utf-8")
    errors = validate([path])
    assert not errors, [(e.get("lastLine"), e.get("message"), e.get("extract")) for e in errors]
