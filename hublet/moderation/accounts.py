"""Accounts (authors, editors, moderators, admins): password policy and hashing, roles, and the
changes the CLI makes.

Hashes meet the OWASP ASVS 5 floor: PBKDF2-HMAC-SHA256 with 600,000 iterations (Werkzeug's
default scrypt uses N=2^15, below the 2^17 ASVS asks for scrypt).
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from hublet.database import writing
from hublet.extensions import db
from hublet.models import ACCOUNT_ROLES, Account, Moderator

PASSWORD_METHOD = "pbkdf2:sha256:600000"
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{2,63}$")

# The passwords every guessing list starts with (ASVS 5 asks for a check against common ones;
# the length floor already rules out most of the famous short ones).
COMMON_PASSWORDS = frozenset(
    {
        "123456789012", "1234567890123", "12345678901234", "123456789abc", "qwertyuiopas",
        "qwertyuiop123", "password1234", "password12345", "passwordpassword", "1q2w3e4r5t6y",
        "iloveyou1234", "letmein12345", "welcome12345", "administrator", "changeme1234",
        "aaaaaaaaaaaa", "abcdefghijkl", "abc123abc123", "trustno1trustno1", "moderator123",
        "qwerty123456", "111111111111", "000000000000", "asdfghjklzxc", "football1234",
    }
)  # fmt: skip
_DUMMY_HASH = generate_password_hash("not-a-real-password-used-for-timing", method=PASSWORD_METHOD)


class AccountError(Exception):
    """A change to an account that cannot be made; the message says why, for people."""


def normalize_username(username: str) -> str:
    """Usernames are compared without case and surrounding space."""
    return (username or "").strip().lower()


def check_username(username: str) -> str:
    """The normalized username, or AccountError when it is not a valid one."""
    name = normalize_username(username)
    if not USERNAME_PATTERN.match(name):
        raise AccountError(
            "A username is 3 to 64 characters: letters, digits, '.', '_' or '-', "
            "starting with a letter or digit."
        )
    return name


def check_password_strength(password: str, username: str = "") -> None:
    """Raise AccountError when the password is too weak to use."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(
            f"The password is too long: use at most {MAX_PASSWORD_LENGTH} characters."
        )
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 4:
        raise AccountError("The password is too common or too simple; choose another one.")
    if username and normalize_username(username) in lowered:
        raise AccountError("The password must not contain the username.")


def hash_password(password: str) -> str:
    """A salted hash of the password that meets ASVS 5."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


def find_moderator(username: str) -> Moderator | None:
    """The moderator with this username (any case), active or not."""
    name = normalize_username(username)
    if not name:
        return None
    return db.session.scalar(select(Moderator).where(func.lower(Moderator.username) == name))


def authenticate(username: str, password: str) -> Moderator | None:
    """The active moderator these credentials belong to, or None.

    Unknown users cost the same hash check as known ones, so timing tells nothing.
    """
    moderator = find_moderator(username)
    if moderator is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(moderator.password_hash, password):
        return None
    if not moderator.is_active:
        return None
    return moderator


def check_new_username(username: str, noun: str = "moderator") -> str:
    """The normalized username if a new account may take it, else AccountError."""
    name = check_username(username)
    if find_moderator(name) is not None:
        article = "An" if noun[0] in "aeiou" else "A"
        raise AccountError(f"{article} {noun} named {name!r} already exists.")
    return name


def check_role(role: str) -> str:
    """The role, lowercased, or AccountError when there is no such role."""
    name = (role or "").strip().lower()
    if name not in ACCOUNT_ROLES:
        raise AccountError(f"There is no role {name!r}: use one of {', '.join(ACCOUNT_ROLES)}.")
    return name


def generate_password() -> str:
    """A random password that passes the policy (about 128 bits), for a person to change."""
    while True:
        password = secrets.token_urlsafe(16)
        try:
            check_password_strength(password)
        except AccountError:
            continue
        return password


def create_account(username: str, password: str, role: str) -> Account:
    """Add an active account with this role; AccountError for a taken name, an unknown role or
    a weak password."""
    role = check_role(role)
    name = check_new_username(username, "moderator" if role == "moderator" else "account")
    check_password_strength(password, name)
    account = Account(
        username=name, password_hash=hash_password(password), is_active=True, role=role
    )
    with writing():
        db.session.add(account)
        db.session.commit()
    return account


def create_moderator(username: str, password: str) -> Moderator:
    """Add an active moderator; AccountError for a taken name or a weak password."""
    return create_account(username, password, "moderator")


def set_password(username: str, password: str) -> Moderator:
    """Give the moderator a new password and end every session they have."""
    moderator = existing_moderator(username)
    check_password_strength(password, moderator.username)
    with writing():
        moderator.password_hash = hash_password(password)
        moderator.session_version = (moderator.session_version or 0) + 1
        db.session.commit()
    return moderator


def deactivate_moderator(username: str) -> Moderator:
    """Stop the moderator from logging in and end every session they have."""
    moderator = existing_moderator(username)
    if not moderator.is_active:
        raise AccountError(f"The moderator {moderator.username!r} is already deactivated.")
    with writing():
        moderator.is_active = False
        moderator.session_version = (moderator.session_version or 0) + 1
        db.session.commit()
    return moderator


def list_moderators() -> list[Moderator]:
    """Every moderator, by username."""
    return list(db.session.scalars(select(Moderator).order_by(Moderator.username)))


def existing_moderator(username: str) -> Moderator:
    """The moderator with this username, or AccountError."""
    moderator = find_moderator(username)
    if moderator is None:
        raise AccountError(f"There is no moderator named {normalize_username(username)!r}.")
    return moderator
