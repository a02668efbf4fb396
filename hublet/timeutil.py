"""Time: stored as naive UTC in the database, shown in the site's time zone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

#: How far the clock is moved ahead: always zero but in tests (:func:`moved_clock`), which
#: check that a story scheduled for a minute appears at that minute without waiting for it.
_clock_offset = timedelta(0)


def utcnow() -> datetime:
    """The current time as naive UTC, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None) + _clock_offset


def site_today() -> datetime:
    """Now, in the site's zone."""
    return datetime.now(site_zone()) + _clock_offset


@contextmanager
def moved_clock(ahead: timedelta) -> Iterator[None]:
    """For tests: every reader of :func:`utcnow` sees the time ``ahead`` of the real one."""
    global _clock_offset
    before = _clock_offset
    _clock_offset = before + ahead
    try:
        yield
    finally:
        _clock_offset = before


def site_zone() -> ZoneInfo:
    """The site's configured time zone."""
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_site_time(value: datetime) -> datetime:
    """Convert a stored naive-UTC timestamp to an aware one in the site's zone."""
    return value.replace(tzinfo=UTC).astimezone(site_zone())


def format_date(value: datetime | None) -> str:
    """'January 29, 2026' in the site's zone."""
    if value is None:
        return ""
    local = to_site_time(value)
    return f"{local:%B} {local.day}, {local.year}"


def format_datetime(value: datetime | None) -> str:
    """'January 29, 2026 at 3:04 pm' in the site's zone."""
    if value is None:
        return ""
    local = to_site_time(value)
    hour = local.hour % 12 or 12
    return f"{format_date(value)} at {hour}:{local:%M} {'am' if local.hour < 12 else 'pm'}"


def format_weekday_date(value: datetime) -> str:
    """'Thursday, January 29' (the top bar's date); ``value`` is already in the site's zone."""
    return f"{value:%A}, {value:%B} {value.day}"


def iso_utc(value: datetime | None) -> str:
    """ISO 8601 with an explicit UTC offset, for machines (datetime attributes, feeds); whole
    seconds, since HTML's datetime attribute allows at most three digits of a fraction."""
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).isoformat(timespec="seconds")
