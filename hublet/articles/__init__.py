"""Articles: the article page and the category, tag and author archives."""

from flask import Blueprint

bp = Blueprint("articles", __name__)

from hublet.articles import routes, sidebar, view_beacon  # noqa: E402,F401
