"""WordPress post content renders as its readers saw it: wpautop, blocks, shortcodes."""

from __future__ import annotations

from hublet.editorial.wp_autop import wpautop
from hublet.editorial.wp_content import (
    Attachment,
    parse_shortcode_attributes,
    render_wordpress_body,
)
from hublet.sanitize import clean_article_html

PICTURES = {
    12: Attachment(12, "/media/ab12-harbour.jpg", alt="The harbour at dawn", parent_id=7),
    13: Attachment(
        13,
        "/media/cd34-market.jpg",
        alt="Market stalls",
        caption="Saturday market. Credit: AP",
        parent_id=7,
        mime_type="image/jpeg",
        width=800,
        height=600,
    ),
    14: Attachment(14, "/media/ef56-pier.png", alt="Pier", parent_id=7, mime_type="image/png"),
}


def html(raw: str, **options) -> str:
    return render_wordpress_body(raw, PICTURES, **options).html


# --- wpautop --------------------------------------------------------------------------------


def test_blank_lines_make_paragraphs_and_single_newlines_breaks() -> None:
    assert html("First line\nsecond line\n\nNext paragraph") == (
        "<p>First line<br />\nsecond line</p>\n<p>Next paragraph</p>"
    )


def test_pre_is_left_untouched() -> None:
    raw = "Code:\n\n<pre>line one\n\nline two\nline three</pre>\n\nAfter"
    assert html(raw) == ("<p>Code:</p>\n<pre>line one\n\nline two\nline three</pre>\n<p>After</p>")


def test_block_elements_are_not_wrapped_in_paragraphs() -> None:
    raw = "Intro\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<h2>Heading</h2>\nText"
    assert html(raw) == (
        "<p>Intro</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<h2>Heading</h2>\n<p>Text</p>"
    )


def test_blockquote_gets_its_paragraph_inside() -> None:
    assert html("<blockquote>Quoted words</blockquote>") == (
        "<blockquote><p>Quoted words</p></blockquote>"
    )


def test_newlines_inside_a_tag_stay_newlines() -> None:
    raw = '<a\nhref="/x">link</a> here'
    assert html(raw) == '<p><a\nhref="/x">link</a> here</p>'


def test_wpautop_matches_wordpress_on_double_br_and_empty_input() -> None:
    assert wpautop("") == ""
    assert wpautop("one<br><br>two") == "<p>one</p>\n<p>two</p>\n"


# --- block editor ---------------------------------------------------------------------------


def test_block_comments_are_dropped_and_block_html_kept_without_autop() -> None:
    raw = (
        "<!-- wp:paragraph -->\n<p>Block one\nstill one</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:image {"id":12,"sizeSlug":"large"} -->\n'
        '<figure class="wp-block-image"><img src="/media/ab12-harbour.jpg" alt=""/></figure>\n'
        "<!-- /wp:image -->\n<!-- wp:latest-posts /-->"
    )
    rendered = html(raw)
    assert "wp:" not in rendered
    assert "<p>Block one\nstill one</p>" in rendered  # no <br>: blocks are already HTML
    assert '<figure class="wp-block-image"><img src="/media/ab12-harbour.jpg"' in rendered


def test_more_marker_goes() -> None:
    assert html("Teaser\n<!--more-->\nRest") == "<p>Teaser<br />\nRest</p>"


# --- shortcodes -----------------------------------------------------------------------------


def test_shortcode_attributes_parse_like_wordpress() -> None:
    assert parse_shortcode_attributes(
        """id="attachment_12" Align='alignright' width=300 "quoted" bare"""
    ) == {"id": "attachment_12", "align": "alignright", "width": "300", 0: "quoted", 1: "bare"}


