"""Old WordPress permalinks answer with a 301 to where the story or archive lives now.

WordPress sites link with a trailing slash (``/2024/05/slug/``, ``/category/news/``); Hublet's
own addresses have none, so these rules never shadow a Hublet route: a static rule
(``/moderation/``, ``/feed``) always wins over these dynamic ones, and an old address that
names nothing a reader may see stays a 404. The site's permalink structure only matters where
slugs could be ambiguous; Hublet's article slugs are unique, so every structure WordPress
offers (``/%year%/%monthnum%/%day%/%postname%/``, ``/%year%/%monthnum%/%postname%/``,
``/archives/%post_id%``, ``/%postname%/``, ``/%category%/%postname%/`` and child pages
``/parent/child/``) is answered by the slug or the id alone.
When ``flask import-wordpress`` stored the old site's structure (``--permalinks`` or read
from the export), links of a structure these rules do not cover (``/news/%postname%.html``,
``/%category%/%post_id%/``, ``/blog/%year%/%postname%/``) are matched against it before
a 404: by a catch-all rule that, like ``/<section>/<slug>/``, never takes a first segment a
Hublet route starts with.
``?replytocom=ID`` (a WordPress Reply link) is kept in Hublet's comment ids when the comment
came over, and dropped otherwise.
"""

from __future__ import annotations

import re

from flask import abort, redirect, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.routing import BaseConverter
from werkzeug.wrappers import Response  # what views return: redirect() makes this base class

from hublet.site import bp, redirects

_FEED_KINDS = {"": "feeds.rss", "rss2": "feeds.rss", "rss": "feeds.rss", "atom": "feeds.atom"}


#: First path segments of the old-link rules here, besides every other blueprint's.
_OWN_SECTIONS = ("archives", "author", "category", "comments", "feed", "page", "tag")


@bp.record_once
def _register_section_converter(state: BlueprintSetupState) -> None:
    """``wp_section``: a first path segment that no Hublet route starts with.

    ``/<section>/<slug>/`` (category-and-name permalinks, child pages) would otherwise catch
    ``/moderation/logout`` (a 405 today) or ``/lists/x/``: the converter refuses the first
    segment of every rule registered before the site blueprint (it is registered last).
    """
    taken = {"static", *_OWN_SECTIONS}
    for rule in state.app.url_map.iter_rules():
        first = rule.rule.split("/")[1] if rule.rule.count("/") >= 2 else ""
        if first and "<" not in first:
            taken.add(first)
    names = "|".join(re.escape(name) for name in sorted(taken))

    free = rf"(?!(?:{names})(?![^/]))"

    class SectionConverter(BaseConverter):
        regex = rf"{free}[^/]+"

    class PermalinkConverter(BaseConverter):
        """A whole path (slashes too) whose first segment no Hublet route starts with."""

        regex = rf"{free}[^/].*"
        part_isolating = False

    state.app.url_map.converters["wp_section"] = SectionConverter
    state.app.url_map.converters["wp_permalink"] = PermalinkConverter


def moved(address: str | None) -> Response:
    """A permanent redirect to ``address``, or 404 when there is nothing to go to."""
    if address is None:
        address = redirects.structured_address(request.path)
    if address is None:
        abort(404)
    return redirect(redirects.reply_link(address, request.args.get("replytocom")), code=301)


@bp.get("/archives/<int:post_id>", strict_slashes=False)
def wordpress_archives_link(post_id: int) -> Response:
    """``/archives/123``: WordPress's numeric permalinks."""
    return moved(redirects.wordpress_address(str(post_id)))


@bp.get("/<int:year>/<int:month>/<int:day>/<slug>/", strict_slashes=False)
def wordpress_day_link(year: int, month: int, day: int, slug: str) -> Response:
    """``/2024/05/17/slug/``: the "day and name" permalinks."""
    return moved(redirects.visible_article_address(slug))


@bp.get("/<int:year>/<int:month>/<slug>/", strict_slashes=False)
def wordpress_month_link(year: int, month: int, slug: str) -> Response:
    """``/2024/05/slug/``: the "month and name" permalinks."""
    return moved(redirects.visible_article_address(slug))


@bp.get("/<slug>/")
def wordpress_post_name_link(slug: str) -> Response:
    """``/slug/``: "post name" permalinks and pages; a static page of that slug wins."""
    return moved(redirects.post_name_address(slug))


@bp.get("/<wp_section:section>/<slug>/", strict_slashes=False)
def wordpress_section_link(section: str, slug: str) -> Response:
    """``/news/slug/`` (category-and-name permalinks) or ``/about/team/`` (a child page)."""
    return moved(redirects.post_name_address(slug))


@bp.get("/<wp_permalink:path>")
def wordpress_structure_link(path: str) -> Response:
    """A link of the structure the import stored (``/news/slug.html``), or a 404."""
    return moved(None)


@bp.get("/category/<path:path>/")
def wordpress_category_link(path: str) -> Response:
    """``/category/news/`` (or ``/category/parent/child/``, ``.../feed/``, ``.../page/2/``)."""
    return _archive("category", path)


@bp.get("/tag/<path:path>/")
def wordpress_tag_link(path: str) -> Response:
    """``/tag/elections/`` and its feed and page forms."""
    return _archive("tag", path)


@bp.get("/author/<path:path>/")
def wordpress_author_link(path: str) -> Response:
    """``/author/login/``: the author's archive (authors are named after their login)."""
    return _archive("author", path)


def _archive(kind: str, path: str) -> Response:
    parts = [part for part in path.split("/") if part]
    page = None
    if len(parts) >= 3 and parts[-2] == "page" and parts[-1].isdigit():
        page, parts = int(parts[-1]), parts[:-2]
    feed = bool(parts) and parts[-1] == "feed"
    if feed:
        parts = parts[:-1]
    if not parts:
        return moved(None)
    address = redirects.archive_address(kind, parts[-1])  # nested categories: the last one
    if address is None:
        return moved(None)  # a story of the site's own structure, or a 404
    if feed:
        if kind != "category":
            return moved(url_for("feeds.rss"))
        return moved(url_for("feeds.category_rss", slug=address.rsplit("/", 1)[-1]))
    if page and page > 1:
        address = f"{address}?page={page}"
    return moved(address)


@bp.get("/feed/", defaults={"kind": ""})
@bp.get("/feed/<kind>/")
def wordpress_feed_link(kind: str) -> Response:
    """``/feed/`` (and ``/feed/rss2/``, ``/feed/atom/``): the site's feed."""
    endpoint = _FEED_KINDS.get(kind)
    if endpoint is None:
        abort(404)
    return redirect(url_for(endpoint), code=301)


@bp.get("/comments/feed/")
def wordpress_comments_feed_link() -> Response:
    """``/comments/feed/``: Hublet has no comments feed; the site's feed is the nearest."""
    return redirect(url_for("feeds.rss"), code=301)


@bp.get("/page/<int:number>/", strict_slashes=False)
def wordpress_home_page_link(number: int) -> Response:
    """``/page/2/``: the home page's older stories."""
    if number < 1:
        abort(404)
    return redirect(url_for("site.home", page=number) if number > 1 else url_for("site.home"), 301)
