"""Every HTML sanitizing policy of the site, and the only module that imports bleach.

bleach is no longer released; keeping it behind these functions means one module to change
when it is replaced. Whatever the policy, no ``on*``, ``style``, ``hx-*`` or ``data-*``
attribute and no ``script`` survives: htmx 4 runs scripts in swapped HTML, and htmx
attributes in reader content would let a reader make requests as whoever reads it.
"""

from __future__ import annotations

import re
from html import unescape

import bleach
from bleach.linkifier import Linker

# Article bodies come from editors and importers: richer markup, still nothing executable.
ARTICLE_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "figcaption", "figure",
        "h2", "h3", "h4", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "small",
        "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "width", "height", "loading", "decoding"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
    "span": ["class"],
    "figure": ["class"],
}
ARTICLE_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Reader comments: the short list WordPress and Isso allow.
COMMENT_TAGS = frozenset({"a", "em", "strong", "code", "blockquote", "p", "br", "ul", "ol", "li"})
COMMENT_ATTRIBUTES = {"a": ["href", "title"]}
COMMENT_PROTOCOLS = frozenset({"http", "https", "mailto"})

_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n\s*\n")
_WORDS = re.compile(r"\w+", re.UNICODE)


def remove_control_characters(text: str) -> str:
    """Drop NUL and the other control characters, keeping tabs and newlines."""
    return _CONTROL_CHARS.sub("", text)


_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


def _lazy_image(match: re.Match[str]) -> str:
    tag = match.group(0)
    if " loading=" in tag:
        return tag
    return '<img loading="lazy" decoding="async"' + tag[len("<img") :]


def clean_article_html(html: str) -> str:
    """Sanitize an article body for storage; its pictures load lazily (they sit below the hero)."""
    cleaned = bleach.clean(
        remove_control_characters(html),
        tags=ARTICLE_TAGS,
        attributes=ARTICLE_ATTRIBUTES,
        protocols=ARTICLE_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    return _IMG_TAG.sub(_lazy_image, cleaned)


def _nofollow_ugc(attrs: dict, new: bool = False) -> dict:
    """Mark reader links so that they pass no ranking and open no window handle."""
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


# No skip_tags: bleach double-escapes the text of skipped tags (``<code>a &lt; b</code>``).
_comment_linker = Linker(callbacks=[_nofollow_ugc], parse_email=False)
_BLOCK_START = re.compile(r"^<(p|blockquote|ul|ol)[\s>]", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")


def clean_comment_html(text: str) -> str:
    """Turn a reader's comment into safe HTML.

    The policy (issue 3): tags ``a em strong code blockquote p br ul ol li``; on ``a`` only
    ``href`` and ``title`` (plus our ``rel="nofollow ugc noopener"``); protocols http, https,
    mailto; bare URLs become links; blank lines make paragraphs and single newlines ``<br>``;
    every other tag is shown as text, every other attribute removed.
    """
    text = remove_control_characters(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    cleaned = bleach.clean(
        text,
        tags=COMMENT_TAGS,
        attributes=COMMENT_ATTRIBUTES,
        protocols=COMMENT_PROTOCOLS,
        strip=False,
        strip_comments=True,
    )
    paragraphs = [p.strip() for p in _BLANK_LINES.split(cleaned) if p.strip()]
    html = "".join(
        p if _BLOCK_START.match(p) else "<p>" + p.replace("\n", "<br>\n") + "</p>"
        for p in paragraphs
    )
    linked = _comment_linker.linkify(html)
    # Linkify reparses the markup; clean once more so nothing it produced escapes the policy.
    final = bleach.clean(
        linked,
        tags=COMMENT_TAGS,
        attributes={"a": ["href", "title", "rel"]},
        protocols=COMMENT_PROTOCOLS,
        strip=False,
    )
    return _EMPTY_PARAGRAPH.sub("", final)


def html_to_text(html: str) -> str:
    """The text of some HTML, markup removed and whitespace folded (search, excerpts)."""
    text = bleach.clean(html, tags=set(), strip=True, strip_comments=True)
    return " ".join(unescape(text).split())


def count_words(html: str) -> int:
    """Words in some HTML's text."""
    return len(_WORDS.findall(html_to_text(html)))