def test_caption_becomes_a_figure_with_caption_and_credit() -> None:
    raw = (
        "Before\n\n"
        '[caption id="attachment_12" align="alignright" width="300"]'
        '<img src="/media/ab12-harbour.jpg" width="300" height="200"> '
        "The harbour at dawn. Photo: Jane Doe[/caption]\n\nAfter"
    )
    assert html(raw) == (
        "<p>Before</p>\n"
        '<figure class="wp-caption alignright">'
        '<img alt="The harbour at dawn" src="/media/ab12-harbour.jpg" width="300" height="200">'
        '<figcaption>The harbour at dawn. <span class="credit">Photo: Jane Doe</span>'
        "</figcaption></figure>\n"
        "<p>After</p>"
    )


def test_caption_attribute_form_and_linked_image() -> None:
    raw = '[caption caption="Old style"]<a href="/big.jpg"><img src="/s.jpg" alt="s"></a>[/caption]'
    assert html(raw) == (
        '<figure class="wp-caption"><a href="/big.jpg"><img src="/s.jpg" alt="s"></a>'
        "<figcaption>Old style</figcaption></figure>"
    )


def test_gallery_of_listed_attachments_reports_the_missing_one() -> None:
    rendered = render_wordpress_body('[gallery ids="12, 13,99"]', PICTURES)
    assert rendered.html == (
        '<figure class="gallery">'
        '<figure><img src="/media/ab12-harbour.jpg" alt="The harbour at dawn"></figure>'
        '<figure><img src="/media/cd34-market.jpg" alt="Market stalls" width="800" height="600">'
        '<figcaption>Saturday market. <span class="credit">Credit: AP</span></figcaption>'
        "</figure></figure>"
    )
    assert rendered.missing_attachments == [99]


def test_gallery_without_ids_shows_the_posts_attached_pictures() -> None:
    rendered = html("[gallery]", post_id=7)
    assert rendered.count("<img ") == 2  # 13 and 14 are images; 12 has no image type
    assert "cd34-market.jpg" in rendered and "ef56-pier.png" in rendered


def test_embed_shortcode_and_bare_provider_urls_become_link_cards() -> None:
    raw = (
        "Watch:\n\nhttps://www.youtube.com/watch?v=abc123\n\n"
        "[embed]https://vimeo.com/76979871[/embed]\n\n"
        "https://x.com/hublet/status/1234\n\n"
        "https://example.com/not-a-provider"
    )
    assert html(raw) == (
        "<p>Watch:</p>\n"
        '<figure class="embed embed-youtube"><a href="https://www.youtube.com/watch?v=abc123">'
        "YouTube: https://www.youtube.com/watch?v=abc123</a></figure>\n"
        '<figure class="embed embed-vimeo"><a href="https://vimeo.com/76979871">'
        "Vimeo: https://vimeo.com/76979871</a></figure>\n"
        '<figure class="embed embed-x-twitter"><a href="https://x.com/hublet/status/1234">'
        "X (Twitter): https://x.com/hublet/status/1234</a></figure>\n"
        "<p>https://example.com/not-a-provider</p>"
    )


def test_a_provider_url_inside_a_sentence_is_not_embedded() -> None:
    assert "<figure" not in html("See https://youtu.be/abc for more")


def test_local_audio_and_video_become_players_foreign_ones_links() -> None:
    raw = (
        '[audio mp3="/media/aa-interview.mp3"]\n\n'
        '[video src="https://old.example/wp-content/uploads/clip.mp4" poster="/media/p.jpg"'
        ' width="640" height="360"][/video]\n\n'
        '[audio src="https://elsewhere.example/pod.mp3"]'
    )
    rendered = html(raw, local_prefixes=("https://old.example/wp-content/uploads/",))
    assert rendered == (
        '<audio controls preload="metadata"><source src="/media/aa-interview.mp3"'
        ' type="audio/mpeg"><a href="/media/aa-interview.mp3">/media/aa-interview.mp3</a>'
        "</audio>\n"
        '<video controls preload="metadata" poster="/media/p.jpg" width="640" height="360">'
        '<source src="https://old.example/wp-content/uploads/clip.mp4" type="video/mp4">'
        '<a href="https://old.example/wp-content/uploads/clip.mp4">'
        "https://old.example/wp-content/uploads/clip.mp4</a></video>\n"
        '<p><a href="https://elsewhere.example/pod.mp3">https://elsewhere.example/pod.mp3</a></p>'
    )


