"""Imported pictures, served from the instance's media folder under their content address.

A stored file is named after the SHA-256 of its bytes (``<64 hex>.<ext>``), so an address
never changes meaning and is cached for a year (``immutable``); the name is checked against
that shape before the file system is touched, so no path trick can reach another file. In
production nginx serves the same folder (``deploy/``); this route is the fallback and what
the tests read.

Old WordPress upload addresses (``/wp-content/uploads/2024/05/pic.jpg``) of imported files
move here for good: the importer writes the uploads index (old relative path -> stored name,
:data:`UPLOADS_INDEX` in the media folder) and :func:`uploads_address` reads it.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, redirect, send_from_directory
from werkzeug.wrappers import Response  # what views return: redirect() makes this base class

bp = Blueprint("media_files", __name__)

#: Where the public addresses of stored files start.
MEDIA_URL_PREFIX = "/media/"
#: Old uploads path -> stored name, as JSON, beside the files.
UPLOADS_INDEX = "wp-uploads-index.json"
IMMUTABLE = "public, max-age=31536000, immutable"
STORED_NAME = re.compile(r"^[0-9a-f]{64}\.(?:jpg|png|gif|webp|avif)$")
_CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
}


def media_folder(app: Flask | None = None) -> Path:
    """The folder imported files live in: ``MEDIA_FOLDER``, or ``media/`` in the instance."""
    app = app or current_app
    configured = app.config.get("MEDIA_FOLDER")
    return Path(configured) if configured else Path(app.instance_path) / "media"


def media_address(name: str) -> str:
    """The public address of a stored file."""
    return MEDIA_URL_PREFIX + name


def write_uploads_index(folder: Path, entries: dict[str, str]) -> None:
    """Merge ``entries`` into the uploads index, replacing the file in one step."""
    index = read_uploads_index(folder)
    index.update(entries)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{UPLOADS_INDEX}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(index, sort_keys=True, indent=0), encoding="utf-8")
    os.replace(temporary, folder / UPLOADS_INDEX)


def read_uploads_index(folder: Path) -> dict[str, str]:
    path = folder / UPLOADS_INDEX
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


_index_lock = threading.Lock()
_index_cache: dict[Path, tuple[float, dict[str, str]]] = {}


def uploads_address(relative_path: str) -> str | None:
    """The local address of an imported ``wp-content/uploads/<relative_path>``, if any."""
    folder = media_folder()
    try:
        stamp = (folder / UPLOADS_INDEX).stat().st_mtime
    except FileNotFoundError:
        return None
    with _index_lock:
        cached = _index_cache.get(folder)
        if cached is None or cached[0] != stamp:
            cached = (stamp, read_uploads_index(folder))
            _index_cache[folder] = cached
    name = cached[1].get(relative_path)
    return media_address(name) if name and STORED_NAME.match(name) else None


@bp.get("/media/<name>")
def media(name: str) -> Response:
    """A stored file, cached for a year: its name is its content."""
    if not STORED_NAME.match(name):
        abort(404)
    digest, extension = name.rsplit(".", 1)
    # The ETag is the content's hash, the same on every host: If-None-Match gets a 304.
    response = send_from_directory(
        media_folder(), name, mimetype=_CONTENT_TYPES[extension], max_age=0, etag=digest
    )
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/wp-content/uploads/<path:relative_path>")
def wordpress_upload(relative_path: str) -> Response:
    """An old WordPress upload address moves to the imported copy, or is a 404."""
    address = uploads_address(relative_path)
    if address is None:
        abort(404)
    return redirect(address, code=301)
