"""Rate limits shared through Redis by every process (HUBLET_TEST_REDIS_URL; CI sets it)."""

from __future__ import annotations

import os
import uuid

import pytest

from hublet import create_app
from hublet.config import load_config
from hublet.extensions import limiter
from tests.conftest import csrf_token

REDIS_URL = os.environ.get("HUBLET_TEST_REDIS_URL")


def contact_form(token: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "name": "Ada Reader",
        "email": "ada@example.com",
        "subject": "A question",
        "message": "Hello, I have a question about an article.",
    }


def test_redis_url_moves_rate_limits_and_cache_to_redis(monkeypatch, tmp_path):
    from flask import Flask

    monkeypatch.setenv("REDIS_URL", "redis://cache.internal:6379/2")
    monkeypatch.setenv("HUBLET_SECRET_KEY", '"k"')
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, None)
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/2"
    assert app.config["CACHE_TYPE"] == "RedisCache"
    assert app.config["CACHE_REDIS_URL"] == "redis://cache.internal:6379/2"
    assert app.config["RATELIMIT_KEY_PREFIX"] == "hublet"
    assert app.config["CACHE_KEY_PREFIX"] == "hublet:"
    assert app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True


def test_without_redis_limits_are_counted_in_memory(monkeypatch, tmp_path):
    from flask import Flask

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("HUBLET_SECRET_KEY", '"k"')
    app = Flask(__name__, instance_path=str(tmp_path))
    load_config(app, None)
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.skipif(not REDIS_URL, reason="HUBLET_TEST_REDIS_URL is not set")
def test_two_processes_share_the_contact_limit_through_redis(app_config, monkeypatch):
    import redis

    prefix = f"hublet-test-{uuid.uuid4().hex}"
    # The limiter is one object per process; its key prefix is fixed by the first app made.
    monkeypatch.setattr(limiter, "_key_prefix", prefix)
    app_config.update(REDIS_URL=REDIS_URL, RATELIMIT_CONTACT="3 per minute")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        first = create_app(dict(app_config))
        assert first.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
        client = first.test_client()
        token = csrf_token(client, "/contact-us")
        for _ in range(2):
            assert client.post("/contact-us", data=contact_form(token)).status_code == 303
        assert connection.keys(f"*{prefix}*"), "the counts are kept in Redis under our prefix"

        # A second process starts with empty memory; only Redis knows the two posts.
        second = create_app(dict(app_config))
        other = second.test_client()
        token = csrf_token(other, "/contact-us")
        assert other.post("/contact-us", data=contact_form(token)).status_code == 303
        blocked = other.post("/contact-us", data=contact_form(token))
        assert blocked.status_code == 429
        assert int(blocked.headers["Retry-After"]) > 0
    finally:
        for key in connection.scan_iter(f"*{prefix}*"):
            connection.delete(key)
        connection.close()


def test_memory_storage_is_per_process(app_config):
    """The control for the Redis test: without Redis a new process starts counting afresh."""
    app_config["RATELIMIT_CONTACT"] = "3 per minute"
    first = create_app(dict(app_config))
    client = first.test_client()
    token = csrf_token(client, "/contact-us")
    for _ in range(2):
        assert client.post("/contact-us", data=contact_form(token)).status_code == 303
    second = create_app(dict(app_config))
    other = second.test_client()
    token = csrf_token(other, "/contact-us")
    for _ in range(3):
        assert other.post("/contact-us", data=contact_form(token)).status_code == 303
