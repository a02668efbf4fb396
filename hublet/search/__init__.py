"""Search: the full-text index, the overlay and the results page."""

from flask import Blueprint

bp = Blueprint("search", __name__)

from hublet.search import events, routes  # noqa: E402,F401
from hublet.search.index import check_index  # noqa: E402,F401
