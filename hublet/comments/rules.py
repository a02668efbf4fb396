"""The moderation rules a new comment passes through, and the settings that tune them.

WordPress's Discussion settings are the anchor. Defaults come from the config
(``COMMENT_*`` in :class:`hublet.config.DefaultConfig`); a moderator's choices are stored in
``ModerationSetting`` rows (the moderation page's Settings tab uses :func:`get_settings` and
:func:`save_settings`) and win over the defaults.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select

from hublet.extensions import db
from hublet.models import Article, ModerationSetting
from hublet.timeutil import utcnow

# ModerationSetting keys, one per field of CommentSettings.
KEY_FIRST_TIME_HOLD = "comments.first_time_hold"
KEY_LINKS_THRESHOLD = "comments.links_threshold"
KEY_MODERATION_KEYWORDS = "comments.moderation_keywords"
KEY_DISALLOWED_KEYWORDS = "comments.disallowed_keywords"
KEY_CLOSE_AFTER_DAYS = "comments.close_after_days"
KEY_FLOOD_SECONDS = "comments.flood_seconds"

_LINK = re.compile(r"<a\s", re.IGNORECASE)


@dataclass(frozen=True)
class CommentSettings:
    """Everything the rules need to judge a comment."""

    first_time_hold: bool = True
    links_threshold: int = 2
    moderation_keywords: tuple[str, ...] = ()
    disallowed_keywords: tuple[str, ...] = ()
    close_after_days: int | None = None
    flood_seconds: int = 15


@dataclass(frozen=True)
class Submission:
    """What a reader sent, already validated; the rules judge it."""

    name: str
    email: str
    website: str
    text: str
    body_html: str
    ip_address: str
    honeypot_filled: bool = False


@dataclass(frozen=True)
class Verdict:
    """The status a new comment gets, and why (for the log)."""

    status: str
    reason: str


def keyword_list(value: str | Iterable[str]) -> tuple[str, ...]:
    """One keyword or phrase a line, blanks dropped, duplicates removed (case-insensitive)."""
    lines = value.splitlines() if isinstance(value, str) else list(value)
    seen: dict[str, str] = {}
    for line in lines:
        word = str(line).strip()
        if word and word.lower() not in seen:
            seen[word.lower()] = word
    return tuple(seen.values())


def default_settings() -> CommentSettings:
    """The settings from the config alone."""
    config = current_app.config
    close = config.get("COMMENTS_CLOSE_AFTER_DAYS")
    return CommentSettings(
        first_time_hold=bool(config.get("COMMENT_FIRST_TIME_HOLD", True)),
        links_threshold=int(config.get("COMMENT_LINKS_THRESHOLD", 2)),
        moderation_keywords=keyword_list(config.get("COMMENT_MODERATION_KEYWORDS") or ()),
        disallowed_keywords=keyword_list(config.get("COMMENT_DISALLOWED_KEYWORDS") or ()),
        close_after_days=int(close) if close not in (None, "", 0) else None,
        flood_seconds=int(config.get("COMMENT_FLOOD_SECONDS", 15) or 0),
    )


def _optional_int(value: str) -> int | None:
    value = value.strip()
    return int(value) if value else None


def get_settings() -> CommentSettings:
    """The settings in force: stored values over the config defaults.

    A stored value that cannot be read (edited by hand) falls back to the default.
    """
    settings = default_settings()
    rows = dict(db.session.execute(select(ModerationSetting.key, ModerationSetting.value)).all())
    readers = {
        KEY_FIRST_TIME_HOLD: ("first_time_hold", lambda v: v.strip() in ("1", "true", "yes")),
        KEY_LINKS_THRESHOLD: ("links_threshold", lambda v: max(0, int(v))),
        KEY_MODERATION_KEYWORDS: ("moderation_keywords", keyword_list),
        KEY_DISALLOWED_KEYWORDS: ("disallowed_keywords", keyword_list),
        KEY_CLOSE_AFTER_DAYS: ("close_after_days", _optional_int),
        KEY_FLOOD_SECONDS: ("flood_seconds", lambda v: max(0, int(v))),
    }
    changes: dict[str, Any] = {}
    for key, (field, read) in readers.items():
        if key in rows:
            try:
                changes[field] = read(rows[key])
            except ValueError:
                current_app.logger.warning("unreadable moderation setting %s=%r", key, rows[key])
    return replace(settings, **changes)


def settings_as_strings(settings: CommentSettings) -> dict[str, str]:
    """The stored form of each setting, keyed by ModerationSetting key."""
    return {
        KEY_FIRST_TIME_HOLD: "1" if settings.first_time_hold else "0",
        KEY_LINKS_THRESHOLD: str(settings.links_threshold),
        KEY_MODERATION_KEYWORDS: "\n".join(settings.moderation_keywords),
        KEY_DISALLOWED_KEYWORDS: "\n".join(settings.disallowed_keywords),
        KEY_CLOSE_AFTER_DAYS: ""
        if settings.close_after_days is None
        else str(settings.close_after_days),
        KEY_FLOOD_SECONDS: str(settings.flood_seconds),
    }


def save_settings(settings: CommentSettings, commit: bool = True) -> None:
    """Store every setting (the moderation page's Settings tab); commits unless told not to."""
    existing = {row.key: row for row in db.session.scalars(select(ModerationSetting))}
    for key, value in settings_as_strings(settings).items():
        if key in existing:
            existing[key].value = value
        else:
            db.session.add(ModerationSetting(key=key, value=value))
    if commit:
        db.session.commit()


def settings_from_form(values: Mapping[str, str]) -> tuple[CommentSettings, dict[str, str]]:
    """Read settings from form strings named like the fields; returns (settings, errors).

    Missing fields keep their current value; a checkbox absent from ``values`` is off only when
    the ``first_time_hold`` key is present with an empty value.
    """
    current = get_settings()
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    if "first_time_hold" in values:
        changes["first_time_hold"] = str(values["first_time_hold"]).strip().lower() in (
            "1", "y", "yes", "on", "true",
        )  # fmt: skip
    for field in ("links_threshold", "flood_seconds"):
        if field in values:
            try:
                number = int(str(values[field]).strip())
                if number < 0:
                    raise ValueError
                changes[field] = number
            except ValueError:
                errors[field] = "Please enter a whole number, 0 or more."
    if "close_after_days" in values:
        try:
            days = _optional_int(str(values["close_after_days"]))
            if days is not None and days < 1:
                raise ValueError
            changes["close_after_days"] = days
        except ValueError:
            errors["close_after_days"] = (
                "Please enter a number of days (1 or more), or leave empty."
            )
    for field in ("moderation_keywords", "disallowed_keywords"):
        if field in values:
            changes[field] = keyword_list(str(values[field]))
    return replace(current, **changes), errors


def comments_closed(article: Article, settings: CommentSettings) -> bool:
    """True when the article takes no new comments: closed by hand, or too old."""
    if not article.comments_open:
        return True
    if settings.close_after_days and article.published_at is not None:
        return article.published_at < utcnow() - timedelta(days=settings.close_after_days)
    return False


def count_links(body_html: str) -> int:
    """Links in a sanitized comment (bare URLs were made links by the sanitizer)."""
    return len(_LINK.findall(body_html))


def matched_keyword(keywords: Iterable[str], submission: Submission) -> str | None:
    """The first keyword found (case-insensitive) in the name, email, website, text or IP."""
    haystack = "\n".join(
        (
            submission.name,
            submission.email,
            submission.website,
            submission.text,
            submission.ip_address,
        )
    ).lower()
    for keyword in keywords:
        if keyword.lower() in haystack:
            return keyword
    return None


def judge(submission: Submission, settings: CommentSettings, previously_approved: bool) -> Verdict:
    """The status a new comment starts with, strictest rule first.

    ``previously_approved`` means an approved comment with this name AND this email (as
    WordPress's "comment author must have a previously approved comment"): the email alone,
    which others may know, does not skip the first-time hold.
    """
    if submission.honeypot_filled:
        return Verdict("spam", "honeypot filled")
    keyword = matched_keyword(settings.disallowed_keywords, submission)
    if keyword is not None:
        return Verdict("spam", f"disallowed keyword {keyword!r}")
    keyword = matched_keyword(settings.moderation_keywords, submission)
    if keyword is not None:
        return Verdict("pending", f"moderation keyword {keyword!r}")
    links = count_links(submission.body_html)
    if links > settings.links_threshold:
        return Verdict("pending", f"{links} links")
    if settings.first_time_hold and not previously_approved:
        return Verdict("pending", "first comment from this name and email")
    return Verdict("approved", "passed every rule")
