"""Import WordPress eXtended RSS (WXR) exports, streaming: one ``<item>`` in memory at a time.

Every WXR version WordPress has written (1.0 to 1.2) is read, with its namespaces under http
or https and with or without the trailing slash (WordPress.com writes
``https://wordpress.org/export/1.2/``), a byte-order mark or blank lines before the XML
declaration, CDATA or escaped text, and any optional element missing. Several files make one
import: a featured picture in the attachments file finds its post in the posts file.

The file is read with ``defusedxml``'s ``iterparse``, which refuses DTDs and entity
declarations (a "billion laughs" file stops at once), and every element is dropped from the
tree as soon as it is handled. What is kept across the file is small: author logins, the
pictures of attachments (for featured images) and, for posts whose featured picture comes
later in the file, the two ids that join them.

Re-running is safe: posts and pages are found again by their WordPress id (then by slug),
comments by their WordPress comment id, terms and authors by slug.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from html import unescape
from typing import BinaryIO, TypeVar
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from hublet import signals
from hublet.comments.queries import MAX_DEPTH
from hublet.comments.services import recount_comments
from hublet.database import writing
from hublet.editorial.errors import EditorialError
from hublet.editorial.report import ImportReport
from hublet.editorial.taxonomy import ensure_author, ensure_category, ensure_tag
from hublet.editorial.wp_content import Attachment, render_wordpress_body
from hublet.editorial.wp_media import WordPressMedia
from hublet.editorial.wp_permalinks import PermalinkVotes, structure_of
from hublet.extensions import db
from hublet.media.library import use_as_hero
from hublet.models import Article, Author, Category, Comment, Page, Tag, article_category
from hublet.sanitize import clean_article_html, clean_comment_html, clean_web_url, html_to_text
from hublet.site.permalinks import store_structure
from hublet.text import make_excerpt, slugify
from hublet.timeutil import utcnow

KINDS = ("categories", "tags", "authors", "articles", "pages", "comments", "featured images")
BATCH = 100
_T = TypeVar("_T")  # what one guarded import step reads: an element or an item

# Namespaces by their address without the scheme and the trailing slash: exports write both.
_NAMESPACES = {
    "purl.org/rss/1.0/modules/content": "content",
    "purl.org/dc/elements/1.1": "dc",
    "wellformedweb.org/CommentAPI": "wfw",
}
_WXR_NAMESPACE = re.compile(r"(?:www\.)?wordpress\.org/export/\d+\.\d+(/excerpt)?", re.I)
# Where WordPress cuts the teaser ("Read more") or splits a post into pages: markers, not text.
_MORE = re.compile(r"<!--\s*more\b.*?-->", re.I | re.S)
_OTHER_MARKERS = re.compile(r"<!--\s*(?:noteaser|nextpage)\s*-->", re.I)
# The primary category SEO plugins record, as a term id: Yoast, then Rank Math.
_PRIMARY_CATEGORY_KEYS = ("_yoast_wpseo_primary_category", "rank_math_primary_category")
_FEEDBACK_KINDS = ("pingback", "trackback")
# A gallery of the post's own attachments (no ids): they may come later in the files.
_GALLERY_OF_THE_POST = re.compile(r"\[gallery(?![^\]]*\b(?:ids|include)\s*=)[^\]]*\]", re.I)
_COMMENT_STATUS = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}
_SKIPPED_STATUS = {
    "trash": "in WordPress's trash",
    "auto-draft": "an empty auto-draft",
    "inherit": "a revision",
}
_SIZE = re.compile(r's:5:"width";i:(\d+);s:6:"height";i:(\d+);')
_NO_DATE = "0000-00-00 00:00:00"


@lru_cache(maxsize=512)
def _name(tag: str) -> str:
    """'{https://wordpress.org/export/1.2/}post_id' -> 'wp:post_id' (any WXR version, http or
    https, trailing slash or not)."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    bare = uri.split("://", 1)[-1].rstrip("/")
    wxr = _WXR_NAMESPACE.fullmatch(bare)
    if wxr:
        return ("excerpt:" if wxr.group(1) else "wp:") + local
    return f"{_NAMESPACES.get(bare, uri)}:{local}"


