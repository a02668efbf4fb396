"""search views."""

from hublet.search import bp  # noqa: F401
