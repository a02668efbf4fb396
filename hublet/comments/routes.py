"""Comment views (issue 3)."""

from hublet.comments import bp  # noqa: F401
