"""The story editor's form and the listing's query string.

Every check that needs no database is here; the slug's uniqueness and the category's
existence are checked by the view against the database. Anything malformed in a query string
is a 404, as moderation does.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from flask import abort
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from hublet.newsroom.markup import hostile_markup
from hublet.newsroom.queries import TABS, StoryFilter
from hublet.sanitize import remove_control_characters

#: The longest body the editor takes, in characters (about 7,000 words). The site refuses any
#: request over ``MAX_CONTENT_LENGTH`` (64 KB) with a 413 before a view runs, so the limit
#: stays under it, to be told beside the field.
MAX_BODY = 40_000
MAX_QUERY = 200
_SCHEDULE_FORMAT = "%Y-%m-%dT%H:%M"


def _clean_line(value: object) -> object:
    return remove_control_characters(value).strip() if isinstance(value, str) else value


def _site_path(_form: FlaskForm, field: StringField) -> None:
    """A hero image is a file on this site: a path starting with one slash."""
    value = field.data or ""
    if not value:
        return
    parts = urlsplit(value)
    if (
        not value.startswith("/")
        or value.startswith("//")
        or "\\" in value
        or parts.scheme
        or parts.netloc
        or any(ch.isspace() for ch in value)
    ):
        raise ValidationError("Use an image on this site: a path such as /media/photo.jpg.")


def _no_hostile_markup(_form: FlaskForm, field: TextAreaField) -> None:
    if hostile_markup(field.data or ""):
        raise ValidationError(
            "The body contains HTML that is not allowed (scripts, event handlers, frames, "
            "forms or javascript: links). Please remove it."
        )


class StoryForm(FlaskForm):
    """Everything a story has that its writer sets."""

    title = StringField(
        "Title",
        filters=[_clean_line],
        validators=[
            DataRequired("Please give the story a title."),
            Length(max=300, message="The title is too long: at most 300 characters."),
        ],
    )
    slug = StringField(
        "Slug",
        filters=[_clean_line],
        validators=[Length(max=200, message="The slug is too long: at most 200 characters.")],
    )
    category = SelectField("Category", coerce=str, validate_choice=False)
    tags = StringField(
        "Tags",
        filters=[_clean_line],
        validators=[Length(max=1000, message="Too many tags: at most 1,000 characters.")],
    )
    excerpt = TextAreaField(
        "Excerpt",
        validators=[Length(max=1000, message="The excerpt is too long: at most 1,000 characters.")],
    )
    body = TextAreaField(
        "Body (Markdown)",
        validators=[
            Length(max=MAX_BODY, message=f"The body is too long: at most {MAX_BODY:,} characters."),
            _no_hostile_markup,
        ],
    )
    hero_image = StringField(
        "Hero image", filters=[_clean_line], validators=[Length(max=500), _site_path]
    )
    hero_alt = StringField(
        "Image description (alt text)", filters=[_clean_line], validators=[Length(max=300)]
    )
    hero_caption = StringField("Caption", filters=[_clean_line], validators=[Length(max=500)])
    hero_credit = StringField("Credit", filters=[_clean_line], validators=[Length(max=200)])
    # The library picture used as the hero (hublet.media.picker fills, reads and checks it).
    hero_picture_id = HiddenField("Library picture", filters=[_clean_line])
    is_featured = BooleanField("Featured")
    is_hot = BooleanField("What's Hot")
    comments_open = BooleanField("Comments open", default=True)
    publish_at = StringField("Publish at", filters=[_clean_line])
    # The version of the story the editor opened: a save over a newer one is refused (409).
    version = HiddenField()

    def tag_names(self) -> list[str]:
        """The tags typed, comma-separated, without repeats (first spelling wins)."""
        seen: dict[str, str] = {}
        for raw in (self.tags.data or "").split(","):
            name = re.sub(r"\s+", " ", raw).strip()[:120]
            if name and name.lower() not in seen:
                seen[name.lower()] = name
        return list(seen.values())

    def base_version(self) -> int | None:
        """The version the editor started from; None when the form sent none (a new story).

        Anything but a small number is a forged or broken form: 400, nothing stored."""
        raw = (self.version.data or "").strip()
        if raw == "":
            return None
        if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
            abort(400)
        return int(raw)

    def schedule_time(self) -> datetime | None:
        """The local date and time to publish at, or None (with an error on the field)."""
        raw = self.publish_at.data or ""
        try:
            return datetime.strptime(raw, _SCHEDULE_FORMAT)
        except ValueError:
            self.publish_at.errors = [
                *self.publish_at.errors,
                "Please give a date and time to publish at.",
            ]
            return None


def _positive_int(args: MultiDict, name: str) -> int | None:
    raw = args.get(name, "")
    if raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 12 or int(raw) == 0:
        abort(404)
    return int(raw)


def read_story_filter(args: MultiDict) -> StoryFilter:
    """The tab and filters of the listing's query string; a malformed one is a 404."""
    tab = args.get("status", "drafts")
    if tab not in TABS:
        abort(404)
    q = remove_control_characters(args.get("q", "")).strip()[:MAX_QUERY]
    return StoryFilter(tab, _positive_int(args, "author"), _positive_int(args, "category"), q)


def read_tag_lookup(args: MultiDict) -> tuple[str, str]:
    """What the tags field holds as the writer types: the tags before the last comma (kept as
    typed, to put back in front of a suggestion) and the start of the one being typed."""
    typed = remove_control_characters(args.get("tags", ""))[:1000]
    done, _, current = typed.rpartition(",")
    kept = ", ".join(name.strip() for name in done.split(",") if name.strip())
    return (f"{kept}, " if kept else ""), re.sub(r"\s+", " ", current).strip()[:120]
