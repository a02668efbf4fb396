"""moderation views."""

from hublet.moderation import bp  # noqa: F401
