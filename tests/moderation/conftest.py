"""Fixtures of the moderation tests."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.builders import make_moderator
from tests.moderation.helpers import log_in


@pytest.fixture
def moderator_client(app: Flask, client: FlaskClient) -> FlaskClient:
    """A client logged in as the moderator "mod"."""
    with app.app_context():
        make_moderator("mod")
    assert log_in(client).status_code == 303
    return client
