"""Every HTML and URL sanitizing policy of the site, and the only module that imports bleach.

bleach is no longer released; keeping it behind these functions means one module to change
when it is replaced. Whatever the policy, no ``on*``, ``style``, ``hx-*`` or ``data-*``
attribute and no ``script`` survives: htmx 4 runs scripts in swapped HTML, and htmx
attributes in reader content would let a reader make requests as whoever reads it.

This is the one gate for stored HTML and URLs: :data:`STORED_POLICIES` names every
column that holds them and the policy it goes through. ORM writes pass it in a model listener
(``hublet.models``); a writer that inserts with Core (JSONL restore) calls :func:`clean_row`
itself, because Core inserts skip the ORM's events. A feature may add to a story's body on its
way in (``models.add_body_step``: the media library's body figures give a ``/media/`` picture
its ``srcset``); the gate sends what the step made through the policy here once more, so what
is stored is always this module's output.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import Linker

# Article bodies come from editors and importers: richer markup, still nothing executable.
ARTICLE_TAGS = frozenset(
    {
        "a", "abbr", "audio", "b", "blockquote", "br", "cite", "code", "em", "figcaption",
        "figure", "h2", "h3", "h4", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "small",
        "source", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr",
        "u", "ul", "video",
    }
)  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": ["href", "title", "rel"],
    "abbr": ["title"],
    "img": ["src", "alt", "width", "height", "loading", "decoding", "srcset", "sizes"],
    "td": ["colspan", "rowspan"],
    "th": ["colspan", "rowspan", "scope"],
    "span": ["class"],
    "figure": ["class"],
    # Imported WordPress media: players for files on this site or the web.
    "audio": ["src", "controls", "preload"],
    "video": ["src", "controls", "preload", "poster", "width", "height"],
    "source": ["src", "type"],
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


_WEB_SCHEMES = frozenset({"http", "https"})
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")  # browsers drop or reinterpret these


def clean_url(value: str | None, *, relative: bool = True, limit: int | None = None) -> str:
    """``value`` when it is a web address (http or https, with a host), else "".

    With ``relative`` a reference on this site passes too: no scheme and no host
    (``/path``, ``img/x.svg``, ``#part``). ``javascript:``, ``data:``, ``//other.host``,
    ``/\\other.host`` and anything with spaces or control characters become "", as does a
    value longer than ``limit`` (a cut address points somewhere else).
    """
    if not isinstance(value, str):
        return ""
    value = value.strip()
    if not value or _UNSAFE_URL_CHARS.search(value) or (limit and len(value) > limit):
        return ""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return ""
    if parts.scheme:
        return value if parts.scheme.lower() in _WEB_SCHEMES and host else ""
    if not relative or parts.netloc or value.startswith("//"):
        return ""
    return value


def clean_web_url(value: str | None, limit: int | None = None) -> str:
    """An address a reader gives (a commenter's website): absolute http(s) only, else ""."""
    return clean_url(value, relative=False, limit=limit)


def _link_attribute(allowed: frozenset[str]) -> Callable[[str, str, str], bool]:
    """An attribute filter for ``a``: ``href`` keeps web, site and mailto addresses only."""

    def allow(_tag: str, name: str, value: str) -> bool:
        if name != "href":
            return name in allowed
        return bool(clean_url(value)) or value.strip().lower().startswith("mailto:")

    return allow


#: A stored picture's address on this site: ``/media/`` and a file name, nothing else (no
#: host, no scheme, no ``..``, no query). ``srcset`` may name only these.
_MEDIA_PATH = re.compile(r"/media/[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}")
_SRCSET_CANDIDATE = re.compile(r"(\S+)(?:\s+(\d{1,5}w|\d{1,2}(?:\.\d{1,3})?x))?")
# A media condition and a length per entry: "(min-width: 960px) calc(100vw - 384px), 100vw".
_SIZES = re.compile(r"[a-z0-9 ().,:+*/%-]{1,300}")
_PIXELS = re.compile(r"\d{1,5}")
_IMAGE_VALUES: dict[str, Callable[[str], bool]] = {
    "width": lambda value: bool(_PIXELS.fullmatch(value.strip())),
    "height": lambda value: bool(_PIXELS.fullmatch(value.strip())),
    "loading": lambda value: value.strip().lower() in ("lazy", "eager"),
    "decoding": lambda value: value.strip().lower() in ("async", "sync", "auto"),
    "sizes": lambda value: bool(_SIZES.fullmatch(value.strip().lower())),
}


def is_media_path(value: str) -> bool:
    """True for the address of a stored picture on this site (``/media/<key>``)."""
    return bool(_MEDIA_PATH.fullmatch(value)) and ".." not in value


def clean_srcset(value: str) -> bool:
    """True when every candidate of a ``srcset`` is a ``/media/`` file with a width or density.

    Only the site's own pictures get a ``srcset``: it is the one image address a browser picks
    by itself, so an off-site or ``javascript:`` candidate is refused rather than checked.
    """
    candidates = [part.strip() for part in value.split(",")]
    if not value.strip() or len(candidates) > 12 or not all(candidates):
        return False
    for candidate in candidates:
        match = _SRCSET_CANDIDATE.fullmatch(candidate)
        if match is None or not is_media_path(match.group(1)):
            return False
    return True


def _image_attribute(
    allowed: frozenset[str], addresses: frozenset[str] = frozenset({"src"})
) -> Callable[[str, str, str], bool]:
    """An attribute filter for ``img`` (and media): addresses keep web and site URLs only;
    ``srcset`` names ``/media/`` files only, and sizes, dimensions and loading hints keep
    well-formed values only."""

    def allow(_tag: str, name: str, value: str) -> bool:
        if name not in allowed:
            return False
        if name in addresses:
            return bool(clean_url(value))
        if name == "srcset":
            return clean_srcset(value)
        check = _IMAGE_VALUES.get(name)
        return check is None or check(value)

    return allow


_ARTICLE_ATTRIBUTE_FILTERS: dict[str, Any] = {
    **ARTICLE_ATTRIBUTES,
    "a": _link_attribute(frozenset(ARTICLE_ATTRIBUTES["a"])),
    "img": _image_attribute(frozenset(ARTICLE_ATTRIBUTES["img"])),
    "audio": _image_attribute(frozenset(ARTICLE_ATTRIBUTES["audio"])),
    "video": _image_attribute(frozenset(ARTICLE_ATTRIBUTES["video"]), frozenset({"src", "poster"})),
    "source": _image_attribute(frozenset(ARTICLE_ATTRIBUTES["source"])),
}


def clean_article_html(html: str) -> str:
    """Sanitize an article body for storage; its pictures load lazily (they sit below the hero)."""
    cleaned = bleach.clean(
        remove_control_characters(html or ""),
        tags=ARTICLE_TAGS,
        attributes=_ARTICLE_ATTRIBUTE_FILTERS,
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


# One Linker per thread: a Linker keeps its html5lib parser and serializer between calls, so
# two requests linkifying at once on one shared Linker can swap or lose each other's markup.
_linkers = threading.local()


def _comment_linker() -> Linker:
    linker = getattr(_linkers, "linker", None)
    if linker is None:
        # No skip_tags: bleach double-escapes the text of skipped tags (``<code>a &lt; b</code>``).
        linker = _linkers.linker = Linker(callbacks=[_nofollow_ugc], parse_email=False)
    return linker


_BLOCK_START = re.compile(r"^<(p|blockquote|ul|ol)[\s>]", re.IGNORECASE)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")


def clean_comment_html(text: str) -> str:
    """Turn a reader's comment into safe HTML.

    The policy: tags ``a em strong code blockquote p br ul ol li``; on ``a`` only
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
    linked = _comment_linker().linkify(html)
    # Linkify reparses the markup; clean once more so nothing it produced escapes the policy.
    return _EMPTY_PARAGRAPH.sub("", clean_comment_markup(linked))


_COMMENT_MARKUP_ATTRIBUTES = {"a": _link_attribute(frozenset({"href", "title", "rel"}))}


def clean_comment_markup(html: str) -> str:
    """Sanitize a comment's stored HTML (a restore, the model gate): the comment policy again.

    :func:`clean_comment_html` makes HTML from what a reader typed; this keeps HTML that
    claims to be its output to the same tags, and shows any other tag as text. Its output is
    unchanged by a second pass, so clean rows restore exactly.
    """
    return bleach.clean(
        remove_control_characters(html or ""),
        tags=COMMENT_TAGS,
        attributes=_COMMENT_MARKUP_ATTRIBUTES,
        protocols=COMMENT_PROTOCOLS,
        strip=False,
        strip_comments=True,
    )


def clean_image_url(value: str | None) -> str:
    """A picture's address: web or on this site (a static path such as ``img/x.svg``)."""
    return clean_url(value, limit=500)


def clean_author_url(value: str | None) -> str:
    """A commenter's website: an absolute http(s) address that fits its column, else ""."""
    return clean_web_url(value, limit=200)


#: Every stored column that holds HTML or a URL, and the policy it goes through on its way in.
STORED_POLICIES: dict[str, dict[str, Callable[[str], str]]] = {
    "article": {"body_html": clean_article_html, "hero_image": clean_image_url},
    "page": {"body_html": clean_article_html},
    "comment": {"body_html": clean_comment_markup, "author_url": clean_author_url},
}


def clean_row(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """A row for a Core insert into ``table`` with its HTML and URL columns sanitized."""
    cleaned = dict(row)
    for column, policy in STORED_POLICIES.get(table, {}).items():
        if cleaned.get(column) is not None:
            cleaned[column] = policy(cleaned[column])
    return cleaned


def html_to_text(html: str) -> str:
    """The text of some HTML, markup removed and whitespace folded (search, excerpts)."""
    text = bleach.clean(html, tags=set(), strip=True, strip_comments=True)
    return " ".join(unescape(text).split())


def count_words(html: str) -> int:
    """Words in some HTML's text."""
    return len(_WORDS.findall(html_to_text(html)))
