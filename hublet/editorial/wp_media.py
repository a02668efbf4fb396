"""``--media-dir``: a WordPress site's ``wp-content/uploads`` put through the media library.

Pictures must show under the site's own Content-Security-Policy and as every other picture
does (checked, stripped of EXIF and GPS, upright, kept at 400/800/1200/1600 as WebP and in
their own format), so every attachment and every uploads address in a body is read from the
local copy of ``wp-content/uploads`` and added to the library with
:func:`hublet.media.library.add_picture`, exactly as an upload. The body is rewritten to the
stored picture's address (``/media/<sha256>.<ext>``, its own format at most 1600 wide, which
the body's responsive step turns into a ``srcset``), and a post's featured picture becomes
its library hero (``use_as_hero``). The importer's use::

    media = WordPressMedia(Path(media_dir), media_folder(app),
                           upload_prefixes=["https://old.example/wp-content/uploads/"])
    attachment_url = media.local_url(item.get("wp:attachment_url"), alt=..., caption=...)
    body = media.rewrite(body)             # before render_wordpress_body / sanitizing
    picture = media.library_picture(attachment_url)   # the featured image's Picture
    ...
    media.save_index()                     # once, at the end: /wp-content/uploads/ 301s
    media.report.missing, media.report.refused   # for the import report, by name

A file is judged by decoding it (``hublet.media.processing``), never by its name: what is not
a JPEG, PNG, GIF, WebP or AVIF picture, is truncated, a decompression bomb or carries a script
(an SVG, a PHP file named ``.jpg``) is refused with the library's reason and reported, and the
import goes on with the old address in its place. A missing file is reported too. WordPress's
own resized copies (``pic-300x200.jpg``, ``pic-scaled.jpg``) are the original picture at
another size: they are served from the original's library picture when the original is in
the copy (the library makes its own widths), and from themselves otherwise.

Re-running is safe: the library knows a picture by the hash of its bytes, so the same file met
twice (in one import or the next) is one picture, stored once.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hublet.extensions import db
from hublet.media.library import HERO_WIDTH, add_picture, find_by_source, max_upload_bytes
from hublet.media.processing import Refused
from hublet.media.storage import storage
from hublet.media_files import write_uploads_index
from hublet.models import Picture

_SIZE_VARIANT = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
_UPLOADS_PATH = re.compile(r"/wp-content/uploads/(?P<path>[^\s\"'<>()?#]+)")


@dataclass
class MediaReport:
    """What happened to the files: counts, and the names of those that did not come over."""

    copied: int = 0  # pictures the library stored for this import
    reused: int = 0  # files that were already library pictures (this import or before)
    missing: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "2024/05/x.jpg: <the library's reason>"
    without_alt: set[str] = field(default_factory=set)  # stored addresses lacking alt text


@dataclass(frozen=True)
class _Stored:
    """An uploads file's library picture: the hash it is known by, its address, its file."""

    source_sha256: str
    address: str
    path: Path


