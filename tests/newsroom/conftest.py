"""Fixtures of the newsroom tests: a category, and one account of every role."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.builders import make_category
from tests.newsroom.helpers import ROLES, make_account


@pytest.fixture
def news(app: Flask) -> int:
    """The id of the category "News"."""
    with app.app_context():
        return make_category("News").id


@pytest.fixture
def people(app: Flask) -> None:
    """One account of each role, named after it (plus a second author, "other")."""
    for role in ROLES:
        make_account(app, role, role)
    make_account(app, "other", "author")
