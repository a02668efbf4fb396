"""The one error type of the editorial commands."""

from __future__ import annotations


class EditorialError(Exception):
    """A problem the editor can fix (missing file, bad XML, unknown slug): shown without a
    traceback, and the command exits non-zero."""
