"""Feeds: RSS/Atom, sitemaps and robots.txt."""

from flask import Blueprint

bp = Blueprint("feeds", __name__)

from hublet.feeds import routes  # noqa: E402,F401