def _xml_start(handle: BinaryIO) -> int:
    """Where the XML begins: after a byte-order mark and the blank lines a theme or plugin
    printed before the declaration (expat refuses a declaration that is not first)."""
    head = handle.read(4096)
    start = len(head) - len(head.lstrip(b"\xef\xbb\xbf \t\r\n"))
    return start if head[start : start + 1] == b"<" else 0


def read_wxr(
    path: str, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[str, Element]]:
    """Yield ``(name, element)`` for each child of ``<channel>``, then forget it."""
    if not os.path.isfile(path):
        raise EditorialError(f"No such file: {path}")
    depth = 0
    channel: Element | None = None
    with open(path, "rb") as handle:
        handle.seek(_xml_start(handle))
        try:
            for event, element in iterparse(
                handle, events=("start", "end"), forbid_dtd=True, forbid_entities=True
            ):
                if event == "start":
                    depth += 1
                    if depth == 1 and element.tag != "rss":
                        raise EditorialError(
                            f"{path} is not a WordPress export: its root element is "
                            f"<{_name(element.tag)}>, not <rss>."
                        )
                    if depth == 2 and element.tag == "channel":
                        channel = element
                    continue
                depth -= 1
                if depth == 2 and channel is not None:
                    yield _name(element.tag), element
                    del channel[:]
                    if progress:
                        progress(handle.tell())
        except ParseError as error:
            raise EditorialError(f"{path} is not well-formed XML: {error}.") from None
        except DefusedXmlException as error:
            raise EditorialError(
                f"{path} was refused: it declares a DTD or entities ({type(error).__name__}),"
                " which a WordPress export never does."
            ) from None


@dataclass
class WxrItem:
    """The parts of one ``<item>`` the importer reads."""

    fields: dict[str, str] = field(default_factory=dict)
    terms: list[tuple[str, str, str]] = field(default_factory=list)  # domain, nicename, name
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[dict[str, str]] = field(default_factory=list)

    def get(self, key: str, default: str = "") -> str:
        """A field's text, stripped (bodies keep their whitespace: it marks paragraphs)."""
        value = self.fields.get(key) or default
        return value if key == "content:encoded" else value.strip()

    @property
    def wp_id(self) -> int:
        return _int(self.fields.get("wp:post_id"))

    @property
    def label(self) -> str:
        kind = self.get("wp:post_type", "post")
        return f'{kind} {self.wp_id} "{self.get("title") or "(no title)"}"'


def parse_item(element: Element) -> WxrItem:
    """Read an ``<item>`` element into a :class:`WxrItem`."""
    item = WxrItem()
    for child in element:
        key = _name(child.tag)
        if key == "category":
            item.terms.append(
                (child.get("domain", ""), unquote(child.get("nicename", "")), child.text or "")
            )
        elif key == "wp:postmeta":
            values = {_name(part.tag): part.text or "" for part in child}
            item.meta[values.get("wp:meta_key", "")] = values.get("wp:meta_value", "")
        elif key == "wp:comment":
            item.comments.append({_name(part.tag): part.text or "" for part in child})
        else:
            item.fields.setdefault(key, child.text or "")
    return item


def _fields(element: Element) -> dict[str, str]:
    return {_name(child.tag): (child.text or "").strip() for child in element}


def _int(value: str | None) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        return 0


def _date(*candidates: str) -> datetime | None:
    """The first real 'YYYY-MM-DD HH:MM:SS' among the candidates (GMT first, then local)."""
    for value in candidates:
        value = (value or "").strip()
        if value and value != _NO_DATE:
            try:
                return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
            except ValueError:
                continue
    return None


def _web_url(value: str, limit: int) -> str:
    return clean_web_url(value, limit)


def _teaser_and_body(raw: str) -> tuple[str, str]:
    """The text before ``<!--more-->`` (empty when there is none) and the body without the
    markers: WordPress shows the teaser on its front page, the whole post on its own page."""
    found = _MORE.search(raw)
    teaser = raw[: found.start()] if found else ""
    return teaser, _OTHER_MARKERS.sub("", _MORE.sub("", raw))


