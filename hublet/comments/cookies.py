"""The reader's comment cookies, signed with the app's secret key.

- ``OWN_COMMENTS_COOKIE``: ids of the comments this browser posted, so that a held comment
  shows to its author (and nobody else) as "awaiting moderation", also after a reload.
- ``COMMENTER_COOKIE``: name, email and website, when the reader ticked "Save my name...",
  to pre-fill the form next time.

Their names live in ``hublet.config``, which also lists them as ``PER_READER_COOKIES``.
"""

from __future__ import annotations

from flask import Request, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response  # any response, a redirect included

from hublet.config import COMMENTER_COOKIE, OWN_COMMENTS_COOKIE

OWN_MAX_IDS = 30
OWN_MAX_AGE = 60 * 60 * 24 * 30  # a month: long enough for a moderator to decide
DETAILS_MAX_AGE = 60 * 60 * 24 * 365


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"hublet.comments.{purpose}")


def _read(name: str, purpose: str, req: Request | None = None) -> object:
    raw = (req or request).cookies.get(name)
    if not raw:
        return None
    try:
        return _serializer(purpose).loads(raw)
    except BadSignature:
        return None


def _set(response: Response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("HTTPS")) or request.is_secure,
    )


def own_comment_ids() -> list[int]:
    """The ids of comments this browser posted (newest last); empty when absent or forged."""
    value = _read(OWN_COMMENTS_COOKIE, "own")
    if not isinstance(value, list):
        return []
    return [i for i in value if isinstance(i, int) and not isinstance(i, bool)]


def remember_own_comment(response: Response, comment_id: int) -> None:
    """Add a comment id to the reader's list (keeping the newest few)."""
    ids = [i for i in own_comment_ids() if i != comment_id] + [comment_id]
    _set(response, OWN_COMMENTS_COOKIE, _serializer("own").dumps(ids[-OWN_MAX_IDS:]), OWN_MAX_AGE)


def saved_details() -> dict[str, str]:
    """Name, email and website saved by "Save my name...", or an empty dict."""
    value = _read(COMMENTER_COOKIE, "details")
    if not isinstance(value, dict):
        return {}
    return {k: value[k] for k in ("name", "email", "website") if isinstance(value.get(k), str)}


def save_details(response: Response, name: str, email: str, website: str) -> None:
    """Remember the commenter's details for the next comment."""
    value = _serializer("details").dumps({"name": name, "email": email, "website": website})
    _set(response, COMMENTER_COOKIE, value, DETAILS_MAX_AGE)


def forget_details(response: Response) -> None:
    """Unticked "Save my name...": forget what was saved (as WordPress does)."""
    if request.cookies.get(COMMENTER_COOKIE):
        response.delete_cookie(COMMENTER_COOKIE, path="/", httponly=True, samesite="Lax")
