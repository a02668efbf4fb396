"""Accounts in the browser, for admins: the list, invites (a one-time link where the invitee
chooses a password), role changes, deactivation (sessions end) and reactivation; every change
in the audit log; bad input told and nothing stored."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from hublet.extensions import db
from hublet.models import Account, AuditEntry
from hublet.moderation import invites
from tests.conftest import csrf_token
from tests.newsroom.helpers import PASSWORD, log_in

NEW_PASSWORD = "a long and quiet harbour"


def row(app: Flask, username: str) -> Account | None:
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.username == username))
        if account is not None:
            db.session.expunge(account)
        return account


def account_id(app: Flask, username: str) -> int:
    account = row(app, username)
    assert account is not None
    return account.id


def audit(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEntry.moderator_name, AuditEntry.action, AuditEntry.detail)
            .where(AuditEntry.item_type == "account")
            .order_by(AuditEntry.id)
        )
        return [tuple(r) for r in rows]


def count_accounts(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Account)) or 0


def admin_client(app: Flask) -> tuple[FlaskClient, str]:
    client = app.test_client()
    assert log_in(client, "admin").status_code == 303
    return client, csrf_token(client, "/newsroom/accounts", form=True)


def invite_link(client: FlaskClient, token: str, username: str, role: str) -> str:
    response = client.post(
        "/newsroom/accounts/invite",
        data={"username": username, "role": role, "csrf_token": token},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    html = response.get_data(as_text=True)
    match = re.search(r'id="invite-link"[^>]*value="([^"]+)"', html)
    assert match, "no invite link on the page"
    return unescape(match.group(1))


def test_the_list_shows_every_account_with_role_state_and_last_login(app, people):
    client, _token = admin_client(app)
    html = client.get("/newsroom/accounts").get_data(as_text=True)
    for name in ("admin", "author", "editor", "moderator", "other"):
        assert f'<th scope="row">{name}' in html
    assert '<th scope="row">admin (you)</th>' in html
    assert "Never" in html  # the others have not logged in
    assert re.search(r"<time datetime=\"[^\"]+\">", html)  # the admin's own last login
    assert '<a href="/newsroom/accounts" aria-current="page">Accounts</a>' in html


def test_an_invitee_sets_a_password_once_and_logs_in(app, people):
    admin, token = admin_client(app)
    link = invite_link(admin, token, "New.Reporter", "author")
    assert link.startswith("http://localhost/newsroom/invite/")
    created = row(app, "new.reporter")
    assert created is not None and created.role == "author" and created.is_active
    assert not check_password_hash(created.password_hash, "")  # nobody knows its password
    assert audit(app) == [("admin", "account-invited", "new.reporter as author")]

    invitee = app.test_client()
    path = link.removeprefix("http://localhost")
    page = invitee.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "your username is <strong>new.reporter</strong>" in html
    assert page.headers["Cache-Control"] == "no-store"

    form_token = csrf_token(invitee, path, form=True)
    mismatch = {
        "password": NEW_PASSWORD,
        "repeat": "something else entirely",
        "csrf_token": form_token,
    }
    response = invitee.post(path, data=mismatch)
    assert response.status_code == 422
    assert "The two passwords do not match." in response.get_data(as_text=True)
    weak = {"password": "short", "repeat": "short", "csrf_token": form_token}
    response = invitee.post(path, data=weak)
    assert response.status_code == 422 and "too short" in response.get_data(as_text=True)
    with_name = {
        "password": "new.reporter-1234",
        "repeat": "new.reporter-1234",
        "csrf_token": form_token,
    }
    assert "must not contain the username" in invitee.post(path, data=with_name).get_data(
        as_text=True
    )
    assert row(app, "new.reporter").password_hash == created.password_hash  # nothing stored

    good = {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD, "csrf_token": form_token}
    response = invitee.post(path, data=good)
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "Your password is set" in invitee.get("/login").get_data(as_text=True)
    assert check_password_hash(row(app, "new.reporter").password_hash, NEW_PASSWORD)

    # The link worked once.
    again = invitee.get(path)
    assert again.status_code == 404
    assert "it was used already, has expired" in again.get_data(as_text=True)
    assert invitee.post(path, data=good).status_code == 404

    login_token = csrf_token(invitee, "/login")
    response = invitee.post(
        "/login",
        data={"username": "new.reporter", "password": NEW_PASSWORD, "csrf_token": login_token},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/newsroom/"
    assert invitee.get("/newsroom/").status_code == 200


def test_a_link_is_refused_when_forged_expired_or_its_account_changed(app, people, monkeypatch):
    admin, token = admin_client(app)
    path = invite_link(admin, token, "late", "editor").removeprefix("http://localhost")
    anyone = app.test_client()
    assert anyone.get(path + "x").status_code == 404
    assert anyone.get("/newsroom/invite/" + "a" * 500).status_code == 404

    # Eight days later the link has expired.
    real_loads = invites.URLSafeTimedSerializer.loads

    def later(self, s, max_age=None, **kwargs):  # type: ignore[no-untyped-def]
        return real_loads(self, s, max_age=-1 if max_age else None, **kwargs)

    monkeypatch.setattr(invites.URLSafeTimedSerializer, "loads", later)
    assert anyone.get(path).status_code == 404
    monkeypatch.undo()
    assert anyone.get(path).status_code == 200

    # Deactivated (its session version moves on): the link dies, and stays dead after.
    late = account_id(app, "late")
    admin.post(f"/newsroom/accounts/{late}/deactivate", data={"csrf_token": token})
    assert anyone.get(path).status_code == 404
    admin.post(f"/newsroom/accounts/{late}/reactivate", data={"csrf_token": token})
    assert anyone.get(path).status_code == 404


@pytest.mark.parametrize(
    "username, role, message",
    [
        ("", "author", "Please give the new account a username."),
        ("a", "author", "A username is 3 to 64 characters"),
        ("has space", "author", "A username is 3 to 64 characters"),
        ("EDITOR", "author", "An account named &#39;editor&#39; already exists."),
        ("fresh", "owner", "Please choose a role from the list."),
    ],
)
def test_a_bad_invite_is_told_and_stores_nothing(app, people, username, role, message):
    admin, token = admin_client(app)
    before = count_accounts(app)
    response = admin.post(
        "/newsroom/accounts/invite", data={"username": username, "role": role, "csrf_token": token}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nobody was invited" in html and message in html
    assert 'id="invite-link"' not in html
    assert count_accounts(app) == before and audit(app) == []


def test_deactivation_ends_sessions_and_reactivation_lets_them_back(app, people):
    admin, token = admin_client(app)
    editor = app.test_client()
    assert log_in(editor, "editor").status_code == 303
    assert editor.get("/newsroom/").status_code == 200

    editor_id = account_id(app, "editor")
    response = admin.post(f"/newsroom/accounts/{editor_id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 303
    listing = admin.get("/newsroom/accounts").get_data(as_text=True)
    assert "editor is deactivated: their sessions have ended." in listing
    assert not row(app, "editor").is_active
    response = editor.get("/newsroom/")
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")
    assert log_in(editor, "editor").status_code == 422

    response = admin.post(f"/newsroom/accounts/{editor_id}/reactivate", data={"csrf_token": token})
    assert response.status_code == 303
    assert log_in(editor, "editor").status_code == 303
    assert audit(app) == [
        ("admin", "account-deactivated", "editor"),
        ("admin", "account-reactivated", "editor"),
    ]


def test_a_role_change_takes_effect_at_once_and_is_audited(app, people):
    admin, token = admin_client(app)
    author = app.test_client()
    assert log_in(author, "author").status_code == 303
    assert author.get("/newsroom/pages").status_code == 403

    author_id = account_id(app, "author")
    response = admin.post(
        f"/newsroom/accounts/{author_id}/role", data={"role": "editor", "csrf_token": token}
    )
    assert response.status_code == 303
    assert "author is now editor." in admin.get("/newsroom/accounts").get_data(as_text=True)
    assert author.get("/newsroom/pages").status_code == 200
    assert audit(app) == [("admin", "role-changed", "author: author -> editor")]


def test_an_admin_cannot_lock_the_site_out(app, people):
    admin, token = admin_client(app)
    me = account_id(app, "admin")
    for path, data in (
        (f"/newsroom/accounts/{me}/deactivate", {}),
        (f"/newsroom/accounts/{me}/role", {"role": "author"}),
    ):
        response = admin.post(path, data={**data, "csrf_token": token})
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "your own" in html and "Nothing was changed." in html
    # With a second admin, the first cannot be the one who removes the last of them either.
    second = account_id(app, "editor")
    admin.post(f"/newsroom/accounts/{second}/role", data={"role": "admin", "csrf_token": token})
    with app.app_context():
        other = db.session.get(Account, second)
        me_row = db.session.get(Account, me)
        me_row.role = "author"  # as if demoted meanwhile by the other admin
        db.session.commit()
        with pytest.raises(invites.AccountError, match="last admin"):
            invites.deactivate(me_row, other)
        with pytest.raises(invites.AccountError, match="last admin"):
            invites.set_role(me_row, other, "editor")
    still = row(app, "editor")
    assert still.role == "admin" and still.is_active
    assert [entry[1] for entry in audit(app)] == ["role-changed"]


def test_bad_changes_are_told_and_store_nothing(app, people):
    admin, token = admin_client(app)
    author_id = account_id(app, "author")
    response = admin.post(
        f"/newsroom/accounts/{author_id}/role", data={"role": "owner", "csrf_token": token}
    )
    assert response.status_code == 422
    assert "There is no role &#39;owner&#39;" in response.get_data(as_text=True)
    response = admin.post(f"/newsroom/accounts/{author_id}/reactivate", data={"csrf_token": token})
    assert response.status_code == 422
    assert "&#39;author&#39; is already active." in response.get_data(as_text=True)
    assert (
        admin.post("/newsroom/accounts/999/deactivate", data={"csrf_token": token}).status_code
        == 404
    )
    assert admin.post(f"/newsroom/accounts/{author_id}/deactivate", data={}).status_code == 400
    assert row(app, "author").role == "author" and row(app, "author").is_active
    assert audit(app) == []


@pytest.mark.parametrize("who", ["author", "editor", "moderator"])
def test_only_admins_manage_accounts(app, people, who):
    client = app.test_client()
    assert log_in(client, who).status_code == 303
    token = csrf_token(client, "/moderation/" if who == "moderator" else "/newsroom/new")
    assert client.get("/newsroom/accounts").status_code == 403
    author_id = account_id(app, "author")
    before = count_accounts(app)
    for path, data in (
        ("/newsroom/accounts/invite", {"username": "sneaky", "role": "admin"}),
        (f"/newsroom/accounts/{author_id}/role", {"role": "admin"}),
        (f"/newsroom/accounts/{author_id}/deactivate", {}),
    ):
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 403
    assert count_accounts(app) == before and row(app, "author").role == "author"
    assert row(app, "author").is_active and audit(app) == []
    if who != "moderator":
        assert "/newsroom/accounts" not in client.get("/newsroom/").get_data(as_text=True)
    anonymous = app.test_client()
    response = anonymous.get("/newsroom/accounts")
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")
    assert PASSWORD  # the helpers' password logs the roles in above


def test_a_new_invite_link_replaces_the_old_one(app, people):
    admin, token = admin_client(app)
    old = invite_link(admin, token, "lost", "author").removeprefix("http://localhost")
    lost = account_id(app, "lost")
    listing = admin.get("/newsroom/accounts").get_data(as_text=True)
    assert 'aria-label="New invite link for lost"' in listing
    assert 'aria-label="New invite link for admin"' not in listing  # never for oneself

    response = admin.post(f"/newsroom/accounts/{lost}/invite", data={"csrf_token": token})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "A new invite link for lost" in html and "Their older links no longer work." in html
    new = unescape(re.search(r'id="invite-link"[^>]*value="([^"]+)"', html).group(1))
    anyone = app.test_client()
    assert anyone.get(old).status_code == 404
    assert anyone.get(new.removeprefix("http://localhost")).status_code == 200
    assert audit(app)[-1] == ("admin", "account-reinvited", "lost")

    me = account_id(app, "admin")
    response = admin.post(f"/newsroom/accounts/{me}/invite", data={"csrf_token": token})
    assert response.status_code == 422
    assert "You cannot send yourself an invite link" in response.get_data(as_text=True)
    admin.post(f"/newsroom/accounts/{lost}/deactivate", data={"csrf_token": token})
    response = admin.post(f"/newsroom/accounts/{lost}/invite", data={"csrf_token": token})
    assert response.status_code == 422 and "reactivate them first" in response.get_data(
        as_text=True
    )
    assert [entry[1] for entry in audit(app)].count("account-reinvited") == 1
