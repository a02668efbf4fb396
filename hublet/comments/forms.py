"""The "Leave A Reply" form."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, StringField, TextAreaField, URLField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from hublet.sanitize import remove_control_characters

NAME_MAX = 80
EMAIL_MAX = 254
WEBSITE_MAX = 200
COMMENT_MIN = 2
COMMENT_MAX = 5000


def _one_line(value: str | None) -> str | None:
    """Control characters out, whitespace folded: names and addresses are one line."""
    if not isinstance(value, str):
        return value
    return " ".join(remove_control_characters(value).split())


def _lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def _text(value: str | None) -> str | None:
    """Control characters out (newlines and tabs stay), trimmed."""
    if not isinstance(value, str):
        return value
    return remove_control_characters(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _http_url(_form: FlaskForm, field: URLField) -> None:
    """An absolute http(s) address with a host and no spaces."""
    value = field.data or ""
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if (
        parts is None
        or parts.scheme.lower() not in ("http", "https")
        or not host
        or any(c.isspace() for c in value)
    ):
        raise ValidationError("Please enter a web address starting with http:// or https://.")


class CommentForm(FlaskForm):
    """Name, email, website and comment; a hidden parent id and a hidden honeypot."""

    name = StringField(
        "Name",
        filters=[_one_line],
        validators=[
            DataRequired("Please enter your name."),
            Length(max=NAME_MAX, message=f"Your name must be at most {NAME_MAX} characters."),
        ],
    )
    email = EmailField(
        "Email",
        filters=[_one_line, _lower],
        validators=[
            DataRequired("Please enter your email address."),
            Length(max=EMAIL_MAX, message=f"Your email must be at most {EMAIL_MAX} characters."),
            Email("Please enter a valid email address.", check_deliverability=False),
        ],
    )
    website = URLField(
        "Website",
        filters=[_one_line],
        validators=[
            Optional(),
            Length(
                max=WEBSITE_MAX,
                message=f"Your website address must be at most {WEBSITE_MAX} characters.",
            ),
            _http_url,
        ],
    )
    comment = TextAreaField(
        "Comment",
        filters=[_text],
        validators=[
            DataRequired("Please write your comment."),
            Length(
                min=COMMENT_MIN,
                max=COMMENT_MAX,
                message=f"Your comment must be {COMMENT_MIN} to 5,000 characters.",
            ),
        ],
    )
    parent_id = IntegerField(
        widget=HiddenInput(),
        validators=[Optional()],
        render_kw={"id": "comment-parent"},
    )
    save_details = BooleanField(
        "Save my name, email, and website in this browser for the next time I comment."
    )
    # Hidden from people by CSS; a bot filling every field fills this one too.
    phone = StringField("Leave this field empty", filters=[_one_line])

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.phone.data)
