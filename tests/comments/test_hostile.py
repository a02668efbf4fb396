"""Hostile comments: stored and rendered with nothing executable left."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from hublet.sanitize import clean_comment_html
from tests.builders import make_article
from tests.comments.helpers import add_comment, all_comments, post
from tests.conftest import HTMX

ALLOWED_TAGS = {"a", "em", "strong", "code", "blockquote", "p", "br", "ul", "ol", "li"}
VOID = {"br", "img", "input", "hr", "meta", "link"}

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<svg onload="alert(1)"><script>alert(1)</script></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    '<a href="vbscript:msgbox(1)">vb</a>',
    '<p onclick="alert(1)" onmouseover="alert(2)" style="color:red">handlers</p>',
    '<a href="https://ok.example.com" hx-get="/moderation/" hx-trigger="load">htmx</a>',
    '<em data-hx-post="/article/x/comments" data-hx-trigger="load">data-hx</em>',
    '<strong hx-on:click="alert(1)" hx-on::after-request="alert(2)">hx-on</strong>',
    '<code hx-on--click="alert(1)" data-hx-on:click="alert(1)">hx-on dashes</code>',
    '<hx-partial hx-target="body" hx-swap="innerHTML">taken over</hx-partial>',
    "<template><script>alert(1)</script></template>",
    '<iframe src="https://evil.example"></iframe>',
    "<object data=x></object><embed src=x>",
    '<form action="/moderation/"><button formaction="/x">go</button></form>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{display:none}</style>",
    "</p></div></article></li></ol></section><script>alert(1)</script>",
    "<blockquote><p>unclosed <em>markup <strong>everywhere",
    '"><script>alert(1)</script><a title="',
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    '<a href="https://ok.example.com" title="x&quot; onmouseover=&quot;alert(1)">t</a>',
    '<a href="https://ok.example.com" target="_blank" rel="opener">opener</a>',
    "<textarea></textarea><script>alert(1)</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
]


class Inspector(HTMLParser):
    """Every start tag with its attributes; checks that the markup is balanced."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.stack: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, attrs))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False


def inspect_html(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


def assert_inert(body_html: str) -> None:
    found = inspect_html(body_html)
    assert found.balanced and not found.stack, body_html
    for tag, attrs in found.tags:
        assert tag in ALLOWED_TAGS, (tag, body_html)
        names = {name for name, _ in attrs}
        if tag == "a":
            assert names <= {"href", "title", "rel"}, body_html
            href = dict(attrs).get("href")
            if href is not None:
                assert urlsplit(href).scheme in ("http", "https", "mailto"), body_html
            assert dict(attrs).get("rel") in (None, "nofollow ugc noopener")
        else:
            assert not names, body_html
    lowered = body_html.lower()
    assert "<hx-" not in lowered and "</hx-" not in lowered and "<template" not in lowered


@pytest.mark.parametrize("payload", HOSTILE)
def test_sanitizer_leaves_nothing_executable(payload):
    assert_inert(clean_comment_html(payload))


@pytest.fixture
def app_config(app_config: dict) -> dict:
    app_config["COMMENT_FLOOD_SECONDS"] = 0
    app_config["COMMENT_RATE_LIMIT"] = ""  # many posts from one address, on purpose
    return app_config


def test_hostile_payloads_posted_are_stored_and_rendered_inert(client, ctx):
    article = make_article("Target")
    add_comment(article, email="ann@example.com", name="Ann Reader")  # Ann is known: shown at once
    for number, payload in enumerate(HOSTILE):
        response = post(client, "target", htmx=True, comment=f"{number}: {payload}")
        assert response.status_code == 200, payload
        assert_inert_fragment(response.get_data(as_text=True))
    stored = all_comments()[1:]
    assert len(stored) == len(HOSTILE)
    for comment in stored:
        assert comment.status in ("approved", "pending")
        assert_inert(comment.body_html)

    page = client.get("/article/target").get_data(as_text=True)
    for comment in stored:
        assert f'<div class="comment-content">{comment.body_html}</div>' in page
    # Nothing escaped its container: the page's own structure is intact after the thread.
    thread = page.split('<ol class="comment-list" id="comment-list">')[1].split(
        '<div id="respond"'
    )[0]
    structure = inspect_html('<ol class="comment-list" id="comment-list">' + thread)
    assert structure.balanced and not structure.stack
    assert page.count('<form id="commentform"') == 1
    for _, attrs in structure.tags:
        for name, _value in attrs:
            assert not name.startswith(("on", "hx-", "data-hx-on", "style")), name
            if name.startswith("data-hx"):
                assert name == "data-hx-ignore"


def assert_inert_fragment(html: str) -> None:
    """The htmx answer: the only hx-partial tags are ours (three at most)."""
    assert html.count("<hx-partial") <= 3
    assert html.count("</hx-partial>") == html.count("<hx-partial")
    assert "<script" not in html.lower()


def test_every_comment_body_is_inside_hx_ignore(client, ctx):
    article = make_article("Ignored")
    comment = add_comment(article, text="plain words")
    html = client.get("/article/ignored").get_data(as_text=True)
    item = html.split(f'id="comment-{comment.id}"')[1]
    assert item.index("data-hx-ignore") < item.index("plain words")
    assert '<article class="comment-body" data-hx-ignore>' in item


def test_policy_keeps_the_allowed_markup_links_bare_urls_and_makes_paragraphs():
    html = clean_comment_html(
        "First <strong>bold</strong> and <em>it</em> with <code>x < y</code>\n"
        "second line\n\n"
        "<blockquote>quoted</blockquote>\n\n"
        "<ul><li>one</li></ul><ol><li>two</li></ol>\n\n"
        'See https://news.example.com/a?b=1 or <a href="mailto:ed@example.com" title="Ed">Ed</a>'
    )
    assert "<p>First <strong>bold</strong> and <em>it</em> with <code>x &lt; y</code><br>" in html
    assert "second line</p><blockquote>" in html
    assert "<p></p>" not in html
    assert "<blockquote>quoted</blockquote>" in html
    assert "<ul><li>one</li></ul><ol><li>two</li></ol>" in html
    assert (
        '<a href="https://news.example.com/a?b=1" rel="nofollow ugc noopener">'
        "https://news.example.com/a?b=1</a>"
    ) in html
    assert '<a href="mailto:ed@example.com" title="Ed" rel="nofollow ugc noopener">Ed</a>' in html


def test_disallowed_tags_are_shown_as_text_not_lost():
    assert clean_comment_html("I <3 <b>this</b>") == "<p>I &lt;3 &lt;b&gt;this&lt;/b&gt;</p>"


def test_htmx_response_for_a_hostile_comment_has_only_our_partials(client, ctx):
    article = make_article("Partials")
    add_comment(article, email="ann@example.com")
    payload = '</hx-partial><hx-partial hx-target="body">owned</hx-partial>'
    html = post(client, "partials", htmx=True, comment=payload).get_data(as_text=True)
    assert html.count("<hx-partial") == 3
    assert "&lt;hx-partial" in html
    assert HTMX  # the helper sent htmx headers
