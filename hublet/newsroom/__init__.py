"""The newsroom: authors write stories in the browser, editors publish and schedule them."""

from flask import Blueprint

bp = Blueprint("newsroom", __name__)

from hublet.newsroom import accounts_routes, history_routes, page_routes, routes  # noqa: E402,F401
