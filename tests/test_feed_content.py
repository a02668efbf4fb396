"""Feeds carry the whole story and its picture, as WordPress's feeds did."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tests.builders import ctx, make_article, make_category

__all__ = ["ctx"]

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
MEDIA = "{http://search.yahoo.com/mrss/}"
BODY = (
    '<p>First &amp; <a href="/article/other">second</a> paragraph.</p>'
    '<figure class="wp-caption"><img src="/media/' + "a" * 64 + '.jpg" alt="Dawn">'
    "<figcaption>Dawn over the harbour</figcaption></figure>"
    '<p><a href="https://elsewhere.example/x">elsewhere</a></p>'
)


@pytest.fixture
def story(ctx):  # type: ignore[no-untyped-def]
    return make_article(
        "Harbour reopens",
        slug="harbour-reopens",
        category=make_category("News", slug="news"),
        body_html=BODY,
        hero_image="/media/" + "b" * 64 + ".png",
        hero_alt="The harbour <at> dawn",
        hero_width=800,
        hero_height=450,
    )


def _feed(client, path: str) -> ET.Element:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 200
    return ET.fromstring(response.data)  # still well-formed XML


def _assert_whole_story(html: str) -> None:
    assert "<p>First &amp; " in html
    assert 'href="http://localhost/article/other"' in html
    assert f'src="http://localhost/media/{"a" * 64}.jpg"' in html
    assert "<figcaption>Dawn over the harbour</figcaption>" in html
    assert 'href="https://elsewhere.example/x"' in html


def test_rss_items_carry_the_full_body_and_the_featured_picture(client, story) -> None:
    item = _feed(client, "/feed").find("channel/item")
    assert item.findtext("description") == "Excerpt of Harbour reopens."
    _assert_whole_story(item.findtext(CONTENT))
    picture = item.find(f"{MEDIA}content")
    assert picture.get("url") == f"http://localhost/media/{'b' * 64}.png"
    assert picture.get("type") == "image/png" and picture.get("medium") == "image"
    assert (picture.get("width"), picture.get("height")) == ("800", "450")
    assert picture.findtext(f"{MEDIA}description") == "The harbour <at> dawn"


def test_atom_entries_carry_the_full_body_and_an_enclosure(client, story) -> None:
    entry = _feed(client, "/feed/atom").find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == "Excerpt of Harbour reopens."
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html"
    _assert_whole_story(content.text)
    enclosure = entry.find(f"{ATOM}link[@rel='enclosure']")
    assert enclosure.get("href") == f"http://localhost/media/{'b' * 64}.png"
    assert enclosure.get("type") == "image/png"


def test_category_feeds_carry_the_story_too(client, story) -> None:
    item = _feed(client, "/category/news/feed").find("channel/item")
    _assert_whole_story(item.findtext(CONTENT))


@pytest.mark.parametrize("setting", [False, "false"])
def test_the_setting_keeps_excerpts_only(app, client, story, setting) -> None:
    app.config["FEED_FULL_CONTENT"] = setting
    item = _feed(client, "/feed").find("channel/item")
    assert item.find(CONTENT) is None
    assert item.findtext("description") == "Excerpt of Harbour reopens."
    assert item.find(f"{MEDIA}content") is not None  # the picture stays
    entry = _feed(client, "/feed/atom").find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}content") is None


def test_a_body_with_cdata_end_and_markup_stays_valid_xml(client, ctx) -> None:
    make_article("Tricky", body_html="<p>]]&gt; &lt;/content:encoded&gt; <em>x</em></p>")
    item = _feed(client, "/feed").find("channel/item")
    assert "<em>x</em>" in item.findtext(CONTENT)
