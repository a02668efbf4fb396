"""A story's body: Markdown rendered as the Markdown importer renders it, then the one
sanitizing gate (``hublet.sanitize``, applied by the model on save) makes it safe to show."""

from __future__ import annotations

import re

import markdown

from hublet.sanitize import STORED_POLICIES, clean_article_html

#: The importer's extensions (``flask import-markdown``), so a story reads the same both ways.
EXTENSIONS = ["extra", "sane_lists"]

#: Elements that run code, load other pages or take input: refused with a message. Harmless
#: markup the gate trims (a footnote's div, say) is only trimmed.
DANGEROUS = frozenset(
    {
        "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
        "input", "button", "textarea", "select", "link", "meta", "base", "svg", "math",
        "template", "noscript", "portal",
    }
)  # fmt: skip
_TAG = re.compile(r"<\s*([a-zA-Z][a-zA-Z0-9-]*)")
_EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
_SCRIPT_URL = re.compile(
    r"=\s*[\"']?\s*(?:(?:java|vb)script\s*:|data\s*:\s*text/html)", re.IGNORECASE
)


def render_markdown(text: str) -> str:
    """The HTML of a Markdown body (raw HTML passes through to the sanitizing gate)."""
    return markdown.markdown(text or "", extensions=EXTENSIONS)


def public_html(text: str) -> str:
    """The body exactly as readers will see it: rendered, then the gate the model applies to
    ``article.body_html`` on save (the editor's live preview)."""
    return STORED_POLICIES["article"]["body_html"](render_markdown(text))


def hostile_markup(text: str) -> bool:
    """True when the body's HTML holds something dangerous the gate would cut out (a script,
    a frame, a form...), an event handler or a script URL.

    The writer is told instead of having their words silently changed on save."""
    html = render_markdown(text)
    if _EVENT_HANDLER.search(html) or _SCRIPT_URL.search(html):
        return True
    kept = {tag.lower() for tag in _TAG.findall(clean_article_html(html))}
    return any(tag.lower() in DANGEROUS and tag.lower() not in kept for tag in _TAG.findall(html))