class WordPressMedia:
    """Adds uploads to the media library once each and remembers their stored addresses."""

    def __init__(self, source: Path, store: Path, upload_prefixes: list[str] | None = None):
        self.source = Path(source).resolve()
        self.store = Path(store)  # the media folder, where the uploads index is kept
        self.upload_prefixes = [p.rstrip("/") + "/" for p in upload_prefixes or [] if p]
        self.report = MediaReport()
        self.known: dict[str, _Stored | None] = {}  # uploads-relative path -> picture or None
        self.by_address: dict[str, _Stored] = {}
        self.by_source: dict[str, _Stored] = {}  # sha256 of a file's bytes -> its picture
        self.index: dict[str, str] = {}  # uploads-relative path -> stored name, for the 301s

    @staticmethod
    def relative_path(url: str) -> str | None:
        """The uploads-relative path (``2024/05/pic.jpg``) of an uploads address, or None."""
        try:
            path = urlsplit(url).path
        except ValueError:
            return None
        found = _UPLOADS_PATH.search(path)
        return unquote(found.group("path")) if found else None

    def local_url(self, url: str, *, alt: str = "", caption: str = "") -> str | None:
        """The stored address of an uploads file, adding it to the library the first time;
        None when it is missing or refused. ``alt`` and ``caption`` (an attachment's) fill in
        a library picture that has none yet."""
        relative = self.relative_path(url or "")
        if relative is None:
            return None
        if relative not in self.known:
            self.known[relative] = self._import(relative)
        stored = self.known[relative]
        if stored is None:
            return None
        if alt or caption:
            self._describe(stored, alt.strip(), caption.strip())
        return stored.address

    def rewrite(self, html: str) -> str:
        """``html`` with every uploads address it holds pointing at the stored picture."""
        pattern = self._url_pattern()

        def local(match: re.Match[str]) -> str:
            return self.local_url(match.group(0)) or match.group(0)

        return pattern.sub(local, html)

    def library_picture(self, address: str) -> Picture | None:
        """The library picture (variants loaded) at a stored address this import made, for
        ``use_as_hero``; None for any other address. A picture whose row a failed item rolled
        back is added again from its file."""
        stored = self.by_address.get(address)
        if stored is None:
            return None
        picture = find_by_source(stored.source_sha256)
        if picture is None:
            try:
                picture = add_picture(stored.path.read_bytes()).picture
                db.session.flush()
            except (Refused, OSError):
                return None
        return picture

    def save_index(self) -> None:
        """Record old upload paths -> stored names, for the ``/wp-content/uploads/`` 301s."""
        if self.index:
            write_uploads_index(self.store, self.index)

    # --- internals ---------------------------------------------------------------------------

    def _url_pattern(self) -> re.Pattern[str]:
        """The old site's uploads addresses: http or https, with or without www, or rooted.

        Without known prefixes any host's ``/wp-content/uploads/`` counts; with them only the
        old site's, so a picture hot-linked from another WordPress site is left alone.
        """
        hosts = [r"[^\s\"'<>/]+"]
        if self.upload_prefixes:
            hosts = []
            for prefix in self.upload_prefixes:
                parts = urlsplit(prefix)
                host = re.escape(parts.netloc.removeprefix("www."))
                base = parts.path.rstrip("/").removesuffix("/wp-content/uploads")
                hosts.append(rf"(?:www\.)?{host}{re.escape(base)}")
        absolute = r"(?:https?:)?//(?:" + "|".join(hosts) + r")"
        rooted = r"(?<![\w./:-])(?=/wp-content/uploads/)"
        return re.compile(
            r"(?:" + absolute + "|" + rooted + r")(?:/[^\s\"'<>()?#/]+)*?/wp-content/uploads/"
            r"[^\s\"'<>()?#]+"
        )

    def _import(self, relative: str) -> _Stored | None:
        path = self._source_file(relative)
        if path is None:
            return None
        try:
            stored = self._add(path)
        except Refused as refused:
            self.report.refused.append(f"{relative}: {refused}")
            return None
        self.index[relative] = stored.address.rsplit("/", 1)[1]
        return stored

    def _source_file(self, relative: str) -> Path | None:
        """The file in the uploads copy: the original of a WordPress size variant when the
        copy has it (the library makes its own widths), else the file itself."""
        for candidate in dict.fromkeys((_SIZE_VARIANT.sub("", relative), relative)):
            path = (self.source / candidate).resolve()
            if not path.is_relative_to(self.source):
                self.report.refused.append(f"{relative}: outside the uploads folder")
                return None
            if path.is_file():
                return path
        self.report.missing.append(relative)
        return None

    def _add(self, path: Path) -> _Stored:
        """Add one file to the library (or find it there); raises ``Refused``."""
        limit = max_upload_bytes()
        size = path.stat().st_size
        if size > limit:  # refused before a huge file is read into memory
            raise Refused(f"larger than the {limit / (1024 * 1024):.1f} MB limit")
        data = path.read_bytes()
        source_sha256 = hashlib.sha256(data).hexdigest()
        if source_sha256 in self.by_source:  # the same bytes under another name
            self.report.reused += 1
            return self.by_source[source_sha256]
        added = add_picture(data)
        db.session.flush()
        if added.created:
            self.report.copied += 1
        else:
            self.report.reused += 1
        stored = _Stored(source_sha256, _address(added.picture), path)
        self.by_address[stored.address] = self.by_source[source_sha256] = stored
        if not added.picture.alt:
            self.report.without_alt.add(stored.address)
        return stored

    def _describe(self, stored: _Stored, alt: str, caption: str) -> None:
        """Give the picture the attachment's alt text and caption where it has none (an
        editor's words in the library are never overwritten)."""
        picture = db.session.scalar(
            select(Picture)
            .where(Picture.source_sha256 == stored.source_sha256)
            .options(selectinload(Picture.variants))
        )
        if picture is None:
            return
        if alt and not picture.alt:
            picture.alt = alt[:300]
        if caption and not picture.caption:
            picture.caption = caption[:500]
        if picture.alt:
            self.report.without_alt.discard(stored.address)


def _address(picture: Picture) -> str:
    """The address a body or a hero names: the picture in its own format at most
    :data:`~hublet.media.library.HERO_WIDTH` wide, as ``use_as_hero`` chooses it."""
    own = [v for v in picture.variants if v.format == picture.format]
    largest = max([v for v in own if v.width <= HERO_WIDTH] or own, key=lambda v: v.width)
    return storage().url(largest.key)
