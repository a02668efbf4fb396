"""Comments: threaded reader comments under each article, posted with or without htmx."""

from flask import Blueprint

bp = Blueprint("comments", __name__)

from hublet.comments import routes  # noqa: E402,F401
