"""Limits on failed logins: per client IP (5 a minute) and per username (20 an hour).

The counters live in the rate-limit storage (``RATELIMIT_STORAGE_URI``): memory for one
process, Redis when ``REDIS_URL`` is set, so that every process and host shares them.
Only failures count; a blocked attempt is refused before the password is even checked.
When Redis cannot be reached the counting goes on in this process's memory (logged), so that
the limits still hold per process and logins do not fail with a 500.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, RateLimiter

NAMESPACE = "moderation-login"
DEFAULT_IP_LIMIT = "5/minute"
DEFAULT_USERNAME_LIMIT = "20/hour"
_EXTENSION_KEY = "hublet-moderation-login-limiter"
_FALLBACK_KEY = "hublet-moderation-login-fallback"

log = logging.getLogger("hublet.security")
T = TypeVar("T")


def _make_limiter(uri: str) -> RateLimiter:
    storage: Storage = storage_from_string(uri)
    try:
        return MovingWindowRateLimiter(storage)
    except NotImplementedError:  # storages without a moving window
        return FixedWindowRateLimiter(storage)


def _limiter(key: str, uri: str) -> RateLimiter:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    limiter = app.extensions.get(key)
    if limiter is None:
        limiter = app.extensions[key] = _make_limiter(uri)
    return limiter


def _with_storage(call: Callable[[RateLimiter], T]) -> T:
    """Run ``call`` against the shared storage, or this process's memory when it is down."""
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or "memory://"
    try:
        return call(_limiter(_EXTENSION_KEY, uri))
    except Exception:  # the storage (Redis) is unreachable: count here rather than fail
        if uri.startswith("memory://"):
            raise
        log.exception("login limit storage unavailable; counting in memory")
        return call(_limiter(_FALLBACK_KEY, "memory://"))


def _limits(ip: str, username: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    config = current_app.config
    prefix = str(config.get("RATELIMIT_KEY_PREFIX") or "hublet")
    ip_limit = parse(config.get("MODERATION_LOGIN_IP_LIMIT", DEFAULT_IP_LIMIT))
    user_limit = parse(config.get("MODERATION_LOGIN_USERNAME_LIMIT", DEFAULT_USERNAME_LIMIT))
    return [
        (ip_limit, (prefix, NAMESPACE, "ip", ip or "unknown")),
        (user_limit, (prefix, NAMESPACE, "user", username or "-")),
    ]


def seconds_until_allowed(ip: str, username: str) -> int:
    """0 when a login attempt may go ahead, else how many seconds to wait."""

    def check(limiter: RateLimiter) -> int:
        wait = 0
        now = time.time()
        for limit, key in _limits(ip, username):
            if not limiter.test(limit, *key):
                reset_at = limiter.get_window_stats(limit, *key).reset_time
                wait = max(wait, math.ceil(reset_at - now), 1)
        return wait

    return _with_storage(check)


def record_failed_login(ip: str, username: str) -> None:
    """Count one failed attempt against the IP and against the username."""

    def hit(limiter: RateLimiter) -> None:
        for limit, key in _limits(ip, username):
            limiter.hit(limit, *key)

    _with_storage(hit)
