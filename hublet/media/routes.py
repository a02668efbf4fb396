"""``/newsroom/media``: the library's pictures, newest first, and the form that uploads more.

For writers only (authors, editors, admins: ``auth.require_role``), private like the rest of
the newsroom (``no-store``, ``noindex``). Each file is checked on its own: the page says what
was stored and why anything was refused (422 when something was), and a refused file stores
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, g, request
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from hublet.extensions import db
from hublet.layout import render_page
from hublet.media.library import add_picture, max_upload_bytes
from hublet.media.processing import Refused
from hublet.models import Picture
from hublet.moderation import auth
from hublet.newsroom import roles

bp = Blueprint("media", __name__)

#: Files one upload request may carry.
MAX_FILES = 10
#: Pictures the library page lists.
LISTED = 60


@dataclass(frozen=True)
class Outcome:
    """What became of one uploaded file."""

    name: str
    stored: bool
    message: str


def allow_uploads() -> None:
    """An upload to the library may be larger than any other form (``MAX_CONTENT_LENGTH``).

    Installed ahead of every other ``before_request`` (:func:`hublet.media.init_app`): the CSRF
    check reads the body first, and would refuse it at the site-wide limit. Only for a
    writer's session: anyone else's large body is refused before it is read.
    """
    if request.blueprint != bp.name or request.method != "POST":
        return
    account = auth.current_account()  # from the session cookie: the body is not read yet
    if account is not None and auth.has_role(account, roles.WRITERS):
        request.max_content_length = MAX_FILES * max_upload_bytes() + 1024 * 1024
        # Werkzeug's multipart parser holds up to this much of the body at once, files too.
        request.max_form_memory_size = 1024 * 1024


auth.staff_desk(bp)


@bp.context_processor
def newsroom_values() -> dict:
    account = g.get("moderator")
    return {
        "moderator": account,
        "is_publisher": account is not None and roles.is_publisher(account),
    }


def _recent() -> list[Picture]:
    return list(
        db.session.scalars(
            select(Picture)
            .options(selectinload(Picture.variants))
            .order_by(Picture.created_at.desc(), Picture.id.desc())
            .limit(LISTED)
        )
    )


@bp.get("/")
@auth.require_role(*roles.WRITERS)
def library() -> Response:
    """The newest pictures, and the upload form."""
    return render_page(
        "media/library.html", with_chrome=False, pictures=_recent(), outcomes=[], limit_mb=_mb()
    )


@bp.post("/")
@auth.require_role(*roles.WRITERS)
def upload() -> Response:
    """Store each uploaded file that is a picture; say what happened to every one."""
    account = auth.current_account()
    files = [f for f in request.files.getlist("files") if f.filename or f.content_length]
    alt, caption, credit = (request.form.get(k, "").strip() for k in ("alt", "caption", "credit"))
    outcomes: list[Outcome] = []
    if not files:
        outcomes.append(Outcome("", False, "Choose one or more pictures to upload."))
    for upload_file in files[:MAX_FILES]:
        name = upload_file.filename or "file"
        try:
            data = upload_file.read(max_upload_bytes() + 1)
            added = add_picture(
                data,
                alt=alt[:300],
                caption=caption[:500],
                credit=credit[:200],
                uploader_id=account.id if account else None,
            )
            db.session.commit()
        except Refused as error:
            db.session.rollback()
            outcomes.append(Outcome(name, False, str(error)))
            continue
        what = "stored" if added.created else "already in the library"
        outcomes.append(Outcome(name, True, what))
    for skipped in files[MAX_FILES:]:
        outcomes.append(Outcome(skipped.filename or "file", False, f"over {MAX_FILES} files"))
    status = 200 if all(o.stored for o in outcomes) else 422
    return render_page(
        "media/library.html",
        status=status,
        with_chrome=False,
        pictures=_recent(),
        outcomes=outcomes,
        limit_mb=_mb(),
    )


def _mb() -> str:
    return f"{max_upload_bytes() / (1024 * 1024):g} MB"
