"""``--media-dir``: a WordPress site's ``wp-content/uploads`` copied into Hublet's media folder.

Pictures must show under the site's own Content-Security-Policy, so every attachment and every
uploads address in a body is copied from the local copy of ``wp-content/uploads`` into the
media folder (:func:`hublet.media_files.media_folder`) and the body is rewritten to the local
address (``/media/<sha256>.<ext>``). The importer's use::

    media = WordPressMedia(Path(media_dir), media_folder(app),
                           upload_prefixes=["https://old.example/wp-content/uploads/"])
    attachment_url = media.local_url(item.get("wp:attachment_url")) or old_url
    body = media.rewrite(body)             # before render_wordpress_body / sanitizing
    ...
    media.save_index()                     # once, at the end: /wp-content/uploads/ 301s
    media.report.missing, media.report.refused   # for the import report, by name

Files are checked by decoding them with Pillow, never by their extension; what is not a JPEG,
PNG, GIF or WebP picture (an SVG, a PDF, a script named ``.jpg``) is refused and reported. A
missing file is reported and the body keeps the old address; a size variant
(``pic-300x200.jpg``, ``pic-scaled.jpg``) that is missing falls back to its original.
The name is the content's SHA-256, so the same file met twice is stored once.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image, UnidentifiedImageError

from hublet.media_files import media_address, write_uploads_index

#: Pillow format -> the extension a stored file gets (the content decides, not the old name).
ACCEPTED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
MAX_FILE_BYTES = 50 * 1024 * 1024
_SIZE_VARIANT = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.[A-Za-z0-9]+$)")
_UPLOADS_PATH = re.compile(r"/wp-content/uploads/(?P<path>[^\s\"'<>()?#]+)")


@dataclass
class MediaReport:
    """What happened to the files: counts, and the names of those that did not come over."""

    copied: int = 0
    reused: int = 0
    missing: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # "2024/05/x.jpg: not a picture"


class WordPressMedia:
    """Copies uploads into the media folder once each and remembers their local addresses."""

    def __init__(self, source: Path, store: Path, upload_prefixes: list[str] | None = None):
        self.source = Path(source).resolve()
        self.store = Path(store)
        self.upload_prefixes = [p.rstrip("/") + "/" for p in upload_prefixes or [] if p]
        self.report = MediaReport()
        self.known: dict[str, str | None] = {}  # uploads-relative path -> stored name or None
        self.index: dict[str, str] = {}

    @staticmethod
    def relative_path(url: str) -> str | None:
        """The uploads-relative path (``2024/05/pic.jpg``) of an uploads address, or None."""
        try:
            path = urlsplit(url).path
        except ValueError:
            return None
        found = _UPLOADS_PATH.search(path)
        return unquote(found.group("path")) if found else None

    def local_url(self, url: str) -> str | None:
        """The local address of an uploads file, copying it the first time; None if it failed."""
        relative = self.relative_path(url or "")
        if relative is None:
            return None
        if relative not in self.known:
            self.known[relative] = self._import(relative)
        name = self.known[relative]
        return media_address(name) if name else None

    def rewrite(self, html: str) -> str:
        """``html`` with every uploads address it holds pointing at the local copy."""
        pattern = self._url_pattern()

        def local(match: re.Match[str]) -> str:
            return self.local_url(match.group(0)) or match.group(0)

        return pattern.sub(local, html)

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

    def _import(self, relative: str) -> str | None:
        path = self._source_file(relative)
        if path is None:
            return None
        try:
            name = self._store(path)
        except _Refused as refused:
            self.report.refused.append(f"{relative}: {refused}")
            return None
        self.index[relative] = name
        return name

    def _source_file(self, relative: str) -> Path | None:
        """The file in the uploads copy (or the original of a missing size variant)."""
        for candidate in dict.fromkeys((relative, _SIZE_VARIANT.sub("", relative))):
            path = (self.source / candidate).resolve()
            if not path.is_relative_to(self.source):
                self.report.refused.append(f"{relative}: outside the uploads folder")
                return None
            if path.is_file():
                return path
        self.report.missing.append(relative)
        return None

    def _store(self, path: Path) -> str:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _Refused(f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        data = path.read_bytes()
        extension = _picture_extension(path)
        name = f"{hashlib.sha256(data).hexdigest()}.{extension}"
        target = self.store / name
        if target.exists():
            self.report.reused += 1
            return name
        self.store.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.store, prefix=".incoming-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
        os.chmod(target, 0o644)
        self.report.copied += 1
        return name


class _Refused(Exception):
    """A file that is not a picture Hublet will serve."""


def _picture_extension(path: Path) -> str:
    """The stored extension of a picture, decoded in full by Pillow; anything else is refused."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                picture_format = image.format or ""
                image.verify()
            with Image.open(path) as image:
                image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Refused("not a picture") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise _Refused(f"a damaged picture ({error.__class__.__name__})") from None
    extension = ACCEPTED_FORMATS.get(picture_format)
    if extension is None:
        raise _Refused(f"a {picture_format or 'unknown'} file, not a web picture")
    return extension
