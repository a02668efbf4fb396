"""`flask import-wordpress`: a WXR export written for the tests, imported twice."""

from __future__ import annotations

import re
import tracemalloc
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hublet.editorial.wordpress import read_wxr
from hublet.extensions import db
from hublet.models import Article, Author, Category, Comment, Page, Tag

WXR = Path(__file__).parent.parent / "data" / "wordpress-export.xml"


def import_wxr(runner, path: Path | str = WXR):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["import-wordpress", str(path)])


def articles_by_wp_id() -> dict[int, Article]:
    rows = db.session.scalars(select(Article).options(selectinload(Article.tags)))
    return {article.wp_post_id: article for article in rows}


def comments_by_wp_id() -> dict[int, Comment]:
    return {c.wp_comment_id: c for c in db.session.scalars(select(Comment))}


def page_without_token(client, path: str) -> str:  # type: ignore[no-untyped-def]
    """The page's HTML, its CSRF token (signed with the time) blanked."""
    html = client.get(path).get_data(as_text=True)
    return re.sub(r'("X-CSRFToken": "|name="csrf_token" type="hidden" value=")[^"]+', r"\1", html)


def row_counts() -> dict[str, int]:
    models = (Article, Page, Comment, Category, Tag, Author)
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in models
    }


def test_import_maps_posts_statuses_terms_and_authors(runner, ctx):
    result = import_wxr(runner)
    assert result.exit_code == 0, result.output
    articles = articles_by_wp_id()
    assert set(articles) == {101, 102, 103, 104, 105}

    paris = articles[101]
    assert paris.title == "Élections à Paris : le vote en direct"
    assert paris.slug == "elections-paris"
    assert paris.status == "published"
    assert paris.published_at == datetime(2026, 1, 10, 9, 30)  # GMT, not the site's local time
    assert paris.updated_at == datetime(2026, 1, 11, 7, 0)
    assert paris.is_featured  # sticky in WordPress
    assert [tag.slug for tag in paris.tags] == ["elections"]
    assert "<p>Polling stations opened at eight across the city.</p>" in paris.body_html
    assert "<strong>higher</strong> than in 2020.<br>" in paris.body_html
    assert "<h2>What comes next</h2>" in paris.body_html
    assert paris.excerpt.startswith("Polling stations opened")
    # The featured image came after the post in the file.
    assert paris.hero_image == "https://gazette.example/wp-content/uploads/2026/01/polling.jpg"
    assert paris.hero_alt == "A queue of voters"
    assert paris.hero_caption == "Voters queue outside a school."
    assert (paris.hero_width, paris.hero_height) == (1600, 900)

    planet = articles[102]
    assert planet.title == "宇宙望遠鏡が新しい惑星を発見"
    assert planet.slug == "宇宙-planet"  # WordPress's percent-encoded slug, decoded
    assert planet.excerpt == "A new world, twice the size of ours."
    assert planet.comments_open is False
    assert sorted(tag.slug for tag in planet.tags) == ["elections", "space"]
    assert "wp:paragraph" not in planet.body_html

    draft = articles[104]
    assert draft.status == "draft" and draft.published_at is None
    assert draft.slug == "draft-budget-leaks"  # WordPress drafts have no slug yet
    future = articles[105]
    assert future.status == "published" and future.published_at == datetime(2036, 6, 1, 9)

    world = db.session.scalar(select(Category).where(Category.slug == "world"))
    assert world.name == "World & Politics" and world.description == "What happens abroad."
    authors = {a.slug: a.name for a in db.session.scalars(select(Author))}
    assert authors == {"marta": "Marta Núñez", "kenji": "Kenji Sato"}
    # The draft had no category: it waits in WordPress's default one.
    assert db.session.get(Category, draft.category_id).slug == "uncategorized"

    page = db.session.scalar(select(Page).where(Page.wp_post_id == 200))
    assert page.slug == "about-the-gazette" and page.position == 2
    assert page.body_html == "<p>We have reported since 1901.</p>\n<p>Write to us any time.</p>"


def test_import_keeps_threads_and_statuses_and_counts_approved_only(runner, ctx):
    assert import_wxr(runner).exit_code == 0
    comments = comments_by_wp_id()
    assert set(comments) == {11, 12, 13, 14, 15, 17, 18}  # the pingback (16) is not a comment
    assert {wp: c.status for wp, c in comments.items()} == {
        11: "approved",
        12: "approved",
        13: "approved",
        14: "spam",
        17: "approved",
        18: "approved",
        15: "pending",
    }
    # 13 replies to 12, which replies to 11; 13 came first in the file.
    assert comments[12].parent_id == comments[11].id and comments[12].depth == 2
    assert comments[13].parent_id == comments[12].id and comments[13].depth == 3
    assert comments[17].parent_id == comments[13].id and comments[17].depth == 4
    # Deeper than the site nests: kept as a reply to 17, shown beside it (as new replies are).
    assert comments[18].parent_id == comments[17].id and comments[18].depth == 4
    assert comments[11].parent_id is None and comments[11].depth == 1
    assert comments[11].author_name == "Léa" and comments[11].author_url.startswith("https://")
    assert comments[12].author_url == ""  # javascript: is not a web address
    assert "<script>" not in comments[12].body_html
    assert comments[11].created_at == datetime(2026, 1, 10, 11, 0)
    paris = articles_by_wp_id()[101]
    assert paris.comment_count == 5


