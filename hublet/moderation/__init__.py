"""Moderation: moderator login and the moderation page."""

from flask import Blueprint

bp = Blueprint("moderation", __name__)

from hublet.moderation import routes  # noqa: E402,F401