class WordPressImporter:
    """Maps WXR files onto Hublet's rows; ``run`` reads them all, in order, as one export."""

    def __init__(
        self,
        paths: str | list[str],
        progress: Callable[[int], None] | None = None,
        media_url: str | None = None,
        media_files: WordPressMedia | None = None,
        permalinks: str | None = None,
    ) -> None:
        self.paths = [paths] if isinstance(paths, str) else list(paths)
        self.progress = progress
        self.media_url = media_url
        self.media_files = media_files  # --media-dir: uploads copied in, addresses made local
        self.upload_prefixes: list[str] = []  # the old site's uploads folder, as linked
        self.shortcodes: Counter[str] = Counter()  # unknown shortcodes removed, by name
        # Posts whose galleries or captions lack attachments (WordPress writes a post before
        # the attachments uploaded into it): rendered again at the end when more came
        # (post id -> label, raw body, attachments known then, ids missing then).
        self.galleries: dict[int, tuple[str, str, int, list[int]]] = {}
        self.report = ImportReport()
        self.authors: dict[str, int] = {}  # WordPress login -> Author.id
        self.category_slugs: dict[int, str] = {}  # WordPress term id -> category slug
        self.attachments: dict[int, Attachment] = {}  # attachment post id -> attachment
        self.waiting_for_picture: dict[int, int] = {}  # post id -> attachment post id
        self.post_formats: Counter[str] = Counter()
        self.feedback: Counter[str] = Counter()  # pingbacks and trackbacks skipped
        self.saw_wxr = False
        self.permalinks = permalinks  # --permalinks, checked; else read from the links
        self.permalink_votes = PermalinkVotes()

    def run(self) -> ImportReport:
        """Import every file, committing every ``BATCH`` items; signals the search index."""
        pending = 0
        read_before = 0  # bytes of the files before this one, for one progress bar
        with writing():
            try:
                for path in self.paths:
                    self.saw_wxr = False

                    def moved(position: int, base: int = read_before) -> None:
                        if self.progress:
                            self.progress(base + position)

                    for name, element in read_wxr(path, moved):
                        self._dispatch(name, element)
                        pending += 1
                        if pending >= BATCH:
                            db.session.commit()
                            pending = 0
                    if not self.saw_wxr:
                        raise EditorialError(
                            f"{path} is not a WordPress export: it has no <wp:wxr_version>."
                        )
                    read_before += os.path.getsize(path)
                self._attach_late_pictures()
                self._render_late_galleries()
                self._summarize()
                self._store_permalinks()
                if self.media_files is not None:
                    self.media_files.save_index()
                db.session.commit()
            except EditorialError as error:
                # A broken file stops the reading; the whole items before the break stay
                # (a run after the file is fixed picks up from them without duplicates).
                if self.media_files is not None:
                    self.media_files.save_index()
                db.session.commit()
                error.report = self.report  # type: ignore[attr-defined]
                raise
            except BaseException:
                db.session.rollback()
                raise
            finally:
                if self.report.created["articles"] or self.report.updated["articles"]:
                    signals.articles_bulk_changed.send()
        return self.report

    # -- channel children ------------------------------------------------------------------

    def _summarize(self) -> None:
        """One line each for what was left out of every post alike; files by name."""
        if self.shortcodes:
            counts = ", ".join(f"[{name}]: {n}" for name, n in sorted(self.shortcodes.items()))
            self.report.warnings.append(
                f"shortcodes Hublet does not know were removed, their text kept ({counts})"
            )
        if self.media_files is not None:
            files = self.media_files.report
            for relative in files.missing:
                self.report.skip(f"file {relative}", "not in --media-dir; the old address stays")
            for entry in files.refused:
                relative, _, reason = entry.partition(": ")  # a reason may hold ": " too
                self.report.skip(f"file {relative if reason else entry}", f"refused: {reason}")
            self.report.warnings.append(
                f"media files: {files.copied} copied into the media library, {files.reused} "
                f"already there, {len(files.missing)} missing, {len(files.refused)} refused"
            )
            if files.without_alt:
                self.report.warnings.append(
                    f"{len(files.without_alt)} picture(s) have no alt text in the export: "
                    "add it in the media library (/newsroom/media)"
                )
        if self.feedback:
            counts = ", ".join(f"{n} {kind}(s)" for kind, n in sorted(self.feedback.items()))
            self.report.warnings.append(f"skipped {counts}: Hublet keeps reader comments only")
        if self.post_formats:
            counts = ", ".join(f"{kind}: {n}" for kind, n in sorted(self.post_formats.items()))
            self.report.warnings.append(
                f"post formats ({counts}) are not kept: Hublet shows every article alike"
            )

    def _store_permalinks(self) -> None:
        """Keep the old site's permalink structure for the old-link redirects."""
        structure = self.permalinks
        if structure is None:
            structure = self.permalink_votes.winner
            if structure is None:
                return  # no published post with a link: nothing to read it from
            shown = structure or "plain (/?p=ID)"
            self.report.warnings.append(
                f"permalink structure read from the posts' links: {shown} "
                "(give --permalinks if that is wrong)"
            )
        store_structure(structure)

    def _vote_permalink(self, item: WxrItem, status: str) -> None:
        """A published post's ``<link>`` shows the site's permalink structure."""
        link = item.get("link")
        if self.permalinks is not None or status != "publish" or not link:
            return
        known = set(self.category_slugs.values())
        self.permalink_votes.add(
            structure_of(
                link,
                post_id=item.wp_id,
                slug=unquote(item.get("wp:post_name")),
                date=_date(item.get("wp:post_date"), item.get("wp:post_date_gmt")),
                categories=known
                | {nicename for domain, nicename, _ in item.terms if domain == "category"},
                author=item.get("dc:creator"),
            )
        )

    def _dispatch(self, name: str, element: Element) -> None:
        if name == "wp:wxr_version":
            self.saw_wxr = True
        elif name in ("wp:base_site_url", "wp:base_blog_url"):
            self._learn_uploads((element.text or "").strip())
        elif name == "wp:author":
            self._guarded(
                f"author {_fields(element).get('wp:author_login', '')}", element, self._author
            )
        elif name == "wp:category":
            self._guarded(
                f"category {_fields(element).get('wp:category_nicename', '')}",
                element,
                self._category,
            )
        elif name == "wp:tag":
            self._guarded(f"tag {_fields(element).get('wp:tag_slug', '')}", element, self._tag)
        elif name == "wp:term":
            values = _fields(element)
            self.report.skip(
                f"term {values.get('wp:term_slug', '')}",
                f"taxonomy '{values.get('wp:term_taxonomy', '')}' has no place in Hublet",
            )
        elif name == "item":
            item = parse_item(element)
            self._guarded(item.label, item, self._item)

    def _learn_uploads(self, base: str) -> None:
        """Remember where the old site kept its uploads (both schemes: exports mix them)."""
        if not base.startswith(("http://", "https://")):
            return
        rest = base.split("://", 1)[1].rstrip("/")
        for scheme in ("https://", "http://"):
            prefix = f"{scheme}{rest}/wp-content/uploads/"
            if prefix not in self.upload_prefixes:
                self.upload_prefixes.append(prefix)
                if self.media_files is not None:
                    self.media_files.upload_prefixes.append(prefix)

    def media(self, html_or_url: str) -> str:
        """Point links to the old uploads folder at ``--media-url`` (when given); what
        ``--media-dir`` copied in already points at its local copy."""
        if not self.media_url:
            return html_or_url
        for prefix in self.upload_prefixes:
            html_or_url = html_or_url.replace(prefix, self.media_url)
        return html_or_url

    def _guarded(self, label: str, subject: _T, handler: Callable[[_T], None]) -> None:
        """Run one item's import in a savepoint: a bad item is reported, the rest go on."""
        try:
            with db.session.begin_nested():
                handler(subject)
        except (ValueError, LookupError, SQLAlchemyError) as error:
            self.report.fail(label, _short(error))

    def _author(self, element: Element) -> None:
        values = _fields(element)
        login = values.get("wp:author_login", "")
        if not login:
            raise ValueError("no wp:author_login")
        name = values.get("wp:author_display_name") or login
        slug = slugify(unquote(login), "author")
        author = db.session.scalar(select(Author).where(Author.slug == slug))
        if author is None:
            author = ensure_author(name, slug, self.report)
        else:
            author.name = name[:120]
            self.report.count("authors", created=False)
        db.session.flush()
        self.authors[login] = author.id

    def _category(self, element: Element) -> None:
        values = _fields(element)
        name = unescape(values.get("wp:cat_name", ""))
        slug = unquote(values.get("wp:category_nicename", "")) or slugify(name, "category")
        description = values.get("wp:category_description", "")
        term_id = _int(values.get("wp:term_id"))
        if term_id:
            self.category_slugs[term_id] = slug
        category = db.session.scalar(select(Category).where(Category.slug == slug))
        if category is None:
            ensure_category(name or slug, slug, self.report, description=description)
        else:
            category.name = (name or slug)[:120]
            category.description = description
            self.report.count("categories", created=False)

    def _tag(self, element: Element) -> None:
        values = _fields(element)
        name = unescape(values.get("wp:tag_name", ""))
        slug = unquote(values.get("wp:tag_slug", "")) or slugify(name, "tag")
        tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
        if tag is None:
            ensure_tag(name or slug, slug, self.report)
        else:
            tag.name = (name or slug)[:120]
            self.report.count("tags", created=False)

    # -- items -----------------------------------------------------------------------------

    def _item(self, item: WxrItem) -> None:
        post_type = item.get("wp:post_type", "post")
        status = item.get("wp:status", "publish")
        if post_type == "attachment":
            self._picture(item)
        elif post_type not in ("post", "page"):
            self.report.skip(item.label, f"post type '{post_type}' has no place in Hublet")
        elif status in _SKIPPED_STATUS:
            self.report.skip(item.label, _SKIPPED_STATUS[status])
        elif not item.wp_id:
            raise ValueError("it has no wp:post_id")
        elif post_type == "post":
            self._article(item, status)
        else:
            self._page(item, status)

    def _picture(self, item: WxrItem) -> None:
        url = _web_url(item.get("wp:attachment_url"), 500)
        if url and self.media_files is not None:
            url = (
                self.media_files.local_url(
                    url,
                    alt=item.meta.get("_wp_attachment_image_alt", ""),
                    caption=html_to_text(item.get("excerpt:encoded")),
                )
                or url
            )
        url = self.media(url)[:500] if url else url
        if not url:
            self.report.skip(item.label, "attachment without a web address")
            return
        size = _SIZE.search(item.meta.get("_wp_attachment_metadata", ""))
        self.attachments[item.wp_id] = Attachment(
            id=item.wp_id,
            url=url,
            alt=item.meta.get("_wp_attachment_image_alt", "")[:300],
            caption=item.get("excerpt:encoded"),
            title=html_to_text(item.get("title")),
            parent_id=_int(item.get("wp:post_parent")) or None,
            mime_type=item.get("wp:post_mime_type"),
            width=int(size.group(1)) if size else None,
            height=int(size.group(2)) if size else None,
        )

    def render(self, raw: str, item: WxrItem) -> str:
        """A post's raw content as its readers saw it (wpautop, shortcodes), its uploads at
        their new address; the model sanitizes it on the way in."""
        if self.media_files is not None:
            raw = self.media_files.rewrite(raw)
        rendered = render_wordpress_body(
            raw, self.attachments, post_id=item.wp_id, local_prefixes=self._local_prefixes()
        )
        self.shortcodes.update(rendered.unknown_shortcodes)
        if rendered.missing_attachments or _GALLERY_OF_THE_POST.search(raw):
            known = len(self.attachments)
            self.galleries[item.wp_id] = (item.label, raw, known, rendered.missing_attachments)
        else:
            self._missing_attachments(item.label, rendered.missing_attachments)
        return self.media(rendered.html)

    def _local_prefixes(self) -> list[str]:
        """Old uploads addresses that will be this site's (``--media-url /path/``): their
        audio and video play here instead of being linked."""
        return self.upload_prefixes if (self.media_url or "").startswith("/") else []

    def _missing_attachments(self, label: str, missing: list[int]) -> None:
        for attachment_id in dict.fromkeys(missing):
            self.report.skip(
                f"attachment {attachment_id} in {label}", "not in the export; left out"
            )

    def _existing(self, model, item: WxrItem, slug: str, *options):
        """The row this item imported before (by WordPress id), or a same-slug row that no
        WordPress post claims yet; raises when the slug belongs to another WordPress post."""
        found = select(model).options(*options)
        row = db.session.scalar(found.where(model.wp_post_id == item.wp_id))
        if row is not None:
            return row
        row = db.session.scalar(found.where(model.slug == slug))
        if row is not None and row.wp_post_id is not None:
            raise ValueError(
                f"the slug '{slug}' already belongs to WordPress post {row.wp_post_id}"
            )
        return row

    def _slug(self, item: WxrItem, limit: int) -> str:
        slug = unquote(item.get("wp:post_name"))[:limit].strip()
        return slug or slugify(item.get("title"), f"post-{item.wp_id}", limit)

    def _article(self, item: WxrItem, status: str) -> None:
        slug = self._slug(item, 200)
        article = self._existing(Article, item, slug, selectinload(Article.tags))
        # Everything the article refers to exists before the article joins the session.
        author_id = self._author_for(item).id
        primary, *elsewhere = self._categories_for(item)
        tags = [
            ensure_tag(html_to_text(name) or nicename, nicename or None, self.report)
            for domain, nicename, name in item.terms
            if domain in ("post_tag", "tag")  # "tag" in WXR 1.0
        ]
        for domain, nicename, _name_text in item.terms:
            if domain == "post_format":
                self.post_formats[nicename.removeprefix("post-format-")] += 1
        created = article is None
        if created:
            article = Article(wp_post_id=item.wp_id, is_featured=False, is_hot=False, tags=[])
        title = html_to_text(item.get("title")) or slug
        teaser, raw_body = _teaser_and_body(item.get("content:encoded"))
        body = self.render(raw_body, item)
        published = _date(item.get("wp:post_date_gmt"), item.get("wp:post_date"))
        modified = _date(item.get("wp:post_modified_gmt"), item.get("wp:post_modified"))
        is_public = status in ("publish", "future")
        if status == "private":
            self.report.warnings.append(f"{item.label} is private in WordPress: kept as a draft")
        if item.get("wp:post_password"):
            is_public = False
            self.report.warnings.append(
                f"{item.label} is password-protected in WordPress: imported as a draft, "
                "never shown until an editor publishes it"
            )
        if is_public and published is None:
            published = modified or utcnow()

        article.wp_post_id = item.wp_id
        article.title = title[:300]
        article.slug = slug
        article.body_html = body
        article.excerpt = (
            html_to_text(item.get("excerpt:encoded"))
            or make_excerpt(clean_article_html(self._teaser(teaser, item)), 120)
            or make_excerpt(clean_article_html(body))
        )
        article.status = "published" if is_public else "draft"
        article.published_at = published if is_public else None
        article.created_at = published or modified or utcnow()
        article.updated_at = max(filter(None, (modified, published)), default=utcnow())
        article.comments_open = item.get("wp:comment_status", "open") == "open"
        if item.get("wp:is_sticky") == "1":
            article.is_featured = True
        article.author_id = author_id
        article.category_id = primary.id
        article.tags = list({tag.id: tag for tag in tags}.values())
        self._featured_picture(article, item)
        db.session.add(article)
        db.session.flush()  # once: the search index follows every flush that touches it
        self._file_elsewhere(article, elsewhere)
        self.report.count("articles", created)
        self._vote_permalink(item, status)
        self._comments(article, item)

    def _teaser(self, teaser: str, item: WxrItem) -> str:
        """The text before the more tag, rendered (no report: the body said it all)."""
        if not teaser.strip():
            return ""
        return render_wordpress_body(teaser, self.attachments, post_id=item.wp_id).html

    def _render_late_galleries(self) -> None:
        """Bodies whose pictures came later in the files are rendered again now that all
        are known; attachments still missing are reported."""
        for wp_id, (label, raw, known, missing) in self.galleries.items():
            row: Article | Page | None = None
            if known < len(self.attachments):
                row = db.session.scalar(select(Article).where(Article.wp_post_id == wp_id))
                row = row or db.session.scalar(select(Page).where(Page.wp_post_id == wp_id))
            if row is None:
                self._missing_attachments(label, missing)
                continue
            rendered = render_wordpress_body(
                raw, self.attachments, post_id=wp_id, local_prefixes=self._local_prefixes()
            )
            self._missing_attachments(label, rendered.missing_attachments)
            row.body_html = self.media(rendered.html)
        self.galleries.clear()
        db.session.flush()

    def _author_for(self, item: WxrItem) -> Author:
        login = item.get("dc:creator")
        if login in self.authors:
            return db.session.get_one(Author, self.authors[login])
        author = ensure_author(login or "Staff", slugify(unquote(login), "staff"), self.report)
        self.authors[login] = author.id
        return author

    def _categories_for(self, item: WxrItem) -> list[Category]:
        """The post's categories, its primary one first: the one an SEO plugin marked
        (Yoast, Rank Math), else the first listed; WordPress's default when it has none."""
        terms = [(nicename, name) for domain, nicename, name in item.terms if domain == "category"]
        if not terms:  # WXR 1.0 lists a post's categories without a domain as well
            terms = [("", name) for domain, _nicename, name in item.terms if not domain]
        found: dict[int, Category] = {}
        for nicename, name in terms:
            category = ensure_category(
                html_to_text(name) or nicename, nicename or None, self.report
            )
            found.setdefault(category.id, category)
        categories = list(found.values())
        if not categories:
            return [ensure_category("Uncategorized", "uncategorized", self.report)]
        marked = next(
            (_int(item.meta[key]) for key in _PRIMARY_CATEGORY_KEYS if item.meta.get(key)), 0
        )
        slug = self.category_slugs.get(marked)
        primary = next((c for c in categories if slug and c.slug == slug), None)
        if primary is not None:
            categories.remove(primary)
            categories.insert(0, primary)
        elif marked and len(categories) > 1:
            self.report.warnings.append(
                f"{item.label}: its primary category (term {marked}) is not among its "
                f"categories in the export; the first one, {categories[0].slug}, is primary"
            )
        return categories

    def _file_elsewhere(self, article: Article, categories: list[Category]) -> None:
        """The post's other categories: their archives list it too (replaced on re-import)."""
        db.session.execute(
            delete(article_category).where(article_category.c.article_id == article.id)
        )
        if categories:
            db.session.execute(
                insert(article_category),
                [{"article_id": article.id, "category_id": c.id} for c in categories],
            )

    def _featured_picture(self, article: Article, item: WxrItem) -> None:
        picture_id = _int(item.meta.get("_thumbnail_id"))
        if not picture_id:
            return
        picture = self.attachments.get(picture_id)
        if picture is None:
            self.waiting_for_picture[item.wp_id] = picture_id
            return
        self._use_picture(article, picture)

    def _use_picture(self, article: Article, picture: Attachment) -> None:
        self.report.count("featured images", created=article.hero_image != picture.url)
        stored = self.media_files.library_picture(picture.url) if self.media_files else None
        if stored is not None:  # --media-dir put it in the library: the story's hero
            use_as_hero(article, stored)
            article.hero_alt = (picture.alt or stored.alt or article.title)[:300]
            article.hero_caption = html_to_text(picture.caption)[:500] or stored.caption
            return
        article.hero_image = picture.url
        article.hero_alt = picture.alt or article.title[:300]
        article.hero_caption = html_to_text(picture.caption)[:500]
        if picture.width and picture.height:
            article.hero_width, article.hero_height = picture.width, picture.height

    def _attach_late_pictures(self) -> None:
        """Posts whose featured picture came after them in the file get it now."""
        for wp_id, picture_id in self.waiting_for_picture.items():
            article = db.session.scalar(select(Article).where(Article.wp_post_id == wp_id))
            picture = self.attachments.get(picture_id)
            if article is None:
                continue
            if picture is None:
                self.report.skip(
                    f'featured image of post {article.wp_post_id} "{article.title}"',
                    f"attachment {picture_id} is not in the export",
                )
                continue
            self._use_picture(article, picture)
        self.waiting_for_picture.clear()

    def _comments(self, article: Article, item: WxrItem) -> None:
        """Create or update the post's comments, parents before replies."""
        by_wp_id: dict[int, Comment] = {}
        waiting = []
        for values in item.comments:
            wp_id = _int(values.get("wp:comment_id"))
            label = f"comment {wp_id} on {item.label}"
            kind = (values.get("wp:comment_type") or "comment").strip()
            status = _COMMENT_STATUS.get((values.get("wp:comment_approved") or "").strip())
            if kind not in ("", "comment"):
                if kind in _FEEDBACK_KINDS:
                    self.feedback[kind] += 1
                self.report.skip(label, f"a {kind} (Hublet keeps reader comments only)")
            elif not wp_id:
                self.report.fail(label, "it has no wp:comment_id")
            elif status is None:
                self.report.skip(
                    label, f"unknown approval state '{values.get('wp:comment_approved')}'"
                )
            else:
                waiting.append((wp_id, _int(values.get("wp:comment_parent")), status, values))
        known = self._known_comments([entry[0] for entry in waiting])
        while waiting:
            ready = [entry for entry in waiting if not entry[1] or entry[1] in by_wp_id]
            if not ready:  # parents missing from the export: keep the replies, at the top
                for wp_id, parent_wp_id, _status, _values in waiting:
                    self.report.warnings.append(
                        f"comment {wp_id} on {item.label}: its parent {parent_wp_id} is not in the "
                        "export; shown as a top-level comment"
                    )
                ready = [(w, 0, s, v) for w, _p, s, v in waiting]
            for entry in ready:
                wp_id, parent_wp_id, status, values = entry
                parent = by_wp_id.get(parent_wp_id)
                by_wp_id[wp_id] = self._comment(
                    article, known.get(wp_id), wp_id, parent, status, values
                )
            db.session.flush()  # one flush per level of the thread gives the replies their ids
            done = {entry[0] for entry in ready}
            waiting = [entry for entry in waiting if entry[0] not in done]
        recount_comments(article.id)

    def _known_comments(self, wp_ids: list[int]) -> dict[int | None, Comment]:
        known: dict[int | None, Comment] = {}
        for start in range(0, len(wp_ids), 500):
            chunk = wp_ids[start : start + 500]
            for comment in db.session.scalars(
                select(Comment).where(Comment.wp_comment_id.in_(chunk))
            ):
                known[comment.wp_comment_id] = comment
        return known

    def _comment(
        self,
        article: Article,
        comment: Comment | None,
        wp_id: int,
        parent: Comment | None,
        status: str,
        values: dict[str, str],
    ) -> Comment:
        created = comment is None
        if comment is None:
            comment = Comment(wp_comment_id=wp_id)
            db.session.add(comment)
        comment.article_id = article.id
        comment.parent_id = parent.id if parent is not None else None
        # As the comments service does: replies deeper than the site nests sit beside their parent.
        comment.depth = min(parent.depth + 1, MAX_DEPTH) if parent is not None else 1
        comment.author_name = (html_to_text(values.get("wp:comment_author", "")) or "Anonymous")[
            :80
        ]
        comment.author_email = (values.get("wp:comment_author_email") or "").strip()[:254]
        comment.author_url = _web_url(values.get("wp:comment_author_url", ""), 200)
        comment.body_html = clean_comment_html(values.get("wp:comment_content", ""))
        comment.status = status
        comment.ip_address = (values.get("wp:comment_author_IP") or "").strip()[:64]
        comment.created_at = (
            _date(values.get("wp:comment_date_gmt", ""), values.get("wp:comment_date", ""))
            or utcnow()
        )
        self.report.count("comments", created)
        return comment

    def _page(self, item: WxrItem, status: str) -> None:
        if status != "publish":
            self.report.skip(item.label, f"a {status} page (Hublet pages are always public)")
            return
        if item.get("wp:post_password"):
            self.report.skip(item.label, "password-protected (Hublet pages are always public)")
            return
        slug = self._slug(item, 140)
        page = self._existing(Page, item, slug)
        created = page is None
        if created:
            page = Page(wp_post_id=item.wp_id)
            db.session.add(page)
        page.wp_post_id = item.wp_id
        page.title = (html_to_text(item.get("title")) or slug)[:200]
        page.slug = slug
        _teaser, raw_body = _teaser_and_body(item.get("content:encoded"))
        page.body_html = clean_article_html(self.render(raw_body, item))
        page.position = _int(item.get("wp:menu_order"))
        page.updated_at = (
            _date(item.get("wp:post_modified_gmt"), item.get("wp:post_modified")) or utcnow()
        )
        db.session.flush()
        self.report.count("pages", created)
        if item.comments:
            self.report.skip(
                f"{len(item.comments)} comment(s) on {item.label}",
                "Hublet pages have no comments",
            )


def _short(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return text[0][:300] if text else type(error).__name__


def import_wordpress(
    paths: str | list[str],
    progress: Callable[[int], None] | None = None,
    media_url: str | None = None,
    media_files: WordPressMedia | None = None,
    permalinks: str | None = None,
) -> ImportReport:
    """Import the WXR file(s) at ``paths`` as one export; see :class:`WordPressImporter`.

    ``permalinks`` (already checked) is the old site's structure; without it the structure
    is read from the posts' links, where they show it.
    """
    return WordPressImporter(paths, progress, media_url, media_files, permalinks).run()
