"""Failed-login counters shared through Redis by every process, and kept when Redis is down."""

from __future__ import annotations

import os
import uuid

import pytest

from hublet import create_app
from hublet.extensions import db
from tests.builders import make_moderator
from tests.moderation.helpers import PASSWORD, log_in

REDIS_URL = os.environ.get("HUBLET_TEST_REDIS_URL")


def fresh_app(config: dict):  # type: ignore[no-untyped-def]
    application = create_app(dict(config))
    return application


@pytest.mark.skipif(not REDIS_URL, reason="HUBLET_TEST_REDIS_URL is not set")
def test_two_processes_share_the_failed_login_count_through_redis(app, app_config):
    import redis

    prefix = f"hublet-test-{uuid.uuid4().hex}"
    app_config.update(REDIS_URL=REDIS_URL, RATELIMIT_KEY_PREFIX=prefix)
    with app.app_context():
        make_moderator("mod")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        first = fresh_app(app_config)
        assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
        client = first.test_client()
        for _ in range(5):
            assert log_in(client, "mod", "wrong password!").status_code == 422
        assert connection.keys(f"*{prefix}*moderation-login*"), "counted in Redis"
        # A second process starts with empty memory; only Redis knows the failures.
        second = fresh_app(app_config)
        blocked = log_in(second.test_client(), "mod", PASSWORD)
        assert blocked.status_code == 429
        assert 1 <= int(blocked.headers["Retry-After"]) <= 60
        for application in (first, second):
            with application.app_context():
                db.engine.dispose()
    finally:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        connection.close()


def test_with_redis_down_logins_work_and_failures_are_still_limited(app, app_config):
    with app.app_context():
        make_moderator("mod")
    app_config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"  # nothing listens there
    down = fresh_app(app_config)
    client = down.test_client()
    assert log_in(client).status_code == 303
    other = down.test_client()
    for _ in range(5):
        assert log_in(other, "mod", "wrong password!").status_code == 422
    assert log_in(other, "mod", PASSWORD).status_code == 429
    with down.app_context():
        db.engine.dispose()
