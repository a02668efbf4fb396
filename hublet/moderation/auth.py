"""Who is logged in (any account: author, editor, moderator, admin), and the doors the
moderation and newsroom routes go through: a login, then a role (:func:`require_role`).

The session cookie holds the moderator's id, their session version and two timestamps. The
version is checked against the database on every request: logout, a password change and
deactivation bump it, so every cookie minted before (a copied one included) stops working.
Sessions end after 30 minutes idle or 12 hours in all, whatever the cookie says.

A browser that logged in carries a device cookie as well (OWASP "device cookies"): signed with
the secret key, it names the username and a random id, lives for months, is sent to the login
page only, and lets that browser past the login limits that other addresses' failures set
(:mod:`hublet.moderation.throttle`). It logs no one in by itself.
"""

from __future__ import annotations

import functools
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import unquote, urlsplit

from flask import Blueprint, current_app, g, make_response, redirect, request, session, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response  # what views return: redirect() makes this base class

from hublet.extensions import db
from hublet.htmx import is_htmx_request
from hublet.layout import render_error
from hublet.models import Account, Moderator

View = TypeVar("View", bound=Callable[..., Any])

IDLE_SECONDS = 30 * 60
ABSOLUTE_SECONDS = 12 * 60 * 60
# The idle clock in the cookie is refreshed at most this often (not a new cookie per request).
SEEN_REFRESH_SECONDS = 30

PUBLIC_ENDPOINTS = frozenset({"moderation.login", "login"})
#: Moderation routes any logged-in account may use, whatever its role.
ANY_ROLE_ENDPOINTS = frozenset({"moderation.logout"})
#: Who may use the moderation page (admins may use everything).
MODERATION_ROLES = ("moderator", "editor", "admin")

_ID, _VERSION, _LOGIN_AT, _SEEN_AT = "mod_id", "mod_version", "mod_login_at", "mod_seen_at"

DEVICE_COOKIE = "hublet_device"
DEVICE_COOKIE_DAYS = 180
_DEVICE_SALT = "hublet.moderation.device-cookie"


def start_session(moderator: Moderator) -> None:
    """A brand-new session for this moderator: nothing from before the login survives."""
    session.clear()
    g.pop("csrf_token", None)  # Flask-WTF caches the old session's token for this request
    now = int(time.time())
    session[_ID] = moderator.id
    session[_VERSION] = moderator.session_version
    session[_LOGIN_AT] = now
    session[_SEEN_AT] = now
    g.moderator = moderator


def end_session() -> None:
    """Forget the login in this browser (the server side is the session version)."""
    session.clear()
    g.moderator = None


def _limits() -> tuple[int, int]:
    config = current_app.config
    return (
        int(config.get("MODERATION_IDLE_SECONDS", IDLE_SECONDS)),
        int(config.get("MODERATION_ABSOLUTE_SECONDS", ABSOLUTE_SECONDS)),
    )


def current_moderator() -> Moderator | None:
    """The moderator this request's session belongs to, if it is still valid."""
    if "moderator" in g:
        return g.moderator
    g.moderator = None
    moderator_id = session.get(_ID)
    if moderator_id is None:
        return None
    idle, absolute = _limits()
    now = time.time()
    login_at = _number(session.get(_LOGIN_AT))
    seen_at = _number(session.get(_SEEN_AT))
    if now - login_at > absolute or now - seen_at > idle:
        session.clear()
        return None
    moderator = db.session.get(Moderator, moderator_id) if isinstance(moderator_id, int) else None
    if (
        moderator is None
        or not moderator.is_active
        or moderator.session_version != session.get(_VERSION)
    ):
        session.clear()
        return None
    if now - seen_at >= SEEN_REFRESH_SECONDS:
        session[_SEEN_AT] = int(now)
    g.moderator = moderator
    return moderator


