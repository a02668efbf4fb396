"""What search engines and link previews read in a page's head: canonical URL, Open Graph,
structured data. Exposed to templates as globals; nothing here queries the database."""

from __future__ import annotations

from urllib.parse import urljoin

from flask import current_app, request, url_for

from hublet.feeds import bp
from hublet.models import Article
from hublet.templating import image_url, static_url
from hublet.timeutil import iso_utc

SHARE_IMAGE = "img/hublet-share.png"
LOGO_IMAGE = "img/hublet-logo.png"
NOINDEX_BLUEPRINTS = frozenset({"search", "moderation"})


def absolute(url: str) -> str:
    """``url`` made absolute against the address the page was asked for."""
    return urljoin(request.host_url, url)


@bp.app_template_global()
def canonical_url() -> str:
    """This page's one address: no query string except a page number past the first."""
    url = request.base_url
    page = _requested_page()
    return f"{url}?page={page}" if page > 1 else url


def _requested_page() -> int:
    page = request.args.get("page", "")
    return int(page) if page.isascii() and page.isdigit() and len(page) < 7 else 1


@bp.app_template_global()
def page_suffix() -> str:
    """The description ending for a listing's later pages (" Page 2."), so each differs."""
    page = _requested_page()
    return f" Page {page}." if page > 1 else ""


@bp.app_template_global()
def absolute_image(path: str | None = None) -> str:
    """An absolute picture URL for previews: the article's, else the site's share image."""
    return absolute(image_url(path) if path else static_url(SHARE_IMAGE))


@bp.app_template_global()
def is_noindex() -> bool:
    """Search results and moderation pages stay out of search engines."""
    return request.blueprint in NOINDEX_BLUEPRINTS


def _iso(value: object) -> str:
    return iso_utc(value) if value else ""  # type: ignore[arg-type]


@bp.app_template_global()
def article_structured_data(article: Article) -> list[dict]:
    """JSON-LD ``NewsArticle`` and ``BreadcrumbList`` for an article page.

    The template serialises it with ``tojson``, which escapes ``<``, ``>`` and ``&`` so that
    a title holding ``</script>`` cannot end the data block.
    """
    page_url = url_for("articles.article", slug=article.slug, _external=True)
    category_url = url_for("articles.category", slug=article.category.slug, _external=True)
    site_name = current_app.config["SITE_NAME"]
    news = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": page_url},
        "headline": article.title[:110],
        "description": article.excerpt,
        "image": [absolute_image(article.hero_image)],
        "datePublished": _iso(article.published_at),
        "dateModified": _iso(article.updated_at or article.published_at),
        "articleSection": article.category.name,
        "keywords": [tag.name for tag in article.tags],
        "author": [
            {
                "@type": "Person",
                "name": article.author.name,
                "url": url_for("articles.author", slug=article.author.slug, _external=True),
            }
        ],
        "publisher": {
            "@type": "Organization",
            "name": site_name,
            "url": url_for("site.home", _external=True),
            "logo": {"@type": "ImageObject", "url": absolute(static_url(LOGO_IMAGE))},
        },
    }
    crumbs = [
        ("Home", url_for("site.home", _external=True)),
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
