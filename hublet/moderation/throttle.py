"""Limits on failed logins: per client IP (5 a minute) and per username (20 an hour).

The counters live in the rate-limit storage (``RATELIMIT_STORAGE_URI``): memory for one
process, Redis when ``REDIS_URL`` is set, so that every process and host shares them.
Only failures count; a blocked attempt is refused before the password is even checked.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
)

NAMESPACE = "hublet-moderation-login"
DEFAULT_IP_LIMIT = "5/minute"
DEFAULT_USERNAME_LIMIT = "20/hour"


def _rate_limiter() -> RateLimiter:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    limiter = app.extensions.get(NAMESPACE)
    if limiter is None:
        storage: Storage = storage_from_string(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
        try:
            limiter = MovingWindowRateLimiter(storage)
        except NotImplementedError:  # storages without a moving window
            limiter = FixedWindowRateLimiter(storage)
        app.extensions[NAMESPACE] = limiter
    return limiter


def _limits(ip: str, username: str) -> list[tuple[RateLimitItem, tuple[str, ...]]]:
    config = current_app.config
    ip_limit = parse(config.get("MODERATION_LOGIN_IP_LIMIT", DEFAULT_IP_LIMIT))
    user_limit = parse(config.get("MODERATION_LOGIN_USERNAME_LIMIT", DEFAULT_USERNAME_LIMIT))
    return [(ip_limit, ("ip", ip or "unknown")), (user_limit, ("user", username or "-"))]


def seconds_until_allowed(ip: str, username: str) -> int:
    """0 when a login attempt may go ahead, else how many seconds to wait."""
    limiter = _rate_limiter()
    wait = 0
    now = time.time()
    for limit, key in _limits(ip, username):
        if not limiter.test(limit, NAMESPACE, *key):
            reset_at = limiter.get_window_stats(limit, NAMESPACE, *key).reset_time
            wait = max(wait, math.ceil(reset_at - now), 1)
    return wait


def record_failed_login(ip: str, username: str) -> None:
    """Count one failed attempt against the IP and against the username."""
    limiter = _rate_limiter()
    for limit, key in _limits(ip, username):
        limiter.hit(limit, NAMESPACE, *key)
