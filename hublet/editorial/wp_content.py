"""A WordPress post's raw content turned into the HTML its readers saw.

WordPress keeps ``post_content`` as typed in its editor and renders it on every view; an
import has to render it once. The entry point for the importer::

    rendered = render_wordpress_body(raw, attachments, post_id=item.wp_id,
                                     local_prefixes=("https://old.example/wp-content/uploads/",))
    article.body_html = rendered.html          # then clean_article_html, as every body
    report.shortcodes.update(rendered.unknown_shortcodes)   # e.g. {"vc_row": 2}
    rendered.missing_attachments               # gallery/caption ids the export did not hold

``attachments`` maps a WordPress attachment id to an :class:`Attachment` (its address, alt
text, caption, parent post). What happens, in WordPress's order:

- block-editor comments (``<!-- wp:paragraph {...} -->``) are dropped and their HTML kept;
  ``wpautop`` (:mod:`hublet.editorial.wp_autop`) runs only when there were no blocks, as in
  WordPress; ``<!--more-->`` and ``<!--nextpage-->`` markers go;
- ``[caption]`` becomes ``<figure>`` with its picture and a ``<figcaption>`` (a trailing
  "Credit: ..." / "Photo: ..." becomes ``<span class="credit">``, as Hublet's own figures);
  ``[gallery ids="1,2"]`` (or no ids: the post's attached pictures) a ``<figure
  class="gallery">`` of figures; ``[embed]URL[/embed]`` and a YouTube/Vimeo/X URL alone on its
  line a link card (the CSP allows no third-party frame); ``[audio]``/``[video]`` an HTML5
  element when the file is on this site (site-relative, or under ``local_prefixes``), a link
  otherwise;
- any other shortcode is removed, its inner text kept, and counted by name; shortcodes in
  ``<pre>`` and ``<code>`` stay as written, and ``[[name]]`` is WordPress's escape for a
  literal ``[name]``.

Attributes are parsed as WordPress's ``shortcode_parse_atts`` does (double, single or no
quotes; positional values). The output is not yet sanitized: it goes through
``hublet.sanitize.clean_article_html`` like every body.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from html import escape
from urllib.parse import urlsplit

from hublet.editorial.wp_autop import wpautop


@dataclass(frozen=True)
class Attachment:
    """A WordPress attachment as a body refers to it (``[gallery ids]``, ``attachment_12``)."""

    id: int
    url: str
    alt: str = ""
    caption: str = ""  # HTML allowed, as WordPress's post_excerpt of an attachment
    title: str = ""
    parent_id: int | None = None
    mime_type: str = ""
    width: int | None = None
    height: int | None = None


@dataclass
class RenderedBody:
    """A rendered body and what the import report should say about it."""

    html: str
    unknown_shortcodes: Counter[str] = field(default_factory=Counter)
    missing_attachments: list[int] = field(default_factory=list)


# --- block editor -----------------------------------------------------------------------

_BLOCK_COMMENT = re.compile(
    r"<!--\s+/?wp:[a-z][a-z0-9_-]*(?:/[a-z][a-z0-9_-]*)?\s+(?:\{.*?\}\s+)?/?-->\n?", re.DOTALL
)
_MORE_MARKER = re.compile(r"<!--(?:more(?:\s[^>]*?)?|noteaser|nextpage)-->\n?")


def strip_block_comments(raw: str) -> tuple[str, bool]:
    """The content without block-editor comments, and whether it had any blocks."""
    stripped, count = _BLOCK_COMMENT.subn("", raw)
    return stripped, count > 0


# --- shortcode syntax (WordPress's get_shortcode_regex and shortcode_parse_atts) -----------

# An opening tag; its enclosed content runs to the first ``[/name]`` after it, as WordPress's
# pattern reads it, found with str.find (a regex would rescan the rest of the body for every
# ``[word]`` that has no closing tag: quadratic on a long post).
_SHORTCODE_OPEN = re.compile(
    r"\[(\[?)"  # 1: [[ escapes a shortcode
    r"([A-Za-z0-9_][\w-]*)(?![\w-])"  # 2: the name
    r"([^\]/]*(?:/(?!\])[^\]/]*)*?)"  # 3: the attributes
    r"(/)?\]"  # 4: self-closing
)
_CLOSING_TAG = re.compile(r"\[/([A-Za-z0-9_][\w-]*)\]")
MAX_NESTING = 20
_ATTRIBUTE = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)"""
    r"""|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)"""
    r"""|"([^"]*)"(?:\s|$)"""
    r"""|'([^']*)'(?:\s|$)"""
    r"""|(\S+)(?:\s|$)"""
)
_BALANCED_TAGS = re.compile(r"^[^<]*+(?:<[^>]*+>[^<]*+)*+$")


