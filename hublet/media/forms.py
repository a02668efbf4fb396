"""The library's query string and the form that describes a picture.

Anything malformed in a query string is a 404, as in the rest of the newsroom.
"""

from __future__ import annotations

from flask import abort
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import Length

from hublet.media.library import ALT_MAX, CAPTION_MAX, CREDIT_MAX, FORMAT_NAMES, PictureFilter
from hublet.sanitize import remove_control_characters

MAX_QUERY = 200


def _clean_line(value: object) -> object:
    return remove_control_characters(value).strip() if isinstance(value, str) else value


class PictureForm(FlaskForm):
    """A picture's alt text, caption and credit."""

    alt = StringField(
        "Alt text (what the picture shows)",
        filters=[_clean_line],
        validators=[
            Length(max=ALT_MAX, message=f"The alt text is too long: at most {ALT_MAX} characters.")
        ],
    )
    caption = StringField(
        "Caption",
        filters=[_clean_line],
        validators=[
            Length(
                max=CAPTION_MAX,
                message=f"The caption is too long: at most {CAPTION_MAX} characters.",
            )
        ],
    )
    credit = StringField(
        "Credit",
        filters=[_clean_line],
        validators=[
            Length(
                max=CREDIT_MAX, message=f"The credit is too long: at most {CREDIT_MAX} characters."
            )
        ],
    )


def _positive_int(raw: str) -> int | None:
    if raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12 or int(raw) == 0:
        abort(404)
    return int(raw)


def read_picture_filter(args: MultiDict) -> PictureFilter:
    """The library's search and filters; a malformed one is a 404."""
    q = remove_control_characters(args.get("q", "")).strip()[:MAX_QUERY]
    fmt = args.get("format", "")
    if fmt and fmt not in FORMAT_NAMES:
        abort(404)
    unused = args.get("unused", "")
    if unused not in ("", "1"):
        abort(404)
    return PictureFilter(q, _positive_int(args.get("uploader", "")), fmt, unused == "1")


def read_pick(args: MultiDict) -> str | None:
    """The story the library is choosing a hero for: ``new``, a story's id, or None."""
    pick = args.get("pick", "")
    if pick == "":
        return None
    if pick == "new":
        return pick
    return str(_positive_int(pick))
