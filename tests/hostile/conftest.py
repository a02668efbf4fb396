"""The hostile suite's app: limits and anti-spam rules relaxed so every line reaches the code
that stores and renders it (the limits themselves are tested in tests/hardening)."""

from __future__ import annotations

import pytest

RELAXED = {
    "RATELIMIT_CONTACT": "1000000 per minute",
    "COMMENT_RATE_LIMIT": None,
    "COMMENT_FLOOD_SECONDS": 0,
    "COMMENT_FIRST_TIME_HOLD": False,
    "COMMENT_LINKS_THRESHOLD": 1_000_000,
    "MODERATION_LOGIN_IP_LIMIT": "1000000/minute",
    "MODERATION_LOGIN_USERNAME_LIMIT": "1000000/hour",
    "SEARCH_RATE_LIMIT": None,
}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    app_config.update(RELAXED)
    return app_config