def parse_shortcode_attributes(text: str) -> dict[str | int, str]:
    """Named attributes (lower-cased names) and positional ones (numbered), as WordPress."""
    text = re.sub("[\u00a0\u200b]+", " ", text)
    attributes: dict[str | int, str] = {}
    position = 0
    for match in _ATTRIBUTE.finditer(text):
        groups = match.groups()
        for name_at in (0, 2, 4):
            if groups[name_at]:
                attributes[groups[name_at].lower()] = _unslash(groups[name_at + 1])
                break
        else:
            value = next((g for g in groups[6:] if g is not None), "")
            attributes[position] = _unslash(value)
            position += 1
    for key, value in attributes.items():
        if "<" in value and not _BALANCED_TAGS.match(value):
            attributes[key] = ""  # WordPress rejects unclosed HTML in an attribute
    return attributes


def _unslash(value: str) -> str:
    """PHP's ``stripcslashes`` for the escapes editors really type (``\\"``, ``\\\\``)."""
    return re.sub(r"\\(.)", r"\1", value)


# --- the renderer ---------------------------------------------------------------------------

_PROTECTED_OPEN = re.compile(r"<(pre|code)\b", re.IGNORECASE)
_BARE_URL_LINE = re.compile(r"^([ \t]*)(https?://[^\s<>\"]+)([ \t]*)$", re.MULTILINE)
_EMBED_PROVIDERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "YouTube",
        re.compile(
            r"https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch|shorts/|playlist)|youtu\.be/)"
        ),
    ),
    ("Vimeo", re.compile(r"https?://(?:www\.|player\.)?vimeo\.com/")),
    ("X (Twitter)", re.compile(r"https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/\w+/status")),
)
_CAPTIONED_IMAGE = re.compile(r"((?:<a [^>]+>\s*)?<img [^>]+>(?:\s*</a>)?)(.*)", re.DOTALL)
_CREDIT = re.compile(
    r"^(?P<caption>.*?)[\s\u2014\u2013-]*\b(?P<credit>(?:Credit|Photo|Photograph|Image|Source)s?\s*:"
    r"\s*[^<>]+?)\s*\.?$",
    re.DOTALL | re.IGNORECASE,
)
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)", re.IGNORECASE)
_ALIGN = {"alignleft", "alignright", "aligncenter", "alignnone"}
_AUDIO_SOURCES = ("src", "mp3", "m4a", "ogg", "wav", "flac")
_VIDEO_SOURCES = ("src", "mp4", "m4v", "webm", "ogv", "wmv", "flv")
_SOURCE_TYPES = {
    "mp3": "audio/mpeg",
    "m4a": "audio/mp4",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "flac": "audio/flac",
    "mp4": "video/mp4",
    "m4v": "video/mp4",
    "webm": "video/webm",
    "ogv": "video/ogg",
}


