"""Who may use the moderation routes: login, sessions, CSRF, ``next``, limits, logout."""

from __future__ import annotations

import time

import pytest
from flask import Flask
from sqlalchemy import func, select

from hublet.extensions import db
from hublet.models import Article, AuditEntry, Comment, ContactMessage, ModerationSetting, Moderator
from hublet.moderation.auth import safe_next
from tests.builders import make_article, make_comment, make_moderator
from tests.conftest import csrf_token
from tests.moderation.helpers import PASSWORD, log_in, token

GET_ROUTES = [
    "/moderation/",
    "/moderation/?status=spam",
    "/moderation/settings",
    "/moderation/messages",
    "/moderation/messages/1",
    "/moderation/articles",
    "/moderation/audit",
]
POST_ROUTES = [
    ("/moderation/logout", {}),
    ("/moderation/comments/1/approve", {}),
    ("/moderation/comments/1/delete", {}),
    ("/moderation/comments/bulk", {"action": "spam", "ids": "1"}),
    ("/moderation/settings", {"links_threshold": "9", "disallowed_keywords": "viagra"}),
    ("/moderation/messages/1/handled", {"value": "on"}),
    ("/moderation/messages/1/delete", {}),
    ("/moderation/articles/1/featured", {"value": "on"}),
    ("/moderation/articles/1/hot", {"value": "on"}),
]


@pytest.fixture
def site(app: Flask) -> None:
    """A moderator, an article (id 1) with a pending comment (id 1), a contact message (id 1)."""
    with app.app_context():
        make_moderator("mod")
        article = make_article("Quiet news")
        make_comment(article, text="Waiting for a moderator.")
        db.session.add(
            ContactMessage(name="Ann", email="ann@example.com", subject="Hi", message="Hello there")
        )
        db.session.commit()


def snapshot(app: Flask) -> tuple:
    """Everything a moderation route could change."""
    with app.app_context():
        comment = db.session.get(Comment, 1)
        article = db.session.get(Article, 1)
        message = db.session.get(ContactMessage, 1)
        moderator = db.session.scalar(select(Moderator))
        return (
            comment and comment.status,
            (article.is_featured, article.is_hot, article.comment_count),
            message and message.handled,
            db.session.scalar(select(func.count()).select_from(ModerationSetting)),
            db.session.scalar(select(func.count()).select_from(AuditEntry)),
            (moderator.session_version, moderator.last_login_at),
        )


def test_every_moderation_route_is_covered_here(app: Flask):
    rules = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("moderation.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {("/moderation/login", "GET"), ("/moderation/login", "POST")}
    adapter = app.url_map.bind("localhost")
    for path in GET_ROUTES:
        rule, _ = adapter.match(path.split("?")[0], method="GET", return_rule=True)
        covered.add((rule.rule, "GET"))
    for path, _ in POST_ROUTES:
        rule, _ = adapter.match(path, method="POST", return_rule=True)
        covered.add((rule.rule, "POST"))
    assert rules == covered


@pytest.mark.parametrize("path", GET_ROUTES)
def test_a_page_without_login_redirects_to_the_login(client, app, site, path):
    before = snapshot(app)
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/moderation/login?next=")
    assert snapshot(app) == before
    follow = client.get(response.headers["Location"])
    assert follow.status_code == 200 and "Moderator login" in follow.get_data(as_text=True)


@pytest.mark.parametrize("path", GET_ROUTES)
def test_an_htmx_request_without_login_gets_hx_redirect(client, site, path):
    response = client.get(
        path,
        headers={
            "HX-Request": "true",
            "HX-Request-Type": "partial",
            "HX-Current-URL": "http://localhost/moderation/?status=trash",
        },
    )
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/moderation/login?next=/moderation/?status%3Dtrash"


@pytest.mark.parametrize("path, data", POST_ROUTES)
def test_a_post_without_login_is_refused_and_changes_nothing(client, app, site, path, data):
    before = snapshot(app)
    csrf = csrf_token(client, "/moderation/login")  # a real token, just no login
    response = client.post(path, data={"csrf_token": csrf, **data})
    assert response.status_code == 401
    assert "Please log in as a moderator first" in response.get_data(as_text=True)
    assert snapshot(app) == before


@pytest.mark.parametrize("path, data", POST_ROUTES)
def test_an_htmx_post_without_login_gets_hx_redirect(client, app, site, path, data):
    before = snapshot(app)
    csrf = csrf_token(client, "/moderation/login")
    response = client.post(path, data=data, headers={"HX-Request": "true", "X-CSRFToken": csrf})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/moderation/login")
    assert snapshot(app) == before


@pytest.mark.parametrize("path, data", POST_ROUTES)
def test_a_post_without_csrf_is_refused_even_logged_in(client, app, site, path, data):
    assert log_in(client).status_code == 303
    before = snapshot(app)
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert snapshot(app) == before
    wrong = client.post(path, data={"csrf_token": "forged", **data})
    assert wrong.status_code == 400
    assert snapshot(app) == before


@pytest.mark.parametrize("path, _data", POST_ROUTES)
def test_a_get_on_an_action_changes_nothing(client, app, site, path, _data):
    log_in(client)
    before = snapshot(app)
    assert client.get(path).status_code in (200, 405)
    assert snapshot(app) == before


def test_pages_change_nothing_and_are_private(client, app, site):
    log_in(client)
    before = snapshot(app)
    for path in GET_ROUTES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["X-Robots-Tag"] == "noindex, nofollow"
        assert response.headers["Cache-Control"] == "no-store"
        assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)
    assert snapshot(app) == before
    login_page = client.get("/moderation/login")
    assert login_page.headers["X-Robots-Tag"] == "noindex, nofollow"


