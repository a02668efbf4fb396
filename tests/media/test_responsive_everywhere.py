"""Every picture from the library that a reader's page shows is a responsive image: the cards,
the lead, the hero, body figures, the sidebar and footer lists, What's Hot, search results (page
and overlay), related posts; feeds name a sized file. Hostile ``srcset``s never get stored."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hublet.extensions import db
from hublet.media.library import add_picture, use_as_hero
from hublet.models import Article, Picture
from hublet.newsroom.markup import render_markdown
from tests.builders import make_article, make_category
from tests.conftest import HTMX
from tests.media import pictures

MEDIA = re.compile(r"/media/[0-9a-f]{64}\.(webp|jpg|png)")


class _Images(HTMLParser):
    """Every ``<img>`` of a page, its attributes as a dict."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.found.append({name: value or "" for name, value in attrs})


def _library_images(html: str) -> list[dict[str, str]]:
    return [img for img in _Images(html).found if img.get("src", "").startswith("/media/")]


def _assert_responsive(img: dict[str, str], where: str, lazy: bool = True) -> None:
    assert MEDIA.fullmatch(img["src"]), (where, img)
    candidates = [part.strip().split(" ") for part in img.get("srcset", "").split(",")]
    assert candidates and all(
        MEDIA.fullmatch(url) and re.fullmatch(r"\d+w", width) for url, width in candidates
    ), (where, img)
    assert img.get("sizes"), (where, img)
    assert img.get("width", "").isdigit() and img.get("height", "").isdigit(), (where, img)
    assert img.get("decoding") == "async", (where, img)
    if img.get("fetchpriority") == "high" or not lazy:
        assert "loading" not in img, (where, img)
    else:
        assert img.get("loading") == "lazy", (where, img)


def _picture(n: int, *, caption: str = "", credit: str = "") -> Picture:
    added = add_picture(
        pictures.photo(1000 + 100 * n, 560, colour=(30 * n % 256, 100, 220 - 20 * n)),
        alt=f"Picture {n}",
        caption=caption,
        credit=credit,
    )
    db.session.flush()
    return db.session.scalars(
        select(Picture)
        .where(Picture.id == added.picture.id)
        .options(selectinload(Picture.variants))
    ).one()


@pytest.fixture
def site(app: Flask) -> dict[str, str]:
    return pictured_site(app)


def pictured_site(app: Flask) -> dict[str, str]:
    """Five pictured stories in one category sharing a tag (related posts), one featured and
    one hot, and a story whose body shows a library picture by its address."""
    with app.app_context():
        harbour = make_category("Harbour", slug="harbour")
        for n in range(5):
            article = make_article(
                f"Harbour story {n}",
                slug=f"harbour-{n}",
                category=harbour,
                tags=["Boats"],
                age=timedelta(hours=n + 1),
                is_featured=n == 1,
                is_hot=n == 2,
            )
            use_as_hero(db.session.merge(article), _picture(n))
            db.session.commit()
        figure = _picture(9, caption="Boats at dawn.", credit="AP")
        key = next(v.key for v in figure.variants if v.format == "jpg" and v.width == 800)
        db.session.commit()
        body = render_markdown(f"Before.\n\n![The quay](/media/{key})\n\nAfter.")
        article = db.session.scalars(select(Article).where(Article.slug == "harbour-0")).one()
        article.body_html = body
        db.session.commit()
        return {"figure_key": key}


PAGES = {
    "/": 5,  # the lead and four cards; What's Hot and the lists come with their own requests
    "/category/harbour": 5,
    "/article/harbour-0": 1 + 1 + 3,  # the hero, the body figure, three related posts
    "/search?q=harbour": 5,
}
#: Pictures at the top of a page load at once: the lead card or the story's hero first of all
#: (fetchpriority="high"), and a listing's first two cards.
AT_ONCE = {"/": 2, "/category/harbour": 2, "/article/harbour-0": 1, "/search?q=harbour": 0}


