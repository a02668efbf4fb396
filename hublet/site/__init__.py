"""Site: the home page, static pages, the contact form and the page chrome."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from hublet.site import icons, old_links, routes  # noqa: E402,F401
