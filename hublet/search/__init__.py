"""Search: the full-text index, the overlay and the results page."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from hublet.search import routes  # noqa: E402,F401
