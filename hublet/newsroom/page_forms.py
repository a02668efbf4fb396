"""The static page editor's form: every check that needs no database.

The slug's uniqueness and whether the site already answers at ``/<slug>`` are checked by the
view against the database and the URL map.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from hublet.newsroom.forms import MAX_BODY, _clean_line
from hublet.newsroom.markup import hostile_markup

#: Pages are linked in this order (smallest first); the largest position a page may have.
MAX_POSITION = 9999


def _no_hostile_markup(_form: FlaskForm, field: TextAreaField) -> None:
    if hostile_markup(field.data or ""):
        raise ValidationError(
            "The body contains HTML that is not allowed (scripts, event handlers, frames, "
            "forms or javascript: links). Please remove it."
        )


def _position(_form: FlaskForm, field: StringField) -> None:
    raw = field.data or "0"
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_POSITION:
        raise ValidationError(f"Please give a whole number from 0 to {MAX_POSITION}.")


class PageForm(FlaskForm):
    """Everything a static page has that an editor sets, and the version the editor opened."""

    title = StringField(
        "Title",
        filters=[_clean_line],
        validators=[
            DataRequired("Please give the page a title."),
            Length(max=200, message="The title is too long: at most 200 characters."),
        ],
    )
    slug = StringField(
        "Slug",
        filters=[_clean_line],
        validators=[Length(max=140, message="The slug is too long: at most 140 characters.")],
    )
    body = TextAreaField(
        "Body (Markdown)",
        validators=[
            Length(max=MAX_BODY, message=f"The body is too long: at most {MAX_BODY:,} characters."),
            _no_hostile_markup,
        ],
    )
    position = StringField("Position", default="0", filters=[_clean_line], validators=[_position])
    # The version the editor opened: a save over a newer one is refused (409).
    version = HiddenField()

    def position_number(self) -> int:
        """The position as a number (call after a successful validation)."""
        return int(self.position.data or "0")

    def base_version(self) -> int | None:
        """The version the form was opened at, or None when it is missing or malformed."""
        raw = (self.version.data or "").strip()
        if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
            return None
        return int(raw)
