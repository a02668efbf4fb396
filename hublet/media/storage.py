"""Where picture files live, behind four calls, so the place can change without its callers.

Callers (the pipeline, the library, templates through ``media_url``) only use :class:`Storage`:
``save(key, data)``, ``open(key)``, ``exists(key)`` and ``url(key)``. A key is a stored name,
``<sha256 of the bytes>.<ext>``: the same bytes always get the same key, so ``save`` of a key
that exists is a no-op and a URL can be cached forever.

The default, :class:`FileSystemStorage`, keeps files in the media folder
(:func:`hublet.media_files.media_folder`: ``MEDIA_FOLDER`` or ``instance/media/``), the folder the
``/media/<name>`` route and nginx serve. An S3-compatible store is another class with the same
four methods (``save`` -> ``put_object``, ``open`` -> ``get_object``'s body, ``exists`` ->
``head_object``, ``url`` -> the bucket's or CDN's public address of the key), installed with
``app.extensions["media_storage"] = S3Storage(...)``; :func:`storage` then hands it to every
caller.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import Flask, current_app

from hublet.media_files import STORED_NAME, media_address, media_folder


class Storage(Protocol):
    """What the media library needs of a place to keep files."""

    def save(self, key: str, data: bytes) -> None:
        """Keep ``data`` under ``key`` (nothing to do when the key is already there)."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes, to read; ``FileNotFoundError`` when there are none."""

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored."""

    def url(self, key: str) -> str:
        """The public address readers fetch the file from."""


def check_key(key: str) -> str:
    """A key is a content address and nothing else: no path can be smuggled through it."""
    if not STORED_NAME.match(key):
        raise ValueError(f"not a stored name: {key!r}")
    return key


class FileSystemStorage:
    """Files in one folder, written whole (a reader never sees half a file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def path(self, key: str) -> Path:
        return self.folder / check_key(key)

    def save(self, key: str, data: bytes) -> None:
        target = self.path(key)
        if target.exists():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def url(self, key: str) -> str:
        return media_address(check_key(key))


def storage(app: Flask | None = None) -> Storage:
    """The app's storage: one installed in ``app.extensions["media_storage"]``, or the folder."""
    app = app or current_app
    installed = app.extensions.get("media_storage")
    if installed is not None:
        return installed
    return FileSystemStorage(media_folder(app))
