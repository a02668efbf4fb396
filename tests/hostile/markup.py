"""Find the markup in a page that could run code, load a resource or drive htmx.

A page is compared with a baseline of the same page made from harmless input: whatever
dangerous construct the hostile page has and the baseline has not, a reader wrote.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

DANGEROUS_TAGS = frozenset(
    {
        "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "link",
        "meta", "style", "form", "svg", "math", "template", "portal", "noscript", "xss",
        "bgsound", "isindex", "keygen", "video", "audio", "source", "marquee", "details",
        "input", "select", "textarea", "button", "img",
    }
)  # fmt: skip
URL_ATTRIBUTES = frozenset(
    {
        "href", "src", "action", "formaction", "xlink:href", "data", "background", "poster",
        "dynsrc", "lowsrc", "srcset", "content", "codebase", "cite", "ping",
    }
)  # fmt: skip
BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "livescript:")
_SHOWN_ATTRIBUTES = frozenset({"src", "href", "rel", "type", "name", "action", "http-equiv"})
_DIGITS = re.compile(r"\d+")
_CONTROL = re.compile(r"[\x00-\x20]+")


_TOKENS = re.compile(r"[A-Za-z0-9_\-.]{24,}")


def _origin(value: str | None) -> str:
    """Where a URL points: "/" for this site, else its scheme and host."""
    parts = urlsplit((value or "").strip())
    if not parts.netloc or parts.hostname in ("localhost", "127.0.0.1"):
        return "/" if not parts.scheme or parts.scheme in ("http", "https") else parts.scheme
    return f"{parts.scheme}://{parts.netloc}"


def _hx_value(value: str | None) -> str:
    """An htmx URL without its query values (the site puts the reader's query in them,
    URL-encoded); other values as they are, ids and tokens aside."""
    value = value or ""
    if value.startswith("/") and "?" in value:
        path, _, query = value.partition("?")
        keys = sorted({pair.partition("=")[0] for pair in query.split("&")})
        return _normal(path) + "?" + "&".join(keys)
    return _normal(value)


def _normal(value: str | None) -> str:
    """Ids and tokens vary from page to page; the construct does not."""
    return _DIGITS.sub("#", _TOKENS.sub("TOKEN", value or ""))


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DANGEROUS_TAGS:
            shown = {
                n: _origin(v) if n in ("src", "href", "action") else _normal(v)
                for n, v in attrs
                if n in _SHOWN_ATTRIBUTES
            }
            self.found.add(f"<{tag} {sorted(shown.items())}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc"):
                self.found.add(f"<{tag} {name}>")
            elif name.startswith(("hx-", "data-hx-")):
                self.found.add(f"<{tag} {name}={_hx_value(value)!r}>")
            elif (
                name == "content" and tag == "meta" and not any(n == "http-equiv" for n, _ in attrs)
            ):
                continue  # a description or title: text, never fetched
            elif name in URL_ATTRIBUTES and value:
                squeezed = _CONTROL.sub("", value).lower()
                if squeezed.startswith(BAD_SCHEMES) or "url=javascript:" in squeezed:
                    self.found.add(f"<{tag} {name}={squeezed[:30]!r}>")


def dangerous_markup(html: str) -> set[str]:
    """Every construct in ``html`` that could run code, load something or drive htmx."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return finder.found


def reader_written(html: str, baseline: set[str]) -> set[str]:
    """The dangerous constructs of ``html`` that the baseline page does not have."""
    return dangerous_markup(html) - baseline
