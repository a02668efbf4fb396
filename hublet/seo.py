"""Absolute URLs, and what search engines and link previews read in a page's head.

Every absolute URL (canonical, Open Graph, JSON-LD, feeds, sitemaps, robots.txt, share links)
is built on the configured ``SITE_URL``, never on the request's ``Host``: a cached page or feed is
served to every later reader, and must not carry a host an attacker sent. Templates get the
helpers below as globals, and their ``url_for`` asked for an external URL is the same
:func:`absolute_url_for`. Nothing here queries the database or imports a feature.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from flask import Flask, current_app, request, url_for
from werkzeug.sansio.utils import get_current_url

from hublet.config import site_url
from hublet.paging import shown_page
from hublet.templating import image_url, static_url
from hublet.timeutil import iso_utc

if TYPE_CHECKING:
    from hublet.models import Article

SHARE_IMAGE = "img/hublet-share.png"
LOGO_IMAGE = "img/hublet-logo.png"
NOINDEX_BLUEPRINTS = frozenset({"search", "moderation"})


def absolute(url: str) -> str:
    """A site-relative ``url`` (as ``url_for`` builds it) on the site's own address."""
    if url.startswith(("http://", "https://")):
        return url
    root = request.script_root
    if root and (url == root or url.startswith(root + "/")):
        url = url[len(root) :]
    return site_url(current_app.config) + "/" + url.lstrip("/")


def absolute_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` as an absolute URL on ``SITE_URL`` (``_external`` is implied)."""
    values.pop("_external", None)
    values.pop("_scheme", None)
    return absolute(url_for(endpoint, **values))


def _template_url_for(endpoint: str, **values: Any) -> str:
    """Templates' ``url_for``: the same, but an external URL is built on ``SITE_URL``."""
    if values.pop("_external", False):
        return absolute_url_for(endpoint, **values)
    return url_for(endpoint, **values)


def canonical_url() -> str:
    """This page's one address: no query string except a page number past the first."""
    parts = urlsplit(site_url(current_app.config))
    url = get_current_url(parts.scheme, parts.netloc, parts.path, request.path)
    page = shown_page()
    return f"{url}?page={page}" if page > 1 else url


def page_suffix() -> str:
    """The description ending for a listing's later pages (" Page 2."), so each differs."""
    page = shown_page()
    return f" Page {page}." if page > 1 else ""


def absolute_image(path: str | None = None) -> str:
    """An absolute picture URL for previews: the article's, else the site's share image."""
    return absolute(image_url(path) if path else static_url(SHARE_IMAGE))


def is_noindex() -> bool:
    """Search results and moderation pages stay out of search engines."""
    return request.blueprint in NOINDEX_BLUEPRINTS


def _iso(value: object) -> str:
    return iso_utc(value) if value else ""  # type: ignore[arg-type]


def date_modified(article: Article) -> datetime | None:
    """When the story last changed as readers see it: its last edit, never before its
    publication (a story edited while scheduled was not modified after it came out)."""
    published, updated = article.published_at, article.updated_at
    if published is None or updated is None:
        return updated or published
    return max(published, updated)


def article_structured_data(article: Article) -> list[dict]:
    """JSON-LD ``NewsArticle`` and ``BreadcrumbList`` for an article page.

    The template serialises it with ``tojson``, which escapes ``<``, ``>`` and ``&`` so that
    a title holding ``</script>`` cannot end the data block.
    """
    page_url = absolute_url_for("articles.article", slug=article.slug)
    category_url = absolute_url_for("articles.category", slug=article.category.slug)
    home_url = absolute_url_for("site.home")
    news = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "headline": article.title[:110],
        "description": article.excerpt,
        "image": [absolute_image(article.hero_image)],
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(date_modified(article)),
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in article.tags],
        "author": [
            {
                "@type": "Person",
                "name": article.author.name,
                "url": absolute_url_for("articles.author", slug=article.author.slug),
            }
        ],
        "publisher": {
            "@type": "Organization",
            "name": current_app.config["SITE_NAME"],
            "url": home_url,
            "logo": {"@type": "ImageObject", "url": absolute(static_url(LOGO_IMAGE))},
        },
    }
    crumbs = [
        ("Home", home_url),
        (article.category.name, category_url),
        (article.title, page_url),
    ]
    breadcrumbs = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(crumbs, start=1)
        ],
    }
    return [news, breadcrumbs]


def init_app(app: Flask) -> None:
    """Give templates the head helpers, and an ``url_for`` whose external URLs use SITE_URL."""
    app.jinja_env.globals.update(
        url_for=_template_url_for,
        absolute_url_for=absolute_url_for,
        canonical_url=canonical_url,
        page_suffix=page_suffix,
        absolute_image=absolute_image,
        is_noindex=is_noindex,
        article_structured_data=article_structured_data,
        date_modified=date_modified,
    )
