"""Site: the home page, static pages, the contact form and the page chrome."""

from flask import Blueprint

bp = Blueprint("site", __name__)

from hublet.site import icons, routes  # noqa: E402,F401
