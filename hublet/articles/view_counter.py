"""View counts through Redis, so that a viral story's readers never queue on one row's lock.

Without Redis each counted view upserts its (article, day) row at once (``popularity``). On
PostgreSQL under a spike every reader of the same story then waits for the same row lock. With
Redis configured, a view is one ``HINCRBY`` on a hash of pending counts, and a flush writes the
sums: in a request at most every ``VIEW_FLUSH_SECONDS`` per process, or ``flask flush-views``.

No view is lost when a process dies: the counts live in Redis, not in the process. A flush first
renames the pending hash to a flush key (atomic: views counted after it start a new hash), writes
it, then deletes it; a flush key left by a process that died mid-flush is written first by the
next flush. A Redis lock lets one flush run at a time. A process that dies after writing but
before deleting the flush key makes those views count twice; none are ever dropped.

The counters use the Redis that must not evict: ``VIEWS_REDIS_URL`` if set, else
``LIMITS_REDIS_URL``, else ``REDIS_URL``.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from flask import current_app
from sqlalchemy import Table, select
from sqlalchemy.dialects import postgresql, sqlite

from hublet.articles import popularity
from hublet.database import writing
from hublet.extensions import db
from hublet.models import Article, ArticleViewDay

if TYPE_CHECKING:
    from redis import Redis

log = logging.getLogger(__name__)

DEFAULT_FLUSH_SECONDS = 10
DEFAULT_KEY_PREFIX = "hublet:views:"
#: How long a flush may hold the lock before another process may take over.
LOCK_SECONDS = 60

_clients: dict[str, Redis] = {}
_last_flush: dict[str, float] = {}
_state_lock = threading.Lock()


def _redis() -> Redis | None:
    """The counters' Redis client (one per URL and process), or None without Redis."""
    config = current_app.config
    url = config.get("VIEWS_REDIS_URL") or config.get("LIMITS_REDIS_URL") or config.get("REDIS_URL")
    if not url:
        return None
    with _state_lock:
        if url not in _clients:
            import redis  # the optional [redis] extra, installed wherever REDIS_URL is set

            _clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return _clients[url]


def _keys() -> tuple[str, str, str]:
    """The pending hash, the flush key and the lock's key."""
    prefix = current_app.config.get("VIEWS_KEY_PREFIX", DEFAULT_KEY_PREFIX)
    return f"{prefix}pending", f"{prefix}flushing", f"{prefix}flush-lock"


def count_view(article_id: int, day: date) -> None:
    """Count one view: in Redis when configured (and reachable), else in the database now."""
    client = _redis()
    if client is None:
        popularity.record_view(article_id, day)
        return
    import redis

    pending, _, _ = _keys()
    try:
        client.hincrby(pending, f"{article_id}:{day.isoformat()}", 1)
    except redis.RedisError:
        log.warning("view counter: Redis unavailable, counting in the database")
        popularity.record_view(article_id, day)
        return
    _flush_if_due(client)


def _flush_if_due(client: Redis) -> None:
    """Flush from this request when this process has not flushed for a while."""
    every = float(current_app.config.get("VIEW_FLUSH_SECONDS", DEFAULT_FLUSH_SECONDS))
    pending, _, _ = _keys()
    now = time.monotonic()
    with _state_lock:
        if now - _last_flush.get(pending, float("-inf")) < every:
            return
        _last_flush[pending] = now
    try:
        flush_views(client)
    except Exception:  # the counts stay in Redis for the next flush; the reader is not failed
        log.exception("view counter: flush failed; the counts wait for the next one")


def flush_views(client: Redis | None = None) -> int:
    """Write the counts waiting in Redis to the (article, day) rows; the views written.

    0 without Redis, when nothing waits, or when another process is flushing right now.
    """
    client = client or _redis()
    if client is None:
        return 0
    import redis

    pending, flushing, lock_key = _keys()
    lock = client.lock(lock_key, timeout=LOCK_SECONDS, blocking=False)
    if not lock.acquire():
        return 0
    written = 0
    try:
        # At most two rounds: a flush key a dead process left, then what is pending now.
        for _ in range(2):
            if not client.exists(flushing):
                try:
                    client.rename(pending, flushing)
                except redis.ResponseError:  # no such key: nothing pending
                    break
            counts = cast(dict[bytes, bytes], client.hgetall(flushing))
            written += _write(counts)
            client.delete(flushing)
    finally:
        # Expired meanwhile (LockError): another flush may already run; nothing to undo.
        with contextlib.suppress(redis.exceptions.LockError):
            lock.release()
    return written


def _write(counts: dict[bytes, bytes]) -> int:
    """Add the counts to their rows in one transaction; views of deleted articles are dropped."""
    sums: dict[tuple[int, date], int] = {}
    for field, value in counts.items():
        article, _, day = field.decode().partition(":")
        key = (int(article), date.fromisoformat(day))
        sums[key] = sums.get(key, 0) + int(value)
    if not sums:
        return 0
    with writing():  # SQLite's write lock taken up front, not halfway through
        ids = {article for article, _ in sums}
        existing = set(db.session.scalars(select(Article.id).where(Article.id.in_(ids))))
        rows: list[dict[str, Any]] = [
            {"article_id": article, "day": day, "views": views}
            for (article, day), views in sorted(sums.items())
            if article in existing
        ]
        dialect = db.session.get_bind().dialect.name
        insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
        table = cast(Table, ArticleViewDay.__table__)
        for row in rows:  # sorted: two writers lock rows in the same order
            statement = insert(table).values(**row)
            statement = statement.on_conflict_do_update(
                index_elements=[table.c.article_id, table.c.day],
                set_={"views": table.c.views + statement.excluded.views},
            )
            db.session.execute(statement)
        db.session.commit()
    return sum(row["views"] for row in rows)