def test_unknown_shortcodes_are_removed_their_text_kept_and_counted() -> None:
    raw = (
        '[vc_row][vc_column width="1/2"]Inner words[/vc_column][/vc_row]\n\n'
        '[contact-form-7 id="5"]\n\n'
        "A [highlight]bright[/highlight] idea [sic] and [1]. Escaped: [[gallery]]"
    )
    rendered = render_wordpress_body(raw, PICTURES)
    assert rendered.html == (
        "<p>Inner words</p>\n<p>A bright idea [sic] and [1]. Escaped: [gallery]</p>"
    )
    assert rendered.unknown_shortcodes == {
        "vc_row": 1,
        "vc_column": 1,
        "contact-form-7": 1,
        "highlight": 1,
    }


def test_shortcodes_in_code_stay_as_written() -> None:
    raw = 'Use <code>[gallery ids="1"]</code> like this:\n\n<pre>[caption]x[/caption]</pre>'
    assert html(raw) == (
        '<p>Use <code>[gallery ids="1"]</code> like this:</p>\n<pre>[caption]x[/caption]</pre>'
    )


def test_rendered_shortcodes_survive_the_article_sanitizer() -> None:
    raw = (
        '[caption id="attachment_12"]<img src="/media/ab12-harbour.jpg"> Dawn[/caption]\n\n'
        '[gallery ids="13"]\n\n[audio src="/media/aa.mp3"]\n\nhttps://youtu.be/abc'
    )
    cleaned = clean_article_html(html(raw))
    for kept in (
        '<figure class="wp-caption">',
        "<figcaption>Dawn</figcaption>",
        '<figure class="gallery">',
        '<audio controls preload="metadata"><source src="/media/aa.mp3" type="audio/mpeg">',
        '<figure class="embed embed-youtube"><a href="https://youtu.be/abc">',
    ):
        assert kept in cleaned


def test_hostile_media_addresses_do_not_survive_the_sanitizer() -> None:
    raw = (
        '<video poster="javascript:alert(1)" controls onplay="x()">'
        '<source src="data:video/mp4;base64,AAAA"></video>'
        '<audio src="javascript:alert(1)" controls></audio>'
    )
    cleaned = clean_article_html(html(raw))
    assert "javascript" not in cleaned and "data:" not in cleaned and "onplay" not in cleaned


def test_wpautop_keeps_inline_elements_and_manual_breaks_in_one_paragraph() -> None:
    line = 'Name: <input type="text" name="n" /><br />Code: <input type="text" name="c" />'
    assert wpautop(line).strip() == f"<p>{line}</p>"


def test_wpautop_keeps_breaks_typed_inside_pre() -> None:
    raw = "Code\n\n<pre>Line1<br />Line2<br>Line3\nLine 4</pre>\n\nAfter"
    assert wpautop(raw).strip() == (
        "<p>Code</p>\n<pre>Line1<br />Line2<br>Line3\nLine 4</pre>\n<p>After</p>"
    )


def test_wpautop_collapses_the_lines_between_video_sources() -> None:
    raw = (
        'One.\n\n<video controls="controls">\n\t<source type="video/mp4" src="x.mp4" />\n'
        '\t<track kind="chapters" src="c.srt" />\n\t<a href="x.mp4">x.mp4</a>\n</video>\n\nTwo.'
    )
    assert wpautop(raw).strip() == (
        '<p>One.</p>\n<p><video controls="controls"><source type="video/mp4" src="x.mp4" />'
        '<track kind="chapters" src="c.srt" /><a href="x.mp4">x.mp4</a></video></p>\n<p>Two.</p>'
    )
