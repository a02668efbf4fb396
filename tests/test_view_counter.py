"""Hot stories do not lock the database: with Redis, views are counted there and flushed in sums.

Uses the Redis at HUBLET_TEST_REDIS_URL (skipped without it), under a key prefix of each test's
own. What a reader would notice if it were wrong: views that never show in Most Popular, or are
lost when a worker dies between counting and flushing.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask

from hublet import create_app
from hublet.articles import view_counter
from hublet.extensions import db
from hublet.timeutil import utcnow
from tests.builders import make_article
from tests.test_popularity import beacon, views_today

REDIS_URL = os.environ.get("HUBLET_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="HUBLET_TEST_REDIS_URL is not set")


@pytest.fixture
def redis_views(app_config: dict) -> Iterator[tuple[dict, str]]:
    """The app's views counted in the test Redis, flushed only when a test says so."""
    import redis

    prefix = f"hublet-test-views-{uuid.uuid4().hex}:"
    app_config.update(
        VIEWS_REDIS_URL=REDIS_URL, VIEWS_KEY_PREFIX=prefix, VIEW_FLUSH_SECONDS=3600,
        RATELIMIT_ENABLED=False,
    )  # fmt: skip
    view_counter._last_flush.clear()
    view_counter._last_flush[f"{prefix}pending"] = float("inf")  # no flush from a request
    client = redis.Redis.from_url(REDIS_URL)
    yield app_config, prefix
    client.delete(*(f"{prefix}{name}" for name in ("pending", "flushing", "flush-lock")))
    view_counter._last_flush.clear()


def visitors_view(app: Flask, article, count: int) -> None:  # type: ignore[no-untyped-def]
    """``count`` different browsers load the article (a fresh cookie jar each)."""
    for _ in range(count):
        assert beacon(app.test_client(), article).status_code == 204


def pending(prefix: str) -> dict[bytes, bytes]:
    import redis

    return redis.Redis.from_url(REDIS_URL).hgetall(f"{prefix}pending")


@needs_redis
def test_views_wait_in_redis_until_a_flush_writes_their_sum(redis_views, app, ctx):
    _, prefix = redis_views
    story = make_article("Viral story")
    visitors_view(app, story, 5)
    assert views_today(story.id) == 0, "each view went to the database row"
    assert pending(prefix) == {f"{story.id}:{utcnow().date().isoformat()}".encode(): b"5"}
    assert view_counter.flush_views() == 5
    assert views_today(story.id) == 5
    assert pending(prefix) == {}
    # More views add to the same row.
    visitors_view(app, story, 2)
    assert view_counter.flush_views() == 2
    assert views_today(story.id) == 7


@needs_redis
def test_a_request_flushes_when_the_process_has_not_for_a_while(redis_views, app, ctx):
    _, prefix = redis_views
    app.config["VIEW_FLUSH_SECONDS"] = 0
    view_counter._last_flush.clear()
    story = make_article("Counted soon")
    visitors_view(app, story, 3)
    assert views_today(story.id) == 3
    assert pending(prefix) == {}


@needs_redis
def test_no_view_is_lost_when_a_worker_dies_between_counting_and_flushing(redis_views, app, ctx):
    config, _ = redis_views
    story = make_article("Breaking")
    visitors_view(app, story, 4)
    # The worker dies: its process state (clients, flush times) is gone, its app too.
    view_counter._clients.clear()
    view_counter._last_flush.clear()
    other = create_app(config)
    with other.app_context():
        assert view_counter.flush_views() == 4
        db.session.remove()
        db.engine.dispose()
    assert views_today(story.id) == 4


@needs_redis
def test_a_flush_that_died_halfway_is_finished_by_the_next_one(redis_views, app, ctx):
    import redis

    _, prefix = redis_views
    client = redis.Redis.from_url(REDIS_URL)
    story = make_article("Half flushed")
    visitors_view(app, story, 3)
    # A flush renamed the pending counts to its flush key, then its process died.
    client.rename(f"{prefix}pending", f"{prefix}flushing")
    visitors_view(app, story, 2)  # counted meanwhile, in a new pending hash
    assert view_counter.flush_views() == 5
    assert views_today(story.id) == 5
    assert not client.exists(f"{prefix}pending") and not client.exists(f"{prefix}flushing")


@needs_redis
def test_one_flush_at_a_time(redis_views, app, ctx):
    import redis

    _, prefix = redis_views
    story = make_article("Locked")
    visitors_view(app, story, 2)
    lock = redis.Redis.from_url(REDIS_URL).lock(f"{prefix}flush-lock", timeout=10)
    assert lock.acquire(blocking=False)
    try:
        assert view_counter.flush_views() == 0  # another process is flushing
    finally:
        lock.release()
    assert view_counter.flush_views() == 2


@needs_redis
def test_flask_flush_views_writes_what_waits(redis_views, app, ctx, runner):
    story = make_article("Command")
    visitors_view(app, story, 3)
    result = runner.invoke(args=["flush-views"])
    assert result.exit_code == 0, result.output
    assert "Flushed 3 views." in result.output
    assert views_today(story.id) == 3


def test_without_a_reachable_redis_each_view_goes_to_the_database(app_config, app, ctx):
    app.config.update(VIEWS_REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_ENABLED=False)
    view_counter._clients.clear()
    story = make_article("No Redis")
    visitors_view(app, story, 2)
    assert views_today(story.id) == 2
    view_counter._clients.clear()


def test_without_redis_flush_views_has_nothing_to_do(app, ctx, runner):
    result = runner.invoke(args=["flush-views"])
    assert result.exit_code == 0 and "Flushed 0 views." in result.output
