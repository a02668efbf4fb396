"""Limits on failed logins that an attacker cannot turn against the moderators.

Only failures count, and a refused attempt is answered before the password is checked:

- per client address (5 a minute): a hard block, for that address only;
- per username and address (10 an hour): a hard block, for that pair only;
- per username from everywhere (past 20 an hour): never a block. Each browser that has no
  device cookie for that username waits before its next try, a delay that doubles with each
  further failure up to ``MODERATION_LOGIN_MAX_DELAY`` (60 s); its clock is its own, so other
  addresses' failures cannot keep it waiting longer than that;
- a browser that logged in as that username before carries a signed device cookie (OWASP
  "device cookies", :mod:`hublet.moderation.auth`): it skips the three checks above and has a
  counter of its own (10 failures an hour), past which it is treated as a new browser.

Blocks and slow-downs, and their end, go to the ``hublet.security`` logger and the audit log.
The counters live in the rate-limit storage (``RATELIMIT_STORAGE_URI``): memory for one
process, Redis when ``REDIS_URL`` is set, so that every process and host shares them. When
Redis cannot be reached the counting goes on in this process's memory (logged), so that the
limits still hold per process and logins do not fail with a 500.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from flask import current_app
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter, RateLimiter
from sqlalchemy import select

from hublet.extensions import db
from hublet.models import AuditEntry, Moderator

NAMESPACE = "moderation-login"
DEFAULT_IP_LIMIT = "5/minute"
DEFAULT_PAIR_LIMIT = "10/hour"
DEFAULT_USERNAME_LIMIT = "20/hour"
DEFAULT_DEVICE_LIMIT = "10/hour"
DEFAULT_MAX_DELAY = 60
# After its wait, a slowed browser keeps its turn this long.
TURN_SECONDS = 10 * 60
# A block's or slow-down's end is noticed at the next attempt; the marker outlives the window.
MARKER_SECONDS = 24 * 60 * 60
_EXTENSION_KEY = "hublet-moderation-login-limiter"
_FALLBACK_KEY = "hublet-moderation-login-fallback"

log = logging.getLogger("hublet.security")
T = TypeVar("T")


@dataclass(frozen=True)
class Verdict:
    """Whether a login attempt may go ahead: ``wait`` seconds (0: go ahead) and why not."""

    wait: int = 0
    reason: str = ""  # "address", "username and address", "slowed"


def _make_limiter(uri: str) -> RateLimiter:
    storage = cast(Storage, storage_from_string(uri))  # a synchronous storage for this URI
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


def _setting(name: str, default: str) -> RateLimitItem:
    return parse(str(current_app.config.get(name) or default))


def _key(*parts: str) -> tuple[str, ...]:
    prefix = str(current_app.config.get("RATELIMIT_KEY_PREFIX") or "hublet")
    return (prefix, NAMESPACE, *parts)


def _flat(*parts: str) -> str:
    return "/".join(_key(*parts))


class _Counters:
    """The four counters of one attempt, on one limiter."""

    def __init__(self, limiter: RateLimiter, ip: str, username: str, device: str | None):
        self.limiter = limiter
        self.storage: Storage = limiter.storage
        self.ip = ip or "unknown"
        self.username = username or "-"
        self.device = device
        self.ip_limit = (
            _setting("MODERATION_LOGIN_IP_LIMIT", DEFAULT_IP_LIMIT),
            _key("ip", self.ip),
        )
        self.pair_limit = (
            _setting("MODERATION_LOGIN_PAIR_LIMIT", DEFAULT_PAIR_LIMIT),
            _key("pair", self.username, self.ip),
        )
        user = _setting("MODERATION_LOGIN_USERNAME_LIMIT", DEFAULT_USERNAME_LIMIT)
        self.user_threshold = user.amount
        # Counted far past the threshold: the delay grows with every failure beyond it.
        self.user_count = (
            type(user)(user.amount * 50, user.multiples, user.namespace),
            _key("user", self.username),
        )
        self.device_limit = (
            _setting("MODERATION_LOGIN_DEVICE_LIMIT", DEFAULT_DEVICE_LIMIT),
            _key("device", device or "-"),
        )

    def blocked_for(self, limit: tuple[RateLimitItem, tuple[str, ...]]) -> int:
        item, key = limit
        if self.limiter.test(item, *key):
            return 0
        reset_at = self.limiter.get_window_stats(item, *key).reset_time
        return max(math.ceil(reset_at - time.time()), 1)

    def user_failures(self) -> int:
        item, key = self.user_count
        return item.amount - self.limiter.get_window_stats(item, *key).remaining

    def delay(self, failures: int) -> int:
        """0 below the threshold, then 2, 4, 8 ... seconds, at most the configured maximum."""
        if failures < self.user_threshold:
            return 0
        most = int(current_app.config.get("MODERATION_LOGIN_MAX_DELAY", DEFAULT_MAX_DELAY))
        return min(most, 2 ** min(failures - self.user_threshold + 1, 16))

    def trusted(self) -> bool:
        return self.device is not None and self.blocked_for(self.device_limit) == 0

    # -- a slowed browser's own clock: its wait, then its turn --

    def _turn_keys(self) -> tuple[str, str]:
        return _flat("wait", self.username, self.ip), _flat("turn", self.username, self.ip)

    def take_turn(self, delay: int) -> int:
        """Seconds this browser still waits (a first attempt starts its clock), 0 at its turn."""
        wait_key, turn_key = self._turn_keys()
        if self.storage.get(turn_key):
            if self.storage.get(wait_key):
                return max(math.ceil(self.storage.get_expiry(wait_key) - time.time()), 1)
            return 0
        self.storage.incr(wait_key, delay)
        self.storage.incr(turn_key, delay + TURN_SECONDS)
        return delay

    def end_turn(self) -> None:
        for key in self._turn_keys():
            self.storage.clear(key)

    # -- markers that let the end of a block be logged --

    def marked(self, what: str) -> bool:
        return bool(self.storage.get(_flat("marker", what, self.username, self.ip)))

    def mark(self, what: str, on: bool) -> None:
        key = _flat("marker", what, self.username, self.ip)
        if on:
            self.storage.incr(key, MARKER_SECONDS)
        else:
            self.storage.clear(key)


def check_login(ip: str, username: str, device: str | None = None) -> Verdict:
    """May this login attempt go ahead? ``device`` is the id of a valid device cookie that
    names ``username`` (see :func:`hublet.moderation.auth.device_for`), else None."""

    def check(limiter: RateLimiter) -> tuple[Verdict, list[tuple[str, str]]]:
        counters = _Counters(limiter, ip, username, device)
        if counters.trusted():
            return Verdict(), []
        events = _lifted(counters)
        wait = counters.blocked_for(counters.ip_limit)
        if wait:
            return Verdict(wait, "address"), events
        wait = counters.blocked_for(counters.pair_limit)
        if wait:
            return Verdict(wait, "username and address"), events
        delay = counters.delay(counters.user_failures())
        if delay:
            wait = counters.take_turn(delay)
            if wait:
                return Verdict(wait, "slowed"), events
        return Verdict(), events

    verdict, events = _with_storage(check)
    _announce(username, ip, events)
    return verdict


def _lifted(counters: _Counters) -> list[tuple[str, str]]:
    """The blocks and slow-downs of this username (and pair) that have ended since."""
    events = []
    if counters.marked("pair") and not counters.blocked_for(counters.pair_limit):
        counters.mark("pair", False)
        events.append(("login-unblocked", f"logins from {counters.ip} may try again"))
    failures = counters.user_failures()
    slowed = counters.storage.get(_flat("marker", "user", counters.username))
    if slowed and failures < counters.user_threshold:
        counters.storage.clear(_flat("marker", "user", counters.username))
        events.append(("login-unslowed", "fewer failed logins now: new browsers wait no more"))
    return events


def record_failed_login(ip: str, username: str, device: str | None = None) -> None:
    """Count one failed attempt: against the device when it is trusted, else against the
    address, the username and address, and the username."""

    def hit(limiter: RateLimiter) -> list[tuple[str, str]]:
        counters = _Counters(limiter, ip, username, device)
        if counters.trusted():
            limiter.hit(*_args(counters.device_limit))
            if counters.blocked_for(counters.device_limit):
                return [("login-device-blocked", "a trusted browser failed too often")]
            return []
        counters.end_turn()  # a slowed browser waits again before its next try
        events = []
        limiter.hit(*_args(counters.ip_limit))
        limiter.hit(*_args(counters.pair_limit))
        if counters.blocked_for(counters.pair_limit) and not counters.marked("pair"):
            counters.mark("pair", True)
            events.append(("login-blocked", f"too many failed logins from {counters.ip}"))
        limiter.hit(*_args(counters.user_count))
        failures = counters.user_failures()
        user_marker = _flat("marker", "user", counters.username)
        if failures >= counters.user_threshold and not counters.storage.get(user_marker):
            counters.storage.incr(user_marker, MARKER_SECONDS)
            events.append(
                ("login-slowed", f"{failures} failed logins: new browsers now wait between tries")
            )
        return events

    _announce(username, ip, _with_storage(hit))


def record_successful_login(ip: str, username: str, device: str | None = None) -> None:
    """A right password: this browser's own counters start again (the username's do not,
    or an attacker would get fresh tries each time the moderator logs in)."""

    def clear(limiter: RateLimiter) -> None:
        counters = _Counters(limiter, ip, username, device)
        counters.end_turn()
        for item, key in (counters.pair_limit, counters.device_limit):
            limiter.clear(item, *key)

    _with_storage(clear)


def _args(limit: tuple[RateLimitItem, tuple[str, ...]]) -> tuple:
    item, key = limit
    return (item, *key)


def _announce(username: str, ip: str, events: list[tuple[str, str]]) -> None:
    """Each block, slow-down and end of one: a warning on ``hublet.security`` and an audit
    entry (in a transaction of its own; the attempt itself writes nothing)."""
    if not events:
        return
    moderator_id = db.session.scalar(select(Moderator.id).where(Moderator.username == username))
    for action, detail in events:
        log.warning("moderation %s client=%s username=%r: %s", action, ip, username, detail)
        db.session.add(
            AuditEntry(
                moderator_id=moderator_id,
                moderator_name=(username or "-")[:64],
                action=action,
                item_type="login",
                item_id=moderator_id,
                detail=detail,
            )
        )
    db.session.commit()
