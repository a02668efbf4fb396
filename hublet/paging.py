"""Reading ``?page=`` the way readers type it: anything but a positive number is a 404."""

from __future__ import annotations

from flask import abort, request

MAX_PAGE = 100_000


def requested_page() -> int:
    """The page number asked for, or a 404 for ``abc``, ``0``, ``-1`` and the like."""
    raw = request.args.get("page", "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        abort(404)
    page = int(raw)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def ensure_page_exists(page: int, item_count: int) -> None:
    """A page past the end of a listing is a 404 (page 1 of an empty listing is not)."""
    if page > 1 and item_count == 0:
        abort(404)