#: The account of this request's session, whatever its role.
current_account = current_moderator


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def safe_next(value: str | None, default: str) -> str:
    """``value`` when it is a path on this site, else ``default``.

    Refuses ``//host``, ``/\\host`` (browsers read it as ``//host``), absolute URLs,
    ``javascript:`` and the like, and anything with spaces or control characters.
    """
    if not value or not isinstance(value, str) or len(value) > 2000:
        return default
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return default
    # Encoded tricks in the path (``/%2F/host``, ``/%5Chost``, ``/%0a``) are refused as well.
    path = unquote(parts.path)
    if path.startswith("//") or "\\" in path or any(ord(ch) < 32 or ord(ch) == 127 for ch in path):
        return default
    return value


def _this_page() -> str:
    """Where to come back after logging in: this page, or for htmx the page it came from."""
    if is_htmx_request():
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc and current.netloc != request.host:
            return ""
        path = current.path + (f"?{current.query}" if current.query else "")
        return safe_next(path, "")
    return request.full_path.rstrip("?")


def refuse(login_endpoint: str = "moderation.login") -> Response:
    """The answer to a request without a valid login; nothing has been done."""
    next_path = _this_page() if request.method in ("GET", "HEAD") or is_htmx_request() else ""
    login_url = url_for(login_endpoint, next=next_path or None)
    if is_htmx_request():
        response = make_response("", 401)
        response.headers["HX-Redirect"] = login_url
        return response
    if request.method in ("GET", "HEAD"):
        return redirect(login_url, code=303)
    return render_error(401, "Please log in as a moderator first. Nothing was changed.")


def has_role(account: Account | None, roles: tuple[str, ...]) -> bool:
    """True when the account may do what ``roles`` may (an admin may do everything)."""
    return account is not None and (account.role in roles or account.role == "admin")


def check_role(roles: tuple[str, ...], login_endpoint: str = "login") -> Response | None:
    """None when this request's account has one of ``roles``; else the refusal: the login
    (303, or 401 for htmx and posts) without a session, 403 with one. Nothing is done."""
    account = current_account()
    if account is None:
        return refuse(login_endpoint)
    if not has_role(account, roles):
        return render_error(403, "Your account cannot do that. Nothing was changed.")
    return None


def require_role(*roles: str, login_endpoint: str = "login") -> Callable[[View], View]:
    """Decorate a view (a page or a fragment) so that only these roles get in (admins too)."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def checked(*args: Any, **kwargs: Any) -> Any:
            refusal = check_role(roles, login_endpoint)
            return refusal if refusal is not None else view(*args, **kwargs)

        return cast(View, checked)

    return decorate


def keep_private(response: Response) -> Response:
    """Staff pages are for the people who log in: never indexed, never cached."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "no-store"
    return response


def forget_account() -> None:
    """Never trust an account left in ``g`` from another request: each one checks afresh."""
    g.pop("moderator", None)


def staff_desk(blueprint: Blueprint) -> None:
    """Make ``blueprint`` a desk people log in to (moderation, the newsroom, the media library):
    each request checks its account afresh, and no page is indexed or kept by any cache."""
    blueprint.before_request(forget_account)
    blueprint.after_request(keep_private)


def guard() -> Response | None:
    """``before_request`` of the moderation blueprint: moderators, editors and admins get in;
    every other logged-in account may only log out."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.endpoint in ANY_ROLE_ENDPOINTS:
        return None if current_account() is not None else refuse()
    return check_role(MODERATION_ROLES, login_endpoint="moderation.login")


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=_DEVICE_SALT)  # type: ignore[arg-type]


def _device_days() -> int:
    return int(current_app.config.get("MODERATION_DEVICE_COOKIE_DAYS", DEVICE_COOKIE_DAYS))


def device_for(username: str) -> str | None:
    """The id of this browser's device cookie when it is valid and names ``username``."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value or len(value) > 400:
        return None
    try:
        data = _device_serializer().loads(value, max_age=_device_days() * 86400)
    except BadSignature:  # also an expired one
        return None
    if not isinstance(data, dict) or data.get("u") != username or not data.get("d"):
        return None
    return str(data["d"])[:64]


def remember_device(response: Response, username: str) -> None:
    """Give this browser a new device cookie for ``username`` (after a good password)."""
    value = _device_serializer().dumps({"u": username, "d": secrets.token_urlsafe(16)})
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=_device_days() * 86400,
        path=request.path,  # the login page it was set on (/login or /moderation/login)
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
