"""Paging: one page container, one keyset cursor format, and every reader of a listing's place.

A listing goes on by page number (``?page=N``; ``?cpage=N`` for a comment thread) or by keyset
cursor (``?before=`` on the reader's site, ``?after=`` in moderation): the time and id of the
last row shown, so that rows added or removed meanwhile neither repeat a row nor hide one.
Anything in the query string that is not a place we could have written is a 404, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from flask import abort, request
from sqlalchemy import and_, or_
from sqlalchemy.sql.elements import ColumnElement

MAX_PAGE = 100_000

T = TypeVar("T")

#: A place in a newest-first listing: a row's time and id (the id breaks ties).
Cursor = tuple[datetime, int]

_CURSOR = re.compile(r"(\d{20})-(\d{1,12})")


@dataclass(frozen=True)
class Page(Generic[T]):
    """Some rows of a listing, and the cursor where the next rows start (None at the end)."""

    items: list[T]
    next_cursor: str | None = None
    page: int = 1  # the page's number, for titles and the "Older posts" link
    total: int | None = None  # rows in the whole listing, where the listing counts them

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None


def encode_cursor(when: datetime, row_id: int) -> str:
    """A row's place as URL-safe digits: its time (to the microsecond) and its id."""
    return f"{when:%Y%m%d%H%M%S%f}-{row_id}"


def decode_cursor(raw: str) -> Cursor | None:
    """The place in ``raw``, or None when it is not one ``encode_cursor`` could have written."""
    match = _CURSOR.fullmatch(raw)
    if not match:
        return None
    try:
        moment = datetime.strptime(match.group(1), "%Y%m%d%H%M%S%f")
    except ValueError:
        return None
    return moment, int(match.group(2))


def older_than(when: Any, row_id: Any, cursor: Cursor) -> ColumnElement[bool]:
    """The SQL condition for rows after ``cursor`` in newest-first order (``when``, ``row_id``)."""
    moment, last_id = cursor
    return or_(when < moment, and_(when == moment, row_id < last_id))


def keyset_page(
    rows: list[T],
    per_page: int,
    place: Callable[[T], Cursor],
    page: int = 1,
    total: int | None = None,
) -> Page[T]:
    """A page from ``per_page + 1`` rows fetched past a cursor: the extra row only says "more"."""
    if len(rows) > per_page:
        rows = rows[:per_page]
        return Page(rows, encode_cursor(*place(rows[-1])), page, total)
    return Page(rows, None, page, total)


def numbered_page(
    rows: list[T], page: int, per_page: int, total: int, place: Callable[[T], Cursor]
) -> Page[T]:
    """Page ``page`` of ``total`` rows, cut by offset; the page after it is asked by cursor."""
    if rows and page * per_page < total:
        return Page(rows, encode_cursor(*place(rows[-1])), page, total)
    return Page(rows, None, page, total)


def requested_page(name: str = "page") -> int:
    """The page number in ``?page=`` (or ``name``), 1 when absent; ``abc``, ``0``, ``-1``: 404."""
    raw = request.args.get(name, "1")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        abort(404)
    page = int(raw)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def shown_page() -> int:
    """The page number in ``?page=`` for a page's head (canonical URL, description): never a 404.

    The view has already turned a bad number away; this only names the page it shows.
    """
    raw = request.args.get("page", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 1


def requested_cursor(name: str = "before", blank_is_start: bool = False) -> Cursor | None:
    """The cursor in ``?before=`` (or ``name``), None when absent; a malformed one is a 404.

    ``blank_is_start``: an empty value means the first page (moderation's ``?after=``).
    """
    raw = request.args.get(name)
    if raw is None or (blank_is_start and raw == ""):
        return None
    return decode_cursor(raw) or abort(404)


def ensure_page_exists(page: int, item_count: int) -> None:
    """A page past the end of a listing is a 404 (page 1 of an empty listing is not)."""
    if page > 1 and item_count == 0:
        abort(404)
