"""`flask import-wordpress` on exports shaped as WordPress installations really write them.

The fixtures under tests/data/wordpress/ differ the way real exports do: a self-hosted
WordPress 6 site (http namespaces, block editor bodies, Yoast's primary category, a sticky, a
password-protected and a gallery-format post, a pingback and a trackback), a WordPress.com
export (https namespaces, escaped text instead of CDATA, a Jetpack feedback item), a WXR 1.0
file from WordPress 2.8, one with a byte-order mark and blank lines before the declaration and
most optional elements missing, and an export split into a posts file and a media file.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hublet.editorial.wordpress import _name
from hublet.extensions import db
from hublet.models import Article, Author, Category, Comment, Page, Tag, article_category

DATA = Path(__file__).parent.parent / "data" / "wordpress"

EXPORTS = {
    "self-hosted WordPress 6": ["selfhosted-wp6.xml"],
    "WordPress.com": ["wordpress-com.xml"],
    "WXR 1.0": ["wxr-1.0.xml"],
    "byte-order mark": ["bom.xml"],
    "split export": ["split-posts.xml", "split-attachments.xml"],
}
TABLES = (Article, Page, Comment, Category, Tag, Author)


def import_files(runner, *names: str | Path):  # type: ignore[no-untyped-def]
    paths = [str(name if isinstance(name, Path) else DATA / name) for name in names]
    return runner.invoke(args=["import-wordpress", *paths])


def rows() -> dict[str, list[tuple]]:
    """Every stored row of what an import writes, column by column, in id order."""
    snapshot = {}
    for model in TABLES:
        table = model.__table__
        found = db.session.execute(select(table).order_by(*table.primary_key.columns))
        snapshot[table.name] = [tuple(row) for row in found]
    for table in (article_category, Article.tags.property.secondary):
        found = db.session.execute(select(table).order_by(*table.primary_key.columns))
        snapshot[table.name] = [tuple(row) for row in found]
    return snapshot


def articles() -> dict[int, Article]:
    found = db.session.scalars(
        select(Article).options(selectinload(Article.tags), selectinload(Article.category))
    )
    return {article.wp_post_id: article for article in found}


def also_filed_under(article: Article) -> list[str]:
    return sorted(
        db.session.scalars(
            select(Category.slug)
            .join(article_category, article_category.c.category_id == Category.id)
            .where(article_category.c.article_id == article.id)
        )
    )


def archive(client, slug: str) -> str:  # type: ignore[no-untyped-def]
    """The category page's count and its story cards (not the sidebars' lists)."""
    html = client.get(f"/category/{slug}").get_data(as_text=True)
    return html.split('class="archive-count"', 1)[1].split("</section>", 1)[0]


def summary(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"\s+\w[\w ]*: \d+ created", line)]


@pytest.mark.parametrize("files", EXPORTS.values(), ids=EXPORTS.keys())
def test_each_export_imports_twice_with_the_same_rows(runner, ctx, files):
    first = import_files(runner, *files)
    assert first.exit_code == 0, first.output
    assert "Traceback" not in first.output
    before = rows()
    assert before["article"], "the export's posts were imported"
    second = import_files(runner, *files)
    assert second.exit_code == 0, second.output
    assert rows() == before
    # The same counts: what the first run created, the second one updated.
    created = {line.split(":")[0].strip(): line for line in summary(first.output)}
    for line in summary(second.output):
        kind = line.split(":")[0].strip()
        number = int(re.search(r"(\d+) created", created[kind]).group(1))
        assert f"{kind}: 0 created" in line
        if kind in ("articles", "pages", "comments"):
            assert f"{number} updated" in line
    assert first.output.count("  - ") == second.output.count("  - ")


# -- a self-hosted WordPress 6 site --------------------------------------------------------------


def test_self_hosted_export_keeps_yoasts_primary_category_and_files_the_others(runner, ctx):
    assert import_files(runner, "selfhosted-wp6.xml").exit_code == 0
    found = articles()
    bridge, rowing = found[10], found[13]
    assert bridge.category.slug == "transport"  # Yoast's primary (term 5), listed second
    assert also_filed_under(bridge) == ["local-news"]
    assert rowing.category.slug == "sport"  # no Yoast: the first listed
    assert also_filed_under(rowing) == ["transport"]
    assert also_filed_under(found[11]) == []


def test_category_archives_list_articles_filed_there_as_well(runner, client, ctx):
    assert import_files(runner, "selfhosted-wp6.xml").exit_code == 0
    local = archive(client, "local-news")
    assert "The old bridge reopens after two years" in local  # filed there as well
    assert "Saturday market in pictures" in local  # its primary category
    assert "Council budget" not in local  # password-protected: never shown
    assert ">2 articles</p>" in local
    transport = archive(client, "transport")
    assert "The old bridge reopens" in transport and "Rowing club wins" in transport
    assert ">2 articles</p>" in transport
    sport = archive(client, "sport")
    assert "Rowing club wins" in sport and "The old bridge" not in sport
    # The story's own page names its primary category.
    story = client.get("/article/old-bridge-reopens").get_data(as_text=True)
    assert ">Transport<" in story


def test_a_post_taken_out_of_a_category_in_wordpress_leaves_its_archive(
    runner, client, ctx, tmp_path
):
    assert import_files(runner, "selfhosted-wp6.xml").exit_code == 0
    edited = (DATA / "selfhosted-wp6.xml").read_text(encoding="utf-8")
    edited = edited.replace(
        '<category domain="category" nicename="transport"><![CDATA[Transport]]></category>\n'
        "\t\t\t\t\t</item>",
        "</item>",
    )
    path = tmp_path / "edited.xml"
    path.write_text(edited, encoding="utf-8")
    assert import_files(runner, path).exit_code == 0
    assert also_filed_under(articles()[13]) == []
    assert "Rowing club wins" not in archive(client, "transport")


def test_sticky_excerpt_more_tag_and_block_comments(runner, ctx):
    assert import_files(runner, "selfhosted-wp6.xml").exit_code == 0
    found = articles()
    bridge, market, rowing = found[10], found[11], found[13]
    assert bridge.is_featured and not market.is_featured and not rowing.is_featured
    for article in (bridge, rowing):
        assert "more" not in re.sub(r"<[^>]+>", "", article.body_html).lower().split()
        assert "<!--" not in article.body_html
    assert "<p>Traffic crossed the old bridge again on Saturday morning.</p>" in bridge.body_html
    assert "<strong>412</strong>" in bridge.body_html
    assert "wp:paragraph" not in bridge.body_html and "wp:more" not in bridge.body_html
    # No excerpt in WordPress: the teaser before the more tag is the excerpt.
    assert bridge.excerpt == "Traffic crossed the old bridge again on Saturday morning."
    assert rowing.excerpt == "The Riverside eight won by a length and a half."
    assert "The crew trained through the winter" in rowing.body_html
    assert "Read the race report" not in rowing.body_html
    assert market.excerpt == "Stalls, crowds and the first strawberries."  # WordPress's own
    assert bridge.published_at == datetime(2024, 2, 10, 9, 0)
    assert bridge.hero_image.endswith("/2024/02/bridge.jpg")
    assert (bridge.hero_alt, bridge.hero_caption) == ("The bridge at dawn", "The bridge at dawn.")
    assert (bridge.hero_width, bridge.hero_height) == (2048, 1365)


def test_password_protected_posts_are_drafts_never_shown_and_reported(runner, client, ctx):
    result = import_files(runner, "selfhosted-wp6.xml")
    locked = articles()[12]
    assert locked.status == "draft" and locked.published_at is None
    assert client.get("/article/council-budget-minutes").status_code == 404
    assert client.get("/?p=12").status_code == 404
    assert "Council budget" not in client.get("/").get_data(as_text=True)
    assert 'post 12 "Council budget: the full minutes" is password-protected' in result.output


def test_pingbacks_and_trackbacks_are_skipped_counted_and_listed(runner, ctx):
    result = import_files(runner, "selfhosted-wp6.xml")
    kept = {c.wp_comment_id: c for c in db.session.scalars(select(Comment))}
    assert set(kept) == {41, 44}
    assert kept[44].parent_id == kept[41].id
    assert articles()[10].comment_count == 2
    assert "skipped 1 pingback(s), 1 trackback(s)" in result.output
    assert "comment 42 on post 10" in result.output and "a pingback" in result.output
    assert "comment 43 on post 10" in result.output and "a trackback" in result.output


def test_post_formats_are_not_tags_and_the_report_says_so(runner, ctx):
    result = import_files(runner, "selfhosted-wp6.xml")
    assert [tag.slug for tag in articles()[11].tags] == ["market"]
    assert db.session.scalar(select(Tag).where(Tag.slug.like("post-format%"))) is None
    assert "post formats (gallery: 1) are not kept" in result.output
    assert "revision 14" in result.output and "post type 'revision'" in result.output


# -- WordPress.com --------------------------------------------------------------------------------


def test_wordpress_com_export_with_https_namespaces_and_escaped_text(runner, ctx):
    result = import_files(runner, "wordpress-com.xml")
    assert result.exit_code == 0, result.output
    assert "wxr_version" not in result.output
    found = articles()
    storm = found[201]
    assert storm.title == "Storm keeps the fleet in harbour"
    assert storm.author_id == db.session.scalar(
        select(Author.id).where(Author.name == "Harbour Lights Editor")
    )
    assert "<em>90 km/h</em>" in storm.body_html and "&lt;p&gt;" not in storm.body_html
    assert storm.published_at == datetime(2024, 5, 12, 6, 30)
    assert storm.category.slug == "weather" and also_filed_under(storm) == ["fishing"]
    assert [tag.slug for tag in storm.tags] == ["lighthouse"]
    assert storm.hero_image == "https://harbourlights.files.wordpress.com/2024/05/lighthouse.jpg"
    assert storm.hero_alt == "A lighthouse lit against a dark sky"
    comments = {c.wp_comment_id: c for c in db.session.scalars(select(Comment))}
    assert {k: c.status for k, c in comments.items()} == {3: "approved", 4: "spam"}
    assert "&amp;" in comments[3].body_html  # escaped text stays text
    draft = found[207]  # a draft: WordPress writes 0000-00-00 as its GMT date
    assert draft.status == "draft" and draft.slug == "mackerel-season-opens"
    assert 'feedback 209 "Message from Jo"' in result.output
    page = db.session.scalar(select(Page).where(Page.wp_post_id == 2))
    assert page.slug == "about" and "<p>Letters are welcome.</p>" in page.body_html


# -- WXR 1.0 --------------------------------------------------------------------------------------


def test_wxr_1_0_export_from_wordpress_2(runner, ctx):
    result = import_files(runner, "wxr-1.0.xml")
    assert result.exit_code == 0, result.output
    found = articles()
    jazz, closed = found[5], found[7]
    assert jazz.category.slug == "music" and also_filed_under(jazz) == []
    assert [tag.slug for tag in jazz.tags] == ["jazz"]  # WXR 1.0's domain="tag"
    assert "<p>The trio played until midnight.<br>" in jazz.body_html
    assert jazz.published_at == datetime(2009, 8, 21, 20, 0)
    assert jazz.excerpt.startswith("The trio played until midnight.")
    comments = list(db.session.scalars(select(Comment)))
    assert [c.wp_comment_id for c in comments] == [2]  # an empty comment type is a comment
    assert "comment 3 on post 5" in result.output and "a pingback" in result.output
    # No <wp:author> in WXR 1.0 (the login is the byline); no dc:creator at all: Staff.
    assert db.session.get(Author, jazz.author_id).slug == "admin"
    assert db.session.get(Author, closed.author_id).name == "Staff"
    assert closed.excerpt == "Back on the 7th." and not closed.comments_open


# -- a byte-order mark, blank lines, missing elements ---------------------------------------------


def test_byte_order_mark_blank_lines_and_missing_optional_elements(runner, ctx):
    assert (DATA / "bom.xml").read_bytes().startswith(b"\xef\xbb\xbf\n<?xml")
    result = import_files(runner, "bom.xml")
    assert result.exit_code == 0, result.output
    ferry = articles()[71]
    assert ferry.title == "Ferry fares & timetable for the summer"
    assert "<p>Fares rise by 5 &amp; the first ferry leaves at 6:40.</p>" in ferry.body_html
    assert ferry.status == "published"
    assert ferry.published_at == datetime(2023, 6, 1, 8, 0)  # no GMT date: the local one
    assert ferry.tags == [] and ferry.excerpt.startswith("Fares rise by 5 & the first")
    assert db.session.get(Category, ferry.category_id).slug == "uncategorized"


# -- several files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "order",
    [
        ["split-posts.xml", "split-attachments.xml"],
        ["split-attachments.xml", "split-posts.xml"],
    ],
    ids=["posts first", "media first"],
)
def test_a_split_export_is_one_import(runner, ctx, order):
    result = import_files(runner, *order)
    assert result.exit_code == 0, result.output
    lambing = articles()[601]
    assert lambing.hero_image == "https://hillpost.example/wp-content/uploads/2024/03/lambs.jpg"
    assert lambing.hero_alt == "Two lambs in straw"
    assert lambing.hero_caption == "Twin lambs at Upper Farm."
    assert (lambing.hero_width, lambing.hero_height) == (1200, 800)
    assert 'featured image of post 602 "Hay prices fall": attachment 612 is not in' in (
        result.output
    )


def test_a_missing_file_among_several_stops_before_anything_is_read(runner, ctx, tmp_path):
    result = import_files(runner, "split-posts.xml", tmp_path / "nope.xml")
    assert result.exit_code == 1
    assert "No such file" in result.output and "Traceback" not in result.output
    assert articles() == {}


def test_a_file_that_is_not_an_export_among_several_is_named(runner, ctx, tmp_path):
    other = tmp_path / "feed.xml"
    other.write_text('<rss version="2.0"><channel><title>A feed</title></channel></rss>')
    result = import_files(runner, "split-posts.xml", other)
    assert result.exit_code == 1
    assert f"{other} is not a WordPress export" in result.output


# -- namespaces -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag, name",
    [
        ("{http://wordpress.org/export/1.2/}post_id", "wp:post_id"),
        ("{https://wordpress.org/export/1.2/}post_id", "wp:post_id"),
        ("{https://wordpress.org/export/1.1}post_id", "wp:post_id"),
        ("{http://wordpress.org/export/1.0/}post_id", "wp:post_id"),
        ("{http://wordpress.org/export/1.0/excerpt/}encoded", "excerpt:encoded"),
        ("{https://wordpress.org/export/1.2/excerpt}encoded", "excerpt:encoded"),
        ("{http://purl.org/rss/1.0/modules/content/}encoded", "content:encoded"),
        ("{https://purl.org/rss/1.0/modules/content}encoded", "content:encoded"),
        ("{https://purl.org/dc/elements/1.1/}creator", "dc:creator"),
        ("{http://wellformedweb.org/CommentAPI}commentRss", "wfw:commentRss"),
        ("{http://example.com/ns/}thing", "http://example.com/ns/:thing"),
    ],
)
def test_every_namespace_spelling_real_exports_use(tag, name):
    assert _name(tag) == name


def test_blank_lines_before_the_declaration_are_tolerated(runner, ctx, tmp_path):
    """A theme or plugin that prints a newline before the export breaks it for expat."""
    path = tmp_path / "blank.xml"
    path.write_bytes(b"\n\n  " + (DATA / "wxr-1.0.xml").read_bytes())
    result = import_files(runner, path)
    assert result.exit_code == 0, result.output
    assert set(articles()) == {5, 7}


# -- post bodies and media, through the renderer and --media-dir ----------------------------------


def test_a_gallery_before_its_attachments_in_the_file_shows_them(runner, ctx):
    assert import_files(runner, "selfhosted-wp6.xml").exit_code == 0
    market = articles()[11].body_html
    gallery = market.split('<figure class="gallery">', 1)[1]
    assert gallery.index("/2024/02/bridge.jpg") < gallery.index("/2024/02/market.jpg")
    assert "<figcaption>The bridge at dawn.</figcaption>" in gallery
    assert "[gallery" not in market
    assert "<p>Stalls lined the quay from dawn.</p>" in market


def test_unknown_shortcodes_are_removed_and_counted_by_name(runner, ctx):
    result = import_files(runner, "selfhosted-wp6.xml")
    page = db.session.scalar(select(Page).where(Page.wp_post_id == 20))
    assert page.body_html == "<p>Call us on 01 234 5678.</p>"
    assert "removed, their text kept ([contact-form-7]: 1)" in result.output


def _picture(path: Path, size: tuple[int, int]) -> None:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, "green").save(path, "JPEG")


def test_media_dir_copies_pictures_in_and_names_the_missing_and_refused(runner, ctx, tmp_path):
    uploads = tmp_path / "wp-content" / "uploads"
    _picture(uploads / "2024/02/bridge.jpg", (64, 48))  # bridge-1024x683.jpg is not there
    (uploads / "2024/02").mkdir(parents=True, exist_ok=True)
    (uploads / "2024/02/market.jpg").write_text("<?php echo 'not a picture'; ?>")
    result = runner.invoke(
        args=["import-wordpress", str(DATA / "selfhosted-wp6.xml"), "--media-dir", str(uploads)]
    )
    assert result.exit_code == 0, result.output  # a missing file never stops a post
    found = articles()
    bridge = found[10]
    assert re.fullmatch(r"/media/[0-9a-f]{64}\.jpg", bridge.hero_image)
    # The body's size variant was missing: the original took its place.
    assert f'src="{bridge.hero_image}"' in bridge.body_html
    assert "riverside.example/wp-content" not in bridge.body_html
    assert (tmp_path / "media" / bridge.hero_image.rsplit("/", 1)[1]).is_file()
    market = found[11]
    assert "http://riverside.example/wp-content/uploads/2024/02/market.jpg" in market.body_html
    assert "file 2024/02/market.jpg: refused: carries a script" in result.output
    assert "media files: 1 copied" in result.output
    again = runner.invoke(
        args=["import-wordpress", str(DATA / "selfhosted-wp6.xml"), "--media-dir", str(uploads)]
    )
    assert again.exit_code == 0 and articles()[10].hero_image == bridge.hero_image
    assert "media files: 0 copied" in again.output


def test_media_dir_names_a_file_missing_from_the_copy(runner, ctx, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    result = runner.invoke(
        args=[
            "import-wordpress",
            str(DATA / "split-posts.xml"),
            str(DATA / "split-attachments.xml"),
            "--media-dir",
            str(uploads),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "file 2024/03/lambs.jpg: not in --media-dir; the old address stays" in result.output
    lambing = articles()[601]
    assert lambing.hero_image == "https://hillpost.example/wp-content/uploads/2024/03/lambs.jpg"


@pytest.mark.parametrize(
    "key, value, primary, warned",
    [
        ("rank_math_primary_category", "5", "transport", False),  # Rank Math's, as Yoast's
        ("_yoast_wpseo_primary_category", "6", "local-news", True),  # not one of the post's
        ("_yoast_wpseo_primary_category", "", "local-news", False),  # unset: the first
    ],
)
def test_the_primary_category_an_seo_plugin_marked(
    runner, ctx, tmp_path, key, value, primary, warned
):
    text = (DATA / "selfhosted-wp6.xml").read_text(encoding="utf-8")
    yoast = "<wp:meta_key><![CDATA[_yoast_wpseo_primary_category]]></wp:meta_key>\n"
    yoast += "\t\t<wp:meta_value><![CDATA[5]]></wp:meta_value>"
    assert yoast in text
    text = text.replace(
        yoast,
        f"<wp:meta_key><![CDATA[{key}]]></wp:meta_key>\n"
        f"\t\t<wp:meta_value><![CDATA[{value}]]></wp:meta_value>",
    )
    path = tmp_path / "primary.xml"
    path.write_text(text, encoding="utf-8")
    result = import_files(runner, path)
    assert result.exit_code == 0, result.output
    bridge = articles()[10]
    assert bridge.category.slug == primary
    assert len(also_filed_under(bridge)) == 1 and primary not in also_filed_under(bridge)
    assert ("its primary category (term 6) is not among its categories" in result.output) is (
        warned
    )