# --- Login ------------------------------------------------------------------------------------


def test_login_success_goes_to_the_page_and_records_the_login(client, app, site):
    response = log_in(client, "MOD")  # usernames ignore case
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderation/"
    assert client.get("/moderation/").status_code == 200
    with app.app_context():
        moderator = db.session.scalar(select(Moderator))
        assert moderator.last_login_at is not None
        entry = db.session.scalar(select(AuditEntry))
        assert (entry.moderator_name, entry.action) == ("mod", "login")


@pytest.mark.parametrize(
    "username, password",
    [("nobody", PASSWORD), ("mod", "wrong password!"), ("", ""), ("mod", "")],
)
def test_a_failed_login_has_one_message_for_every_reason(client, site, username, password):
    response = log_in(client, username, password)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    if username and password:
        assert "Incorrect username or password." in html
    else:
        assert "Please enter your" in html
    assert client.get("/moderation/").status_code == 303


def test_unknown_user_and_wrong_password_answer_alike(client, site):
    unknown = log_in(client, "nobody", PASSWORD).get_data(as_text=True)
    wrong = log_in(client, "mod", "wrong password!").get_data(as_text=True)

    def message(html: str) -> str:
        return html.split('role="alert">')[1].split("<")[0]

    assert message(unknown) == message(wrong) == "Incorrect username or password."


def test_a_deactivated_moderator_cannot_log_in_and_their_session_ends(client, app, runner, site):
    log_in(client)
    assert client.get("/moderation/").status_code == 200
    assert runner.invoke(args=["deactivate-moderator", "mod"]).exit_code == 0
    assert client.get("/moderation/").status_code == 303
    assert log_in(client).status_code == 422


def test_a_new_password_ends_the_old_sessions(client, app, runner, site):
    log_in(client)
    result = runner.invoke(
        args=["set-password", "mod", "--password-stdin"], input="another long secret\n"
    )
    assert result.exit_code == 0, result.output
    assert client.get("/moderation/").status_code == 303
    assert log_in(client, password="another long secret").status_code == 303


def test_login_starts_a_new_session(client, site):
    with client.session_transaction() as session:
        session["planted_by_attacker"] = "x"
    before = csrf_token(client, "/moderation/login")
    log_in(client)
    with client.session_transaction() as session:
        assert "planted_by_attacker" not in session
        assert "mod_id" in session
    after = token(client)
    assert after != before


def test_a_logged_in_moderator_skips_the_login_form(client, site):
    log_in(client)
    response = client.get("/moderation/login?next=/moderation/audit")
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderation/audit"


# --- next -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "next_value",
    [
        "//evil.example",
        "//evil.example/moderation/",
        "https://evil.example",
        "https://evil.example/moderation/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "/%0a/evil.example",
        "/\t/evil.example",
        "/ /evil.example",
        "http:/evil.example",
        "evil.example",
        "",
    ],
)
def test_next_accepts_only_a_path_on_this_site(client, site, next_value):
    response = log_in(client, next=next_value)
    assert response.status_code == 303
    assert response.headers["Location"] == "/moderation/"


@pytest.mark.parametrize(
    "next_value", ["/moderation/settings", "/moderation/?status=spam&q=bob", "/article/x#c"]
)
def test_next_takes_you_back_to_a_local_page(client, site, next_value):
    response = log_in(client, next=next_value)
    assert response.headers["Location"] == next_value