def test_hostile_html_is_sanitized_on_import_and_on_the_page(runner, client, ctx):
    assert import_wxr(runner).exit_code == 0
    body = articles_by_wp_id()[103].body_html
    for bad in ("<script", "onclick", "onerror", "javascript:", "hx-get", "<iframe", "style="):
        assert bad not in body
    assert "Ordinary words." in body and "click me" in body
    html = client.get("/article/hostile-markup").get_data(as_text=True)
    story = html.split('class="story-body"')[1].split("</div>")[0]
    assert "Ordinary words." in story
    for bad in ("<script", "onclick", "onerror", "javascript:", "hx-get", "<iframe"):
        assert bad not in story


def test_report_counts_each_kind_and_every_skip_with_why(runner, ctx):
    output = import_wxr(runner).output
    assert "articles: 5 created, 0 updated" in output
    assert "pages: 1 created, 0 updated" in output
    assert "comments: 7 created, 0 updated" in output
    assert "authors: 2 created" in output
    assert "categories: 3 created" in output  # world, science and the draft's uncategorized
    assert "tags: 2 created" in output
    assert "featured images: 1 created" in output
    assert 'post 106 "Deleted post": in WordPress\'s trash' in output
    assert "nav_menu_item 300" in output and "post type 'nav_menu_item'" in output
    assert "comment 16 on post 101" in output and "a pingback" in output
    assert "term main-menu: taxonomy 'nav_menu'" in output
    assert "Traceback" not in output


def test_importing_twice_updates_and_never_duplicates(runner, client, ctx):
    first = import_wxr(runner)
    before = row_counts()
    paris_page = page_without_token(client, "/article/elections-paris")
    second = import_wxr(runner)
    assert second.exit_code == 0, second.output
    assert row_counts() == before
    assert "articles: 0 created, 5 updated" in second.output
    assert "comments: 0 created, 7 updated" in second.output
    assert "categories: 0 created" in second.output
    assert "featured images: 0 created, 1 updated" in second.output
    assert first.output.count("Skipped") == second.output.count("Skipped")
    assert articles_by_wp_id()[101].comment_count == 5
    assert page_without_token(client, "/article/elections-paris") == paris_page


def test_reimport_keeps_editor_switches_and_follows_wordpress_edits(runner, ctx, tmp_path):
    assert import_wxr(runner).exit_code == 0
    assert runner.invoke(args=["article", "hot", "hostile-markup"]).exit_code == 0
    edited = WXR.read_text(encoding="utf-8").replace(
        "The count begins tonight.", "The count began at nine."
    )
    path = tmp_path / "edited.xml"
    path.write_text(edited, encoding="utf-8")
    assert import_wxr(runner, path).exit_code == 0
    articles = articles_by_wp_id()
    assert "The count began at nine." in articles[101].body_html
    assert articles[103].is_hot


def test_imported_pages_render_and_hidden_ones_stay_hidden(runner, client, ctx):
    assert import_wxr(runner).exit_code == 0
    html = client.get("/article/elections-paris").get_data(as_text=True)
    assert "Élections à Paris : le vote en direct" in html
    assert "Marta Núñez" in html and "World &amp; Politics" in html
    assert "5 Comments" in html
    assert client.get("/article/宇宙-planet").status_code == 200
    assert client.get("/article/draft-budget-leaks").status_code == 404
    assert client.get("/article/launch-day").status_code == 404  # scheduled for 2036
    assert "We have reported since 1901." in client.get("/about-the-gazette").get_data(as_text=True)


@pytest.mark.parametrize(
    "query, target",
    [
        ("p=101", "/article/elections-paris"),
        ("p=102", "/article/%E5%AE%87%E5%AE%99-planet"),
        ("page_id=200", "/about-the-gazette"),
        ("p=200", "/about-the-gazette"),
    ],
)
def test_old_wordpress_links_redirect_for_good(runner, client, ctx, query, target):
    assert import_wxr(runner).exit_code == 0
    response = client.get(f"/?{query}")
    assert response.status_code == 301
    assert response.headers["Location"] == target


@pytest.mark.parametrize("query", ["p=104", "p=105", "p=999", "p=abc", "p=", "page_id=-1"])
def test_old_links_to_drafts_scheduled_or_unknown_posts_are_not_found(runner, client, ctx, query):
    assert import_wxr(runner).exit_code == 0
    assert client.get(f"/?{query}").status_code == 404


def test_the_home_page_without_p_is_unchanged(runner, client, ctx):
    assert import_wxr(runner).exit_code == 0
    response = client.get("/")
    assert response.status_code == 200
    assert "Élections à Paris" in response.get_data(as_text=True)


