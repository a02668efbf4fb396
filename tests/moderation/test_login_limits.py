"""Login limits an attacker cannot turn against the moderators.

The attack: anyone who guesses the username ``mod`` sends 20+ wrong passwords from addresses of
their own. A plain per-username limit locked the moderator out from anywhere for an hour.
"""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import select

from hublet.extensions import db
from hublet.models import AuditEntry
from hublet.moderation.auth import DEVICE_COOKIE
from tests.builders import make_moderator
from tests.moderation.helpers import PASSWORD, log_in


class Clock:
    """``time.time`` for the app, the session and the limit counters, moved by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.now = time.time()
        monkeypatch.setattr("time.time", lambda: self.now)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    return Clock(monkeypatch)


@pytest.fixture
def site(app, monkeypatch):  # type: ignore[no-untyped-def]
    """The moderator ``mod``; passwords are checked without the 600,000 rounds (speed only)."""
    from hublet.moderation import accounts

    with app.app_context():
        make_moderator("mod", PASSWORD)
    monkeypatch.setattr(
        accounts, "check_password_hash", lambda _hash, password: password == PASSWORD
    )


def browser(app, address: str):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attack(app, failures: int = 25, clock: Clock | None = None, first: int = 1) -> None:
    """Wrong passwords for ``mod``, each from an address of the attacker's own.

    Past 20 failures a new address has to wait before its try: with ``clock`` the attacker
    waits it out (the failures go on growing), without it the tries are simply refused.
    """
    for n in range(first, first + failures):
        attacker = browser(app, f"203.0.113.{n}")
        response = log_in(attacker, "mod", "wrong password!")
        if response.status_code == 429 and clock is not None:
            clock.advance(int(response.headers["Retry-After"]))
            response = log_in(attacker, "mod", "wrong password!")
        assert response.status_code in (422, 429) if clock is None else (422,)


def audit(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    with app.app_context():
        rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(row.action, row.detail) for row in rows if row.item_type == "login"]


def test_a_browser_that_logged_in_before_gets_in_at_once_during_the_attack(app, site, clock):
    moderator = browser(app, "198.51.100.7")
    assert log_in(moderator).status_code == 303
    moderator.post("/moderation/logout", data={"csrf_token": _token(moderator)})
    attack(app)
    # Even from another address (a phone on a new network), the device cookie vouches.
    moderator.environ_base["REMOTE_ADDR"] = "192.0.2.44"
    response = log_in(moderator)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert moderator.get("/moderation/").status_code == 200


def test_a_new_browser_waits_a_little_and_is_never_blocked(app, site, clock):
    attack(app, 30, clock)
    newcomer = browser(app, "192.0.2.10")
    first = log_in(newcomer)
    assert first.status_code == 429
    wait = int(first.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert f"try again in {wait} second" in first.get_data(as_text=True)
    # The attack goes on while the moderator waits: it cannot push the wait further.
    attack(app, 10, first=100)
    clock.advance(wait)
    assert log_in(newcomer).status_code == 303


def test_the_wait_grows_with_the_failures_up_to_a_minute(app, site, clock):
    waits = []
    for round_ in range(6):
        attack(app, 20 if round_ == 0 else 1, clock, first=1 + 20 * round_)
        first = log_in(browser(app, f"192.0.2.{100 + round_}"))
        assert first.status_code == 429
        waits.append(int(first.headers["Retry-After"]))
    assert waits == [2, 4, 8, 16, 32, 60], waits


def test_the_attacker_address_is_still_blocked_for_that_username(app, site, clock):
    attacker = browser(app, "203.0.113.99")
    for _ in range(2):  # 5 a minute per address, 10 an hour per username and address
        for _ in range(5):
            assert log_in(attacker, "mod", "wrong password!").status_code == 422
        clock.advance(61)
    blocked = log_in(attacker, "mod", PASSWORD)  # even the right password: no check at all
    assert blocked.status_code == 429
    assert 60 < int(blocked.headers["Retry-After"]) <= 3600
    assert "Too many failed logins" in blocked.get_data(as_text=True)
    # The block is the pair's: the same address may try another username ...
    assert log_in(attacker, "someone", "wrong password!").status_code == 422
    # ... and the moderator from elsewhere gets in at once (ten failures do not slow anyone).
    assert log_in(browser(app, "198.51.100.8")).status_code == 303


def test_a_trusted_browser_has_a_limit_of_its_own(app, site, clock):
    moderator = browser(app, "198.51.100.7")
    assert log_in(moderator).status_code == 303
    moderator.post("/moderation/logout", data={"csrf_token": _token(moderator)})
    for n in range(10):
        moderator.environ_base["REMOTE_ADDR"] = f"198.51.100.{20 + n}"  # no address limit helps
        assert log_in(moderator, "mod", "wrong password!").status_code == 422
    # Past it, the cookie vouches no more: the browser counts as new (address and pair limits).
    for _ in range(5):
        assert log_in(moderator, "mod", "wrong password!").status_code == 422
    assert log_in(moderator).status_code == 429


def test_the_device_cookie_is_signed_long_lived_and_kept_from_scripts(app, site, clock):
    moderator = browser(app, "198.51.100.7")
    response = log_in(moderator)
    (cookie,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE)]
    attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"httponly", "max-age", "path"} <= attributes
    assert "SameSite=Lax" in cookie and "Path=/moderation/login" in cookie
    max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
    assert max_age >= 90 * 86400


def test_the_device_cookie_is_secure_under_https(app, app_config, monkeypatch):
    from hublet import create_app

    # ``app`` first: on PostgreSQL it empties the tables an earlier test filled.
    from hublet.moderation import accounts

    app_config["HTTPS"] = True
    application = create_app(app_config)
    with application.app_context():
        make_moderator("mod", PASSWORD)
    monkeypatch.setattr(
        accounts, "check_password_hash", lambda _hash, password: password == PASSWORD
    )
    client = application.test_client()
    token = _login_token(client, base="https://localhost")
    response = client.post(
        "https://localhost/moderation/login",
        data={"username": "mod", "password": PASSWORD, "csrf_token": token},
        headers={"Referer": "https://localhost/moderation/login"},  # Flask-WTF checks it on HTTPS
    )
    assert response.status_code == 303
    (cookie,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(DEVICE_COOKIE)]
    assert "Secure" in cookie
    with application.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("kind", ["forged", "another user's", "tampered"])
def test_a_cookie_that_is_not_a_real_one_vouches_for_nothing(app, site, clock, kind):
    make = app.test_client()
    with app.app_context():
        make_moderator("other", PASSWORD)
    who = "other" if kind == "another user's" else "mod"
    assert log_in(make, who).status_code == 303
    value = make.get_cookie(DEVICE_COOKIE, path="/moderation/login").value
    if kind == "forged":
        value = "eyJ1IjoibW9kIiwiZCI6Inh4eCJ9.forged.signature"
    elif kind == "tampered":
        value = value[:-2] + ("AA" if not value.endswith("AA") else "BB")
    attack(app)
    newcomer = browser(app, "192.0.2.10")
    newcomer.set_cookie(DEVICE_COOKIE, value, path="/moderation/login")
    assert log_in(newcomer).status_code == 429


def test_slowing_and_its_end_are_logged_and_audited(app, site, clock, caplog):
    caplog.set_level(logging.WARNING, logger="hublet.security")
    attack(app, 20)
    assert [action for action, _detail in audit(app)] == ["login-slowed"]
    messages = [r.getMessage() for r in caplog.records if r.name == "hublet.security"]
    assert any("login-slowed" in m and "username='mod'" in m for m in messages)
    # Hours later the failures have aged out: the next attempt notes the end.
    clock.advance(2 * 3600)
    assert log_in(browser(app, "192.0.2.77")).status_code == 303
    assert [action for action, _detail in audit(app)] == ["login-slowed", "login-unslowed"]
    assert any("login-unslowed" in r.getMessage() for r in caplog.records)


def test_a_pair_block_and_its_end_are_audited(app, site, clock, caplog):
    caplog.set_level(logging.WARNING, logger="hublet.security")
    attacker = browser(app, "203.0.113.99")
    for _ in range(2):
        for _ in range(5):
            log_in(attacker, "mod", "wrong password!")
        clock.advance(61)
    assert log_in(attacker, "mod", PASSWORD).status_code == 429
    entries = audit(app)
    assert ("login-blocked", "too many failed logins from 203.0.113.99") in entries
    clock.advance(3601)
    assert log_in(attacker, "mod", PASSWORD).status_code == 303
    assert ("login-unblocked", "logins from 203.0.113.99 may try again") in audit(app)
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "login-blocked client=203.0.113.99" in messages
    assert "login-unblocked client=203.0.113.99" in messages


def _login_token(client, base: str = "") -> str:  # type: ignore[no-untyped-def]
    from tests.conftest import csrf_token_in

    return csrf_token_in(client.get(f"{base}/moderation/login").get_data(as_text=True))


def _token(client) -> str:  # type: ignore[no-untyped-def]
    from tests.conftest import csrf_token

    return csrf_token(client, "/moderation/")