def test_the_login_redirect_keeps_the_page_asked_for(client, site):
    response = client.get("/moderation/?status=spam&q=bob")
    assert (
        response.headers["Location"]
        == "/moderation/login?next=/moderation/?status%3Dspam%26q%3Dbob"
    )
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/moderation/?status=spam&amp;q=bob"' in login_page
    after = log_in(client, next="/moderation/?status=spam&q=bob")
    assert after.headers["Location"] == "/moderation/?status=spam&q=bob"


def test_safe_next_unit():
    assert safe_next("/ok", "/d") == "/ok"
    for bad in ("//x", "/\\x", "https://x", "javascript:x", "x", None, "/\x00x", "/" + "a" * 3000):
        assert safe_next(bad, "/d") == "/d"


# --- Failed-login limits ----------------------------------------------------------------------


def test_five_failures_a_minute_per_ip_then_429_with_retry_after(client, site):
    for _ in range(5):
        assert log_in(client, "mod", "wrong password!").status_code == 422
    blocked = log_in(client, "mod", PASSWORD)  # the right password waits too
    assert blocked.status_code == 429
    retry = int(blocked.headers["Retry-After"])
    assert 1 <= retry <= 60
    html = blocked.get_data(as_text=True)
    assert "Too many failed logins. Please wait" in html and "try again" in html
    assert client.get("/moderation/").status_code == 303  # not logged in
    # Another address is not blocked by this one's failures.
    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert log_in(other).status_code == 303


def test_failures_for_one_username_are_limited_across_addresses(client, site, monkeypatch):
    # 20 failures from other addresses used to lock the moderator out from anywhere for up to
    # an hour, which let anyone lock them out; now a new browser only waits a little.
    for n in range(20):
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        assert log_in(client, "mod", "wrong password!").status_code == 422
    client.environ_base["REMOTE_ADDR"] = "10.0.1.1"
    slowed = log_in(client, "MOD", PASSWORD)
    assert slowed.status_code == 429
    wait = int(slowed.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert "try again in" in slowed.get_data(as_text=True)
    # Another username from that address is fine.
    assert log_in(client, "other", PASSWORD).status_code == 422
    later = time.time() + wait + 1
    monkeypatch.setattr("time.time", lambda: later)
    assert log_in(client, "MOD", PASSWORD).status_code == 303


def test_successful_logins_are_not_counted(client, site):
    for _ in range(8):
        assert log_in(client).status_code == 303
        client.post("/moderation/logout", data={"csrf_token": token(client)})


# --- Session lifetime and logout --------------------------------------------------------------


def test_a_session_ends_after_thirty_idle_minutes(client, site, monkeypatch):
    log_in(client)
    start = time.time()
    monkeypatch.setattr("hublet.moderation.auth.time.time", lambda: start + 29 * 60)
    assert client.get("/moderation/").status_code == 200  # still fresh; the idle clock restarts
    monkeypatch.setattr("hublet.moderation.auth.time.time", lambda: start + 58 * 60)
    assert client.get("/moderation/").status_code == 200
    monkeypatch.setattr("hublet.moderation.auth.time.time", lambda: start + 89 * 60)
    assert client.get("/moderation/").status_code == 303


def test_a_session_ends_after_twelve_hours_even_when_busy(client, site, monkeypatch):
    log_in(client)
    start = time.time()
    now = start
    while now < start + 12 * 3600 - 20 * 60:
        now += 20 * 60
        monkeypatch.setattr("hublet.moderation.auth.time.time", lambda now=now: now)
        assert client.get("/moderation/audit").status_code == 200
    monkeypatch.setattr("hublet.moderation.auth.time.time", lambda: start + 12 * 3600 + 5)
    assert client.get("/moderation/audit").status_code == 303


def test_logout_ends_the_session_on_the_server_too(app, client, site):
    log_in(client)
    copied = client.get_cookie("session").value
    response = client.post("/moderation/logout", data={"csrf_token": token(client)})
    assert response.status_code == 303 and response.headers["Location"] == "/moderation/login"
    assert client.get("/moderation/").status_code == 303
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/moderation/").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(Moderator.session_version)) == 2
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert actions == ["login", "logout"]


def test_logging_out_elsewhere_ends_every_session_of_that_moderator(app, site):
    first, second = app.test_client(), app.test_client()
    log_in(first)
    log_in(second)
    first.post("/moderation/logout", data={"csrf_token": token(first)})
    assert second.get("/moderation/").status_code == 303


def test_a_tampered_cookie_is_not_a_login(app, client, site):
    log_in(client)
    value = client.get_cookie("session").value
    client.set_cookie("session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert client.get("/moderation/").status_code == 303