# -- error paths -------------------------------------------------------------------------------


def test_missing_file_is_a_clear_error(runner, ctx, tmp_path):
    result = import_wxr(runner, tmp_path / "nope.xml")
    assert result.exit_code == 1
    assert "No such file" in result.output and "Traceback" not in result.output


def test_broken_xml_is_reported_with_its_line(runner, ctx, tmp_path):
    path = tmp_path / "broken.xml"
    text = WXR.read_text(encoding="utf-8")
    path.write_text(text.replace("</wp:post_id>", "</wp:postid>", 1), encoding="utf-8")
    result = import_wxr(runner, path)
    assert result.exit_code == 1
    assert "is not well-formed XML" in result.output and "line" in result.output
    assert "Traceback" not in result.output


def test_entity_bombs_and_dtds_are_refused(runner, ctx, tmp_path):
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        "<rss><channel><title>&b;</title></channel></rss>\n"
    )
    result = import_wxr(runner, path)
    assert result.exit_code == 1
    assert "refused" in result.output and "DTD" in result.output
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


@pytest.mark.parametrize(
    "content, message",
    [
        ("<html><body>hi</body></html>", "its root element is <html>"),
        ('<rss version="2.0"><channel><title>A blog feed</title></channel></rss>', "wxr_version"),
        ("", "not well-formed XML"),
    ],
)
def test_files_that_are_not_wordpress_exports_are_refused(runner, ctx, tmp_path, content, message):
    path = tmp_path / "other.xml"
    path.write_text(content)
    result = import_wxr(runner, path)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_a_slug_taken_by_another_wordpress_post_fails_that_post_only(runner, ctx, tmp_path):
    text = WXR.read_text(encoding="utf-8").replace(
        "<wp:post_name><![CDATA[hostile-markup]]>", "<wp:post_name><![CDATA[elections-paris]]>"
    )
    path = tmp_path / "clash.xml"
    path.write_text(text, encoding="utf-8")
    result = import_wxr(runner, path)
    assert result.exit_code == 1
    assert 'post 103 "Hostile markup test"' in result.output
    assert "already belongs to WordPress post 101" in result.output
    assert set(articles_by_wp_id()) == {101, 102, 104, 105}


def test_help_describes_the_command(runner):
    result = runner.invoke(args=["import-wordpress", "--help"])
    assert result.exit_code == 0 and "WXR" in result.output


def _big_export(path: Path, posts: int) -> None:
    body = "<p>" + "words of a long story " * 250 + "</p>"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(
            '<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<wp:wxr_version>1.2</wp:wxr_version>"
        )
        for number in range(posts):
            handle.write(
                f"<item><title>Post {number}</title><wp:post_id>{number + 1}</wp:post_id>"
                f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
            )
        handle.write("</channel></rss>")


def test_the_export_is_streamed_not_loaded_whole(tmp_path):
    path = tmp_path / "big.xml"
    _big_export(path, 4000)  # about 22 MB
    assert path.stat().st_size > 20_000_000
    tracemalloc.start()
    try:
        items = sum(1 for name, _element in read_wxr(str(path)) if name == "item")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert items == 4000
    assert peak < 3_000_000  # a few items' worth, not the file


def test_a_break_late_in_the_file_keeps_the_items_before_it(runner, ctx, tmp_path):
    text = WXR.read_text(encoding="utf-8")
    path = tmp_path / "cut.xml"
    path.write_text(text.replace("</wp:attachment_url>", "</wp:attachment>"), encoding="utf-8")
    result = import_wxr(runner, path)
    assert result.exit_code == 1
    assert "Stopped early" in result.output and "articles: 5 created" in result.output
    assert "is not well-formed XML" in result.output
    assert set(articles_by_wp_id()) == {101, 102, 103, 104, 105}
    fixed = import_wxr(runner)  # the whole file afterwards: updates, no duplicates
    assert fixed.exit_code == 0 and "articles: 0 created, 5 updated" in fixed.output


def test_media_url_points_old_upload_links_at_their_new_home(runner, ctx):
    result = runner.invoke(
        args=["import-wordpress", str(WXR), "--media-url", "https://media.example/uploads"]
    )
    assert result.exit_code == 0, result.output
    articles = articles_by_wp_id()
    assert articles[101].hero_image == "https://media.example/uploads/2026/01/polling.jpg"
    planet = articles[102].body_html
    assert 'src="https://media.example/uploads/2026/01/planet.png"' in planet
    assert "gazette.example" not in planet


def test_without_media_url_links_keep_the_old_address(runner, ctx):
    assert import_wxr(runner).exit_code == 0
    assert "http://gazette.example/wp-content/uploads/2026/01/planet.png" in (
        articles_by_wp_id()[102].body_html
    )


def test_a_bad_media_url_is_a_clear_error(runner, ctx):
    result = runner.invoke(args=["import-wordpress", str(WXR), "--media-url", "uploads"])
    assert result.exit_code == 1 and "--media-url must be" in result.output
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0
