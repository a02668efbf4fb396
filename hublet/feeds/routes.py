"""Feeds (RSS 2.0, Atom), sitemaps and robots.txt."""

from __future__ import annotations

from email.utils import format_datetime

from flask import Response, abort, current_app, make_response, render_template

from hublet.articles import queries as article_queries
from hublet.feeds import bp, queries
from hublet.feeds.content import feed_body, feed_picture, full_content_enabled
from hublet.seo import absolute_url_for, date_modified
from hublet.timeutil import utcnow

FEED_SIZE = 20
FEED_MAX_AGE = 300
NEWS_SITEMAP_DAYS = 2


def _xml(template: str, content_type: str = "application/xml", **context: object) -> Response:
    response = make_response(render_template(template, **context))
    response.headers["Content-Type"] = f"{content_type}; charset=utf-8"
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    return response


def _rfc822(value) -> str:
    from datetime import UTC

    return format_datetime(value.replace(tzinfo=UTC), usegmt=True)


def _feed(kind: str, category=None) -> Response:
    articles = queries.feed_articles(FEED_SIZE, category)
    if category is None:
        title = current_app.config["SITE_NAME"]
        home = absolute_url_for("site.home")
        endpoints: tuple[str, str, dict[str, str]] = ("feeds.rss", "feeds.atom", {})
    else:
        title = f"{category.name} | {current_app.config['SITE_NAME']}"
        home = absolute_url_for("articles.category", slug=category.slug)
        endpoints = ("feeds.category_rss", "feeds.category_atom", {"slug": category.slug})
    rss_endpoint, atom_endpoint, args = endpoints
    stamps = (date_modified(a) for a in articles)  # a scheduled story counts once it is out
    updated = max(filter(None, stamps), default=utcnow())
    context = {
        "title": title,
        "home": home,
        "articles": articles,
        "updated": updated,
        "rss_url": absolute_url_for(rss_endpoint, **args),
        "atom_url": absolute_url_for(atom_endpoint, **args),
        "rfc822": _rfc822,
        "full_content": full_content_enabled(),
        "feed_body": feed_body,
        "feed_picture": feed_picture,
    }
    if kind == "rss":
        return _xml("feeds/rss.xml", "application/rss+xml", **context)
    return _xml("feeds/atom.xml", "application/atom+xml", **context)


@bp.get("/feed")
def rss() -> Response:
    """The 20 latest articles as RSS 2.0."""
    return _feed("rss")


@bp.get("/feed/atom")
def atom() -> Response:
    """The 20 latest articles as Atom."""
    return _feed("atom")


@bp.get("/category/<slug>/feed")
def category_rss(slug: str) -> Response:
    """A category's 20 latest articles as RSS 2.0."""
    return _feed("rss", article_queries.category_by_slug(slug) or abort(404))


@bp.get("/category/<slug>/feed/atom")
def category_atom(slug: str) -> Response:
    """A category's 20 latest articles as Atom."""
    return _feed("atom", article_queries.category_by_slug(slug) or abort(404))


def _sitemap_limit() -> int:
    return int(current_app.config.get("SITEMAP_MAX_URLS", 50_000))


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """Every public address; past the limit, an index of numbered sitemaps instead."""
    limit = _sitemap_limit()
    counts = queries.sitemap_counts()
    if sum(counts.values()) <= limit:
        return _xml("feeds/sitemap.xml", urls=_locations(queries.sitemap_entries()))
    parts = [
        absolute_url_for("feeds.sitemap_part", section=section, number=number)
        for section, count in counts.items()
        for number in range(1, -(-count // limit) + 1)
    ]
    return _xml("feeds/sitemap_index.xml", parts=parts)


@bp.get("/sitemaps/<section>-<int:number>.xml")
def sitemap_part(section: str, number: int) -> Response:
    """One numbered sitemap of the index."""
    if section not in queries.SITEMAP_SECTIONS or number < 1:
        abort(404)
    limit = _sitemap_limit()
    urls = _locations(queries.sitemap_entries(section, offset=(number - 1) * limit, limit=limit))
    if not urls:
        abort(404)
    return _xml("feeds/sitemap.xml", urls=urls)


def _locations(entries: list[queries.SitemapEntry]) -> list[tuple[str, object]]:
    """(absolute URL, last modified) for each entry."""
    return [
        (
            absolute_url_for(entry.endpoint)
            if entry.slug is None
            else absolute_url_for(entry.endpoint, slug=entry.slug),
            entry.lastmod,
        )
        for entry in entries
    ]


@bp.get("/sitemap-news.xml")
def news_sitemap() -> Response:
    """Google News sitemap: articles of the last two days."""
    articles = queries.news_articles(NEWS_SITEMAP_DAYS)
    return _xml("feeds/news_sitemap.xml", articles=articles)


@bp.get("/robots.txt")
def robots() -> Response:
    """Where crawlers may go, and where the sitemaps are."""
    lines = [
        "User-agent: *",
        "Disallow: /moderation/",
        "Disallow: /search",
        "",
        f"Sitemap: {absolute_url_for('feeds.sitemap')}",
        f"Sitemap: {absolute_url_for('feeds.news_sitemap')}",
        "",
    ]
    response = make_response("\n".join(lines))
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
