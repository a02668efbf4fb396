"""The old site's WordPress permalink structure: checked, stored, and matched against paths.

``flask import-wordpress`` stores the structure (given with ``--permalinks`` or read from the
export's links) as one ``ModerationSetting`` row, so the web side reads it without importing
the importer. The generic old-link rules answer the common structures by slug or id alone;
the stored structure answers the ones they cannot (``/news/%postname%.html``,
``/%category%/%post_id%/``, ``/blog/%year%/%postname%/``). An empty value means "plain"
(``/?p=123``), which the home page already answers.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sqlalchemy import select

from hublet.extensions import db
from hublet.models import ModerationSetting

#: The ModerationSetting key the structure is stored under.
KEY = "wordpress_permalink_structure"

#: WordPress's permalink tags and what each matches in a path (as its rewrite rules do).
TAGS = {
    "year": r"[0-9]{4}",
    "monthnum": r"[0-9]{1,2}",
    "day": r"[0-9]{1,2}",
    "hour": r"[0-9]{1,2}",
    "minute": r"[0-9]{1,2}",
    "second": r"[0-9]{1,2}",
    "post_id": r"[0-9]+",
    "postname": r"[^/]+",
    "category": r".+?",  # nested categories: parent/child
    "author": r"[^/]+",
}
_TAG = re.compile(r"%([a-z_]+)%")


def check_structure(structure: str) -> str:
    """The structure, normalized to start with ``/``; ValueError says what is wrong with it."""
    structure = structure.strip()
    if not structure:
        raise ValueError("--permalinks is empty; give a structure like '/%year%/%postname%/'")
    unknown = sorted({name for name in _TAG.findall(structure) if name not in TAGS})
    if unknown:
        known = " ".join(f"%{name}%" for name in TAGS)
        raise ValueError(
            f"--permalinks {structure!r} has unknown tag(s) "
            f"{', '.join(f'%{name}%' for name in unknown)} (known: {known})"
        )
    if "%postname%" not in structure and "%post_id%" not in structure:
        raise ValueError(
            f"--permalinks {structure!r} names no post: it needs %postname% or %post_id%"
        )
    if "?" in structure or "#" in structure or "://" in structure:
        raise ValueError(f"--permalinks {structure!r} must be a path like '/%year%/%postname%/'")
    return structure if structure.startswith("/") else "/" + structure


@lru_cache(maxsize=8)
def structure_pattern(structure: str) -> re.Pattern[str]:
    """A regex for paths of ``structure``; the trailing slash is optional, as in WordPress."""
    pattern, position = "", 0
    for found in _TAG.finditer(structure):
        pattern += re.escape(structure[position : found.start()])
        name = found.group(1)
        seen = f"(?P={name})" if f"(?P<{name}>" in pattern else f"(?P<{name}>{TAGS[name]})"
        pattern += seen
        position = found.end()
    pattern += re.escape(structure[position:].rstrip("/"))
    return re.compile(pattern + "/?")


def stored_structure() -> str | None:
    """The structure the import stored; None when none was (or it was "plain")."""
    value = db.session.scalar(select(ModerationSetting.value).where(ModerationSetting.key == KEY))
    if not value:
        return None
    try:
        return check_structure(value)
    except ValueError:
        return None  # edited by hand into something unusable: the generic rules still answer


def match_structure(structure: str, path: str) -> dict[str, str] | None:
    """The tags of ``path`` when it has the shape of ``structure``, else None."""
    found = structure_pattern(structure).fullmatch(path)
    return found.groupdict() if found else None


def store_structure(structure: str) -> None:
    """Remember the structure (the caller commits); "" means plain links."""
    row = db.session.get(ModerationSetting, KEY)
    if row is None:
        db.session.add(ModerationSetting(key=KEY, value=structure))
    else:
        row.value = structure