class _Renderer:
    """One body's rendering: rendered shortcodes wait as placeholders while wpautop runs."""

    def __init__(
        self,
        attachments: Mapping[int, Attachment],
        post_id: int | None,
        local_prefixes: Iterable[str],
    ) -> None:
        self.attachments = attachments
        self.post_id = post_id
        self.local_prefixes = tuple(prefix for prefix in local_prefixes if prefix)
        self.unknown: Counter[str] = Counter()
        self.missing: list[int] = []
        self.rendered: list[str] = []
        self.nonce = secrets.token_hex(6)
        self.handlers: dict[str, Callable[[dict[str | int, str], str | None], str]] = {
            "caption": self.caption,
            "wp_caption": self.caption,
            "gallery": self.gallery,
            "embed": self.embed,
            "audio": self.audio,
            "video": self.video,
        }

    # placeholders: a block-level element, so that wpautop never wraps a figure in <p>
    def hold(self, html: str) -> str:
        self.rendered.append(html)
        return f'<div data-hublet-rendered="{self.nonce}-{len(self.rendered) - 1}"></div>'

    def release(self, html: str) -> str:
        pattern = re.compile(rf'<div data-hublet-rendered="{self.nonce}-(\d+)"></div>')
        return pattern.sub(lambda m: self.rendered[int(m.group(1))], html)

    @staticmethod
    def outside_code(html: str, change: Callable[[str], str]) -> str:
        """Apply ``change`` to everything but ``<pre>`` and ``<code>`` elements."""
        lower = html.lower()
        out = []
        position = 0
        while (opening := _PROTECTED_OPEN.search(html, position)) is not None:
            closing_tag = f"</{opening.group(1).lower()}>"
            close = lower.find(closing_tag, opening.end())
            if close == -1:
                break  # unclosed: the rest is ordinary text
            end = close + len(closing_tag)
            out.append(change(html[position : opening.start()]))
            out.append(html[opening.start() : end])
            position = end
        out.append(change(html[position:]))
        return "".join(out)

    def shortcodes(self, text: str, depth: int = 0) -> str:
        closers = set(_CLOSING_TAG.findall(text))
        out: list[str] = []
        position = 0
        while (match := _SHORTCODE_OPEN.search(text, position)) is not None:
            escape_open, name, raw_attributes, self_closing = match.groups()
            end = match.end()
            content = None
            if not self_closing and name in closers:
                close = text.find(f"[/{name}]", end)
                if close != -1:
                    content, end = text[end:close], close + len(name) + 3
            escape_close = "]" if escape_open and text.startswith("]", end) else ""
            out.append(text[position : match.start()])
            position = end + len(escape_close)
            whole = text[match.start() : position]
            if escape_open and escape_close:
                out.append(whole[1:-1])  # [[name]] is a literal [name]
                continue
            handler = self.handlers.get(name.lower())
            if handler is not None:
                rendered = handler(parse_shortcode_attributes(raw_attributes), content)
                out.append(escape_open + self.hold(rendered) + escape_close)
                continue
            if not _looks_like_shortcode(name, raw_attributes, self_closing, content):
                out.append(whole)
                continue
            self.unknown[name.lower()] += 1
            inner = content or ""
            if inner and depth < MAX_NESTING:
                inner = self.shortcodes(inner, depth + 1)
            out.append(escape_open + inner + escape_close)
        out.append(text[position:])
        expanded = "".join(out)
        if depth == 0 and self.unknown:
            # A closing tag whose opening tag was removed above goes too.
            names = "|".join(re.escape(name) for name in self.unknown)
            expanded = re.sub(rf"\[/(?:{names})\]", "", expanded, flags=re.IGNORECASE)
        return expanded

    def autoembed(self, text: str) -> str:
        def card(match: re.Match[str]) -> str:
            url = match.group(2)
            provider = _provider(url)
            if provider is None:
                return match.group(0)
            return match.group(1) + self.hold(_link_card(url, provider)) + match.group(3)

        return _BARE_URL_LINE.sub(card, text)

    # --- handlers ---------------------------------------------------------------------------

    def caption(self, attributes: dict[str | int, str], content: str | None) -> str:
        content = (content or "").strip()
        caption = attributes.get("caption", "")
        if not caption:
            found = _CAPTIONED_IMAGE.match(content)
            if found:
                content, caption = found.group(1), found.group(2).strip()
        attachment_id = _attachment_id(attributes.get("id", ""))
        attachment = self.attachments.get(attachment_id) if attachment_id else None
        if attachment is not None and attachment.alt:
            content = _IMG_WITHOUT_ALT.sub(f'<img alt="{escape(attachment.alt)}"', content)
        align = attributes.get("align", "")
        classes = "wp-caption" + (f" {align}" if align in _ALIGN else "")
        figcaption = f"<figcaption>{_with_credit(caption)}</figcaption>" if caption else ""
        return f'<figure class="{classes}">{content}{figcaption}</figure>'

    def gallery(self, attributes: dict[str | int, str], _content: str | None) -> str:
        wanted = attributes.get("ids") or attributes.get("include") or ""
        if wanted:
            ids = [int(part) for part in re.findall(r"\d+", wanted)]
        else:
            ids = sorted(
                attachment.id
                for attachment in self.attachments.values()
                if self.post_id is not None
                and attachment.parent_id == self.post_id
                and attachment.mime_type.startswith("image/")
            )
        figures = []
        for attachment_id in ids:
            attachment = self.attachments.get(attachment_id)
            if attachment is None:
                self.missing.append(attachment_id)
                continue
            figures.append(_attachment_figure(attachment))
        return f'<figure class="gallery">{"".join(figures)}</figure>' if figures else ""

    def embed(self, attributes: dict[str | int, str], content: str | None) -> str:
        url = (content or attributes.get("src") or attributes.get("url") or "").strip()
        if not re.match(r"https?://[^\s<>\"]+$", url):
            return escape(url)
        return _link_card(url, _provider(url) or urlsplit(url).hostname or "Link")

    def audio(self, attributes: dict[str | int, str], _content: str | None) -> str:
        return self.media("audio", _AUDIO_SOURCES, attributes)

    def video(self, attributes: dict[str | int, str], _content: str | None) -> str:
        return self.media("video", _VIDEO_SOURCES, attributes)

    def media(self, kind: str, keys: tuple[str, ...], attributes: dict[str | int, str]) -> str:
        sources = [(key, attributes[key].strip()) for key in keys if attributes.get(key)]
        if not sources:
            return ""
        if not all(self.is_local(url) for _key, url in sources):
            url = sources[0][1]
            return f'<p><a href="{escape(url)}">{escape(url)}</a></p>'
        extra = ""
        if kind == "video":
            poster = attributes.get("poster", "").strip()
            if poster and self.is_local(poster):
                extra += f' poster="{escape(poster)}"'
            for size in ("width", "height"):
                if attributes.get(size, "").isdigit():
                    extra += f' {size}="{attributes[size]}"'
        inner = "".join(
            f'<source src="{escape(url)}"{_source_type(key, url)}>' for key, url in sources
        )
        fallback = f'<a href="{escape(sources[0][1])}">{escape(sources[0][1])}</a>'
        return f'<{kind} controls preload="metadata"{extra}>{inner}{fallback}</{kind}>'

    def is_local(self, url: str) -> bool:
        """A file on this site: a site-relative path, or under one of the local prefixes."""
        if url.startswith("/") and not url.startswith("//"):
            return True
        return any(url.startswith(prefix) for prefix in self.local_prefixes)


