"""Search tests: helpers and an app whose search is not rate limited (the limit has its own
test, which sets it back)."""

from __future__ import annotations

import pytest


@pytest.fixture
def app_config(app_config: dict) -> dict:
    app_config["SEARCH_RATE_LIMIT"] = None
    return app_config
