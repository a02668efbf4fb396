"""`import-wordpress --permalinks`: the old site's permalink structure, given or read from the
export's links, is kept, and old links of that structure move for good to their stories."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hublet.editorial.wp_permalinks import structure_of
from hublet.extensions import db
from hublet.models import Article, ModerationSetting
from hublet.site.permalinks import KEY

SITE = "https://gazette.example"


def _export(path: Path, link: str = "/{year}/{month}/{day}/{slug}/") -> Path:
    """Two published posts and a draft, each ``<link>`` written with ``link``."""
    posts = [
        (101, "harbour-reopens", "publish", "2024-05-03 08:15:42"),
        (102, "bridge-closed", "publish", "2024-11-21 17:05:09"),
        (103, "draft-plans", "draft", "2024-12-01 10:00:00"),
    ]
    items = []
    for post_id, slug, status, date in posts:
        when = datetime.strptime(date, "%Y-%m-%d %H:%M:%S")
        address = (
            f"{SITE}/?p={post_id}"
            if status == "draft"  # WordPress links drafts plainly
            else SITE
            + link.format(
                year=f"{when:%Y}", month=f"{when:%m}", day=f"{when:%d}", slug=slug, id=post_id
            )
        )
        items.append(
            f"<item><title>{slug}</title><link>{address}</link>"
            "<dc:creator>ada</dc:creator>"
            '<category domain="category" nicename="news"><![CDATA[News]]></category>'
            f"<content:encoded><![CDATA[<p>{slug}</p>]]></content:encoded>"
            f"<wp:post_id>{post_id}</wp:post_id><wp:post_date>{date}</wp:post_date>"
            f"<wp:post_date_gmt>{date}</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name>"
            f"<wp:status>{status}</wp:status><wp:post_type>post</wp:post_type></item>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<link>{SITE}</link><wp:wxr_version>1.2</wp:wxr_version>"
        f"<wp:base_site_url>{SITE}</wp:base_site_url>"
        "<wp:author><wp:author_login>ada</wp:author_login>"
        "<wp:author_display_name>Ada</wp:author_display_name></wp:author>"
        "<wp:category><wp:term_id>7</wp:term_id><wp:category_nicename>news"
        "</wp:category_nicename><wp:cat_name>News</wp:cat_name></wp:category>"
        + "".join(items)
        + "</channel></rss>",
        encoding="utf-8",
    )
    return path


def _stored() -> str | None:
    return db.session.scalar(select(ModerationSetting.value).where(ModerationSetting.key == KEY))


def _import(runner, path: Path, *options: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["import-wordpress", str(path), *options])


@pytest.mark.parametrize(
    ("structure", "message"),
    [
        ("/%year%/%monthnum%/", "needs %postname% or %post_id%"),
        ("/%year%/%slug%/", "unknown tag(s) %slug%"),
        ("", "is empty"),
        ("https://old.example/%postname%/", "must be a path"),
    ],
)
def test_a_structure_that_names_no_post_is_refused_and_nothing_is_imported(
    runner, ctx, tmp_path, structure, message
):
    result = _import(runner, _export(tmp_path / "site.xml"), "--permalinks", structure)
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.strip().count("\n") == 0  # one line, no traceback
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0
    assert _stored() is None


@pytest.mark.parametrize(
    ("link", "structure"),
    [
        ("https://site/2024/05/03/my-slug/", "/%year%/%monthnum%/%day%/%postname%/"),
        ("https://site/2024/05/my-slug/", "/%year%/%monthnum%/%postname%/"),
        ("https://site/archives/42", "/archives/%post_id%"),
        ("https://site/my-slug/", "/%postname%/"),
        ("https://site/stories/my-slug.html", "/stories/%postname%.html"),
        ("https://site/news/42/", "/%category%/%post_id%/"),
        ("https://site/world/news/my-slug/", "/%category%/%postname%/"),
        ("https://site/blog/2024/my-slug/", "/blog/%year%/%postname%/"),
        ("https://site/2024/05/03/08/15/my-slug/", "/%year%/%monthnum%/%day%/%hour%/%minute%/%postname%/"),  # noqa: E501
        ("https://site/ada/42-my-slug/", "/%author%/%post_id%-%postname%/"),
        ("https://site/?p=42", ""),  # plain
        ("https://site/some/page/", None),  # shows nothing
    ],
)  # fmt: skip
def test_one_posts_link_shows_the_structure(link, structure):
    found = structure_of(
        link,
        post_id=42,
        slug="my-slug",
        date=datetime(2024, 5, 3, 8, 15, 42),
        categories={"news", "world"},
        author="Ada",
    )
    assert found == structure


def test_the_structure_is_read_from_the_exports_links(runner, ctx, tmp_path):
    result = _import(runner, _export(tmp_path / "site.xml"))
    assert result.exit_code == 0, result.output
    assert _stored() == "/%year%/%monthnum%/%day%/%postname%/"
    assert "permalink structure read from the posts' links" in result.output


def test_plain_links_are_read_as_plain(runner, ctx, tmp_path):
    result = _import(runner, _export(tmp_path / "site.xml", "/?p={id}"))
    assert result.exit_code == 0, result.output
    assert _stored() == ""


@pytest.mark.parametrize(
    ("link", "old", "new"),
    [
        ("/news/{slug}.html", "/news/harbour-reopens.html", "/article/harbour-reopens"),
        ("/{year}/{slug}.html", "/2024/harbour-reopens.html", "/article/harbour-reopens"),
        ("/blog/{year}/{slug}/", "/blog/2024/bridge-closed/", "/article/bridge-closed"),
        ("/stories/{id}/", "/stories/101/", "/article/harbour-reopens"),
    ],
)
def test_a_custom_structure_read_from_the_export_redirects_its_links(
    runner, client, ctx, tmp_path, link, old, new
):
    assert _import(runner, _export(tmp_path / "site.xml", link)).exit_code == 0
    response = client.get(old)
    assert response.status_code == 301, old
    assert response.headers["Location"] == new


@pytest.mark.parametrize(
    ("structure", "old", "new"),
    [
        ("/%category%/%post_id%/", "/news/101/", "/article/harbour-reopens"),
        ("/%category%/%post_id%/", "/world/news/102", "/article/bridge-closed"),
        ("/blog/%year%/%postname%/", "/blog/2024/harbour-reopens/", "/article/harbour-reopens"),
        ("news/%postname%.html", "/news/bridge-closed.html", "/article/bridge-closed"),
        ("/%author%/%postname%/", "/ada/harbour-reopens/", "/article/harbour-reopens"),
    ],
)
def test_a_given_structure_is_stored_and_its_links_move_for_good(
    runner, client, ctx, tmp_path, structure, old, new
):
    # The export's links say day-and-name; the editor's --permalinks wins.
    result = _import(runner, _export(tmp_path / "site.xml"), "--permalinks", structure)
    assert result.exit_code == 0, result.output
    assert _stored() == (structure if structure.startswith("/") else "/" + structure)
    response = client.get(old)
    assert response.status_code == 301, old
    assert response.headers["Location"] == new
    # The generic matchers keep answering too.
    assert client.get("/2024/05/03/harbour-reopens/").headers["Location"] == (
        "/article/harbour-reopens"
    )


@pytest.mark.parametrize(
    ("structure", "path"),
    [
        ("/%category%/%post_id%/", "/news/103/"),  # the draft
        ("/blog/%year%/%postname%/", "/blog/2024/draft-plans/"),
        ("/news/%postname%.html", "/news/draft-plans.html"),
        ("/news/%postname%.html", "/news/never-imported.html"),
        ("/news/%postname%.html", "/other/harbour-reopens.html"),  # not the structure
        ("/blog/%year%/%postname%/", "/blog/24/harbour-reopens/"),
    ],
)
def test_links_to_drafts_or_of_another_shape_stay_404(
    runner, client, ctx, tmp_path, structure, path
):
    assert _import(runner, _export(tmp_path / "site.xml"), "--permalinks", structure).exit_code == 0
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/moderation/logout", 405),
        ("/lists/top-posts", 200),
        ("/lists/top-posts/", 404),
        ("/feed", 200),
        ("/category/news", 200),
        ("/article/harbour-reopens", 200),
        ("/article/harbour-reopens/comments", 405),
    ],
)
def test_a_stored_structure_never_shadows_hublets_routes(
    runner, client, ctx, tmp_path, path, status
):
    # A structure whose first segment is a tag could match any address at all.
    result = _import(
        runner, _export(tmp_path / "site.xml"), "--permalinks", "/%category%/%postname%"
    )
    assert result.exit_code == 0, result.output
    assert client.get(path).status_code == status


def test_help_documents_the_option(runner):
    result = runner.invoke(args=["import-wordpress", "--help"])
    assert "--permalinks" in result.output
