"""The rate-limit and login counters can live apart from the cache.

A cache may evict (allkeys-lru); counters must not: a flood of distinct pages would otherwise
push them out and reset every limit. ``LIMITS_REDIS_URL`` names a Redis of their own.
"""

from __future__ import annotations

from hublet import create_app


def test_the_counters_follow_redis_url_by_default(app_config):
    app_config["REDIS_URL"] = "redis://cache.internal:6379/0"
    application = create_app(app_config)
    assert application.config["RATELIMIT_STORAGE_URI"] == "redis://cache.internal:6379/0"
    assert application.config["CACHE_REDIS_URL"] == "redis://cache.internal:6379/0"


def test_limits_redis_url_keeps_the_counters_apart_from_the_cache(app_config):
    app_config["REDIS_URL"] = "redis://cache.internal:6379/0"
    app_config["LIMITS_REDIS_URL"] = "redis://limits.internal:6379/0"
    application = create_app(app_config)
    assert application.config["RATELIMIT_STORAGE_URI"] == "redis://limits.internal:6379/0"
    assert application.config["CACHE_REDIS_URL"] == "redis://cache.internal:6379/0"
