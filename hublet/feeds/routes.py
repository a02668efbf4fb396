"""feeds views."""

from hublet.feeds import bp  # noqa: F401
