"""Accounts in the browser, for admins: invite someone, change a role, deactivate, reactivate.

An invited account is created at once with a random password nobody knows; the admin is
shown an invite link once. The link is signed with the app's secret key (salt
``account-invite``), expires after :data:`INVITE_DAYS` days, and is bound to the account's
password hash and session version: setting the password changes both, so the link works
once, and any later change (a new invite, a deactivation, ``flask set-password``) voids it.

Every change goes into the audit log in the same transaction. Nothing here lets the site lose
its last admin: an admin cannot deactivate themselves or change their own role, and the last
active admin cannot be deactivated or given another role.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from hublet.database import rows_changed
from hublet.extensions import db
from hublet.models import Account
from hublet.moderation import accounts
from hublet.moderation.accounts import AccountError
from hublet.moderation.services import record

INVITE_SALT = "account-invite"
INVITE_DAYS = 7
#: The longest invite token read at all (a real one is about 120 characters).
MAX_TOKEN_LENGTH = 400


class InviteError(Exception):
    """The invite link cannot be used: forged, expired, used, or its account changed since."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=INVITE_SALT)  # type: ignore[arg-type]


def _fingerprint(account: Account) -> str:
    """What the link is bound to: the account's password hash and session version, hashed
    (the token is readable by anyone holding it; the hash itself stays in the database)."""
    material = f"{account.password_hash}|{account.session_version}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def invite_token(account: Account) -> str:
    """A signed token that lets the account's person set its password, once."""
    return str(_serializer().dumps({"a": account.id, "f": _fingerprint(account)}))


def account_for_invite(token: str) -> Account | None:
    """The active account this token invites, or None when the link is not good (any more)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    try:
        data = _serializer().loads(token, max_age=INVITE_DAYS * 86400)
    except BadSignature:  # also an expired one
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    account = db.session.get(Account, data["a"])
    if account is None or not account.is_active:
        return None
    if not hmac.compare_digest(str(data.get("f", "")), _fingerprint(account)):
        return None
    return account


def accept_invite(token: str, password: str, repeat: str) -> Account:
    """Give the invited account this password (the link is used up); InviteError when the
    link is not good, AccountError when the password breaks the rules (nothing is stored)."""
    account = account_for_invite(token)
    if account is None:
        raise InviteError("This invite link is not valid any more.")
    if password != repeat:
        raise AccountError("The two passwords do not match.")
    accounts.check_password_strength(password, account.username)
    # Conditional on the state the link is bound to: two tabs sending the form at once set
    # one password, and the other is told the link was used.
    changed = rows_changed(
        update(Account)
        .where(
            Account.id == account.id,
            Account.password_hash == account.password_hash,
            Account.session_version == account.session_version,
        )
        .values(
            password_hash=accounts.hash_password(password),
            session_version=Account.session_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if changed != 1:
        db.session.rollback()
        raise InviteError("This invite link is not valid any more.")
    record(account, "invite-accepted", "account", account.id, account.username)
    db.session.commit()
    db.session.refresh(account)
    return account


def all_accounts() -> list[Account]:
    """Every account, by username."""
    return list(db.session.scalars(select(Account).order_by(Account.username)))


def account(account_id: int) -> Account | None:
    """One account by id."""
    return db.session.get(Account, account_id)


def invite(admin: Account, username: str, role: str) -> tuple[Account, str]:
    """Create an active account with this role and no password anyone knows; returns it with
    its invite token. AccountError for a bad or taken username or an unknown role."""
    role = accounts.check_role(role)
    name = accounts.check_new_username(username, "account")
    new = Account(
        username=name,
        password_hash=accounts.hash_password(secrets.token_urlsafe(32)),
        is_active=True,
        role=role,
        session_version=1,
    )
    db.session.add(new)
    try:
        db.session.flush()
    except IntegrityError:  # taken by someone else between the check and the insert
        db.session.rollback()
        raise AccountError(f"An account named {name!r} already exists.") from None
    record(admin, "account-invited", "account", new.id, f"{name} as {role}")
    db.session.commit()
    return new, invite_token(new)


def reinvite(admin: Account, target: Account) -> str:
    """A new invite link for an account whose person lost theirs (or never used it): every
    older link and every session of the account end (its session version moves on)."""
    if target.id == admin.id:
        raise AccountError("You cannot send yourself an invite link: change your password.")
    if not target.is_active:
        raise AccountError(f"{target.username!r} is deactivated: reactivate them first.")
    target.session_version = (target.session_version or 0) + 1
    record(admin, "account-reinvited", "account", target.id, target.username)
    db.session.commit()
    return invite_token(target)


def _keep_an_admin(target: Account) -> None:
    """AccountError when ``target`` is the last active admin (its rows locked on PostgreSQL
    until the commit, so that two admins cannot each remove the other)."""
    active_admin = (Account.role == "admin", Account.is_active.is_(True))
    admins = db.session.scalars(select(Account.id).where(*active_admin).with_for_update()).all()
    if target.role == "admin" and target.is_active and len(admins) <= 1:
        raise AccountError(f"{target.username!r} is the last admin: make another admin first.")


def set_role(admin: Account, target: Account, role: str) -> bool:
    """Give ``target`` another role; False when it already has it (nothing to do)."""
    role = accounts.check_role(role)
    if target.id == admin.id:
        raise AccountError("You cannot change your own role: ask another admin.")
    if target.role == role:
        return False
    if role != "admin":
        _keep_an_admin(target)
    old = target.role
    target.role = role
    record(admin, "role-changed", "account", target.id, f"{target.username}: {old} -> {role}")
    db.session.commit()
    return True


def deactivate(admin: Account, target: Account) -> None:
    """Stop ``target`` from logging in; every session it has ends (its version moves on)."""
    if target.id == admin.id:
        raise AccountError("You cannot deactivate your own account: ask another admin.")
    if not target.is_active:
        raise AccountError(f"{target.username!r} is already deactivated.")
    _keep_an_admin(target)
    target.is_active = False
    target.session_version = (target.session_version or 0) + 1
    record(admin, "account-deactivated", "account", target.id, target.username)
    db.session.commit()


def reactivate(admin: Account, target: Account) -> None:
    """Let ``target`` log in again (with the password it had)."""
    if target.is_active:
        raise AccountError(f"{target.username!r} is already active.")
    target.is_active = True
    record(admin, "account-reactivated", "account", target.id, target.username)
    db.session.commit()
