"""The login form, and reading the moderation pages' query strings and posted fields.

Anything malformed in a query string is a 404 (like a page that does not exist), never a 500.
"""

from __future__ import annotations

from flask import abort
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length

from hublet.models import COMMENT_STATUSES
from hublet.moderation.queries import CommentFilter
from hublet.sanitize import remove_control_characters

MAX_QUERY_LENGTH = 200
MAX_BULK_IDS = 500


class LoginForm(FlaskForm):
    """Username and password."""

    username = StringField(
        "Username",
        filters=[lambda v: remove_control_characters(v).strip() if isinstance(v, str) else v],
        validators=[InputRequired("Please enter your username."), Length(max=64)],
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Please enter your password."), Length(max=1024)],
    )


def read_query(args: MultiDict) -> str:
    """The search text: control characters dropped, trimmed, at most 200 characters."""
    return remove_control_characters(args.get("q", "")).strip()[:MAX_QUERY_LENGTH]


def read_id(value: str | None) -> int | None:
    """A positive id from a query string; None when absent, 404 when not a number."""
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        abort(404)
    return int(value)


def read_comment_filter(args: MultiDict) -> CommentFilter:
    """The tab, article and search text of the comments page."""
    status = args.get("status", "pending")
    if status not in COMMENT_STATUSES:
        abort(404)
    return CommentFilter(status=status, article_id=read_id(args.get("article")), q=read_query(args))


def read_ids(form: MultiDict) -> list[int]:
    """The selected row ids of a bulk action; junk values are ignored."""
    ids = []
    for value in form.getlist("ids")[:MAX_BULK_IDS]:
        if value.isascii() and value.isdigit() and len(value) <= 18:
            ids.append(int(value))
    return sorted(set(ids))


def read_flag_value(form: MultiDict) -> bool | None:
    """The on/off a Featured or Hot toggle posted; None when it is neither."""
    value = form.get("value", "")
    if value in ("on", "1", "true"):
        return True
    if value in ("off", "0", "false"):
        return False
    return None