@pytest.mark.parametrize("path", PAGES)
def test_every_library_picture_on_a_page_is_responsive(site, client, path: str) -> None:
    html = client.get(path).get_data(as_text=True)
    for img in _library_images(html.split('class="whats-hot-list"')[1].split("</ul>")[0]):
        _assert_responsive(img, f"What's Hot on {path}")
    # Below What's Hot, the page itself, in reading order.
    images = _library_images(html.split('id="main"')[1])
    assert len(images) >= PAGES[path], (path, len(images))
    for number, img in enumerate(images):
        _assert_responsive(img, path, lazy=number >= AT_ONCE[path])
    first = [img.get("fetchpriority") for img in images]
    if path in ("/", "/article/harbour-0"):
        assert first[0] == "high" and first.count("high") == 1, path
    else:
        assert "high" not in first, path


def test_whats_hot_shows_thumbnails_that_narrow_screens_never_fetch(site, client) -> None:
    html = client.get("/").get_data(as_text=True)
    strip = html.split('class="whats-hot-list"')[1].split("</ul>")[0]
    images = _library_images(strip)
    assert len(images) == 3
    for img in images:
        _assert_responsive(img, "What's Hot")
        assert img["sizes"] == "64px" and img["alt"] == ""
    assert "Harbour story 2" in strip.split("<li")[1]  # the hot one first


@pytest.mark.parametrize("name", ["top-posts", "featured", "most-popular"])
def test_sidebar_lists_show_responsive_thumbnails(site, client, name: str) -> None:
    html = client.get(f"/lists/{name}", headers=HTMX).get_data(as_text=True)
    images = _library_images(html)
    assert images, name
    for img in images:
        _assert_responsive(img, name)
        assert img["sizes"] == "80px" and img["alt"] == ""
    # The thumbnail sits inside the title's link, whose name is still the title alone.
    assert re.search(r'<a href="/article/harbour-\d">\s*<img [^>]+>Harbour story \d</a>', html)


def test_the_search_overlay_shows_responsive_thumbnails(site, client) -> None:
    html = client.get("/search/live?q=harbour", headers=HTMX).get_data(as_text=True)
    images = _library_images(html)
    assert len(images) == 5
    for img in images:
        _assert_responsive(img, "overlay")


def test_a_body_picture_becomes_a_responsive_figure_with_its_credit(site, app, client) -> None:
    with app.app_context():
        stored = db.session.scalars(select(Article).where(Article.slug == "harbour-0")).one()
        body = stored.body_html
    assert re.search(
        r'<figure class="picture"><img src="/media/[0-9a-f]{64}\.jpg" srcset="[^"]+" '
        r'sizes="\(min-width: 1200px\) 816px, [^"]+" width="1900" height="560" '
        r'alt="The quay" loading="lazy" decoding="async">'
        r'<figcaption>Boats at dawn\. <span class="credit">Credit: AP</span></figcaption>'
        r"</figure>",
        body,
    ), body
    assert "<p>Before.</p>" in body and "<p>After.</p>" in body
    response = client.get("/article/harbour-0")
    html = response.get_data(as_text=True)
    assert response.status_code == 200, html[:3000]
    story = html.split('class="story-body"')[1].split("</div>")[0]
    (img,) = _library_images(story)
    _assert_responsive(img, "body figure")
    assert img["src"].endswith(".jpg") and img["srcset"].count("w,") >= 2

    # Saved again, the body stays as it is (the step is stable, not stacked).
    with app.app_context():
        stored = db.session.scalars(select(Article).where(Article.slug == "harbour-0")).one()
        stored.body_html = body + " "
        db.session.commit()
        assert stored.body_html.strip() == body.strip()


def test_a_body_image_that_is_no_library_file_is_left_alone(app) -> None:
    with app.app_context():
        article = make_article(
            body_html='<p><img src="/media/not-in-the-library.jpg" alt="Old"></p>'
        )
        assert "srcset" not in article.body_html and 'src="/media/not-in-the-library.jpg"' in (
            article.body_html
        )


HOSTILE_SRCSETS = [
    "javascript:alert(1) 1x",
    "https://evil.example/a.webp 400w",
    "/media/ok.webp 400w, //evil.example/b.webp 800w",
    "/media/../../moderation/ 1x",
    "data:image/svg+xml,<svg onload=alert(1)> 1x",
    "/media/a.webp 400w;alert(1)",
]