def _looks_like_shortcode(
    name: str, raw_attributes: str, self_closing: str | None, content: str | None
) -> bool:
    """``[sic]``, ``[1]`` and ``[Updated]`` are words in brackets, not shortcodes."""
    return bool(
        self_closing or content is not None or "=" in raw_attributes or "_" in name or "-" in name
    )


def _provider(url: str) -> str | None:
    for name, pattern in _EMBED_PROVIDERS:
        if pattern.match(url):
            return name
    return None


def _link_card(url: str, provider: str) -> str:
    """Title and link only: no iframe, the Content-Security-Policy allows no foreign frame."""
    slug = re.sub(r"[^a-z0-9]+", "-", provider.lower()).strip("-")
    link = f'<a href="{escape(url)}">{escape(provider)}: {escape(url)}</a>'
    return f'<figure class="embed embed-{slug}">{link}</figure>'


def _attachment_id(value: str) -> int | None:
    found = re.search(r"(\d+)$", value)
    return int(found.group(1)) if found else None


def _attachment_figure(attachment: Attachment) -> str:
    size = ""
    if attachment.width and attachment.height:
        size = f' width="{attachment.width}" height="{attachment.height}"'
    image = f'<img src="{escape(attachment.url)}" alt="{escape(attachment.alt)}"{size}>'
    caption = attachment.caption.strip()
    figcaption = f"<figcaption>{_with_credit(caption)}</figcaption>" if caption else ""
    return f"<figure>{image}{figcaption}</figure>"


def _with_credit(caption: str) -> str:
    """A trailing "Credit: AP" (or Photo:, Image:, Source:) styled as Hublet's credits."""
    found = _CREDIT.match(caption)
    if not found:
        return caption
    text = found.group("caption").strip()
    credit = f'<span class="credit">{found.group("credit").strip()}</span>'
    return f"{text} {credit}" if text else credit


def _source_type(key: str, url: str) -> str:
    extension = key if key in _SOURCE_TYPES else url.rsplit(".", 1)[-1].lower().split("?")[0]
    mime = _SOURCE_TYPES.get(extension)
    return f' type="{mime}"' if mime else ""


def render_wordpress_body(
    raw: str,
    attachments: Mapping[int, Attachment] | None = None,
    *,
    post_id: int | None = None,
    local_prefixes: Iterable[str] = (),
) -> RenderedBody:
    """The HTML a reader of the WordPress post saw (not yet sanitized), and what was dropped."""
    renderer = _Renderer(attachments or {}, post_id, local_prefixes)
    text = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    text, has_blocks = strip_block_comments(text)
    text = _MORE_MARKER.sub("", text)
    text = renderer.outside_code(text, renderer.shortcodes)
    text = renderer.outside_code(text, renderer.autoembed)
    if not has_blocks:
        text = wpautop(text)
    html = renderer.release(text).strip()
    return RenderedBody(html, renderer.unknown, renderer.missing)