@pytest.mark.parametrize("srcset", HOSTILE_SRCSETS)
def test_a_hostile_srcset_is_not_stored(app, srcset: str) -> None:
    with app.app_context():
        article = make_article(
            body_html=f'<p><img src="/media/x.jpg" srcset="{srcset}" sizes="100vw" alt="x"></p>'
        )
        stored = db.session.scalar(select(Article.body_html).where(Article.id == article.id)) or ""
    assert "srcset" not in stored, stored
    assert "evil" not in stored and "javascript" not in stored and "onload" not in stored
    assert 'src="/media/x.jpg"' in stored  # the picture itself stays


def test_a_hostile_srcset_beside_a_library_picture_is_replaced(site, app) -> None:
    key = site["figure_key"]
    with app.app_context():
        article = make_article(
            body_html=f'<img src="/media/{key}" srcset="https://evil.example/a.webp 400w">'
            f'<img src="https://evil.example/b.jpg" sizes="x; y" loading="soon" width="9%">'
        )
        stored = db.session.scalar(select(Article.body_html).where(Article.id == article.id)) or ""
    assert "evil.example/a.webp" not in stored
    assert re.search(r'<img src="/media/[0-9a-f]{64}\.jpg" srcset="/media/', stored)
    other = re.search(r'<img [^>]*src="https://evil.example/b.jpg"[^>]*>', stored)
    assert other and "sizes" not in other.group(0) and "soon" not in other.group(0)
    assert 'width="9%"' not in other.group(0)


def test_feeds_name_a_sized_file_and_absolute_body_sources(site, client) -> None:
    rss = client.get("/feed").get_data(as_text=True)
    media = ElementTree.fromstring(rss).findall(".//item/{http://search.yahoo.com/mrss/}content")
    assert len(media) == 5
    for content in media:
        assert re.fullmatch(r"http://localhost/media/[0-9a-f]{64}\.jpg", content.get("url", ""))
        assert content.get("type") == "image/jpeg"
        assert int(content.get("width", "0")) <= 1200 and int(content.get("height", "0")) > 0
        assert int(content.get("fileSize", "0")) > 0
    encoded = ElementTree.fromstring(rss).findtext(
        ".//item/{http://purl.org/rss/1.0/modules/content/}encoded"
    )
    assert encoded and "srcset=" in encoded
    srcset = re.search(r'srcset="([^"]+)"', encoded).group(1)  # type: ignore[union-attr]
    assert all(part.strip().startswith("http://localhost/media/") for part in srcset.split(",")), (
        srcset
    )

    atom = client.get("/feed/atom").get_data(as_text=True)
    links = [
        link
        for link in ElementTree.fromstring(atom).iter("{http://www.w3.org/2005/Atom}link")
        if link.get("rel") == "enclosure"
    ]
    assert len(links) == 5
    assert all(
        MEDIA.search(link.get("href", "")) and int(link.get("length", "0")) > 0 for link in links
    )


def test_pages_with_pictures_are_valid_html(site, app, client, tmp_path) -> None:
    from tests.test_valid_html import validate

    files = []
    for name, path in {
        "home": "/",
        "article": "/article/harbour-0",
        "search": "/search?q=harbour",
        "list": "/lists/featured",
    }.items():
        html = client.get(path).get_data(as_text=True)
        assert html.lstrip().lower().startswith("<!doctype html>"), name
        files.append(tmp_path / f"{name}.html")
        files[-1].write_text(html, encoding="utf-8")
    fragment = client.get("/lists/top-posts", headers=HTMX).get_data(as_text=True)
    files.append(tmp_path / "list-fragment.html")
    files[-1].write_text(
        '<!doctype html><html lang="en"><head><title>A list</title></head><body>'
        f"{fragment}</body></html>",
        encoding="utf-8",
    )
    errors = validate(files)
    assert not errors, [(e.get("url"), e.get("message"), e.get("extract")) for e in errors]
