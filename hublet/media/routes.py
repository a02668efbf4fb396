"""``/newsroom/media``: the library's pictures, searched and filtered, where each is used,
the form that uploads more, a picture's own page (its text, its uses, its deletion), and the
story editor's picker.

For writers only (authors, editors, admins: ``auth.require_role``), private like the rest of
the newsroom (``no-store``, ``noindex``). Writers upload and describe the pictures they
uploaded; editors and admins describe any picture and delete those no story uses. Each file is
checked on its own: the page says what was stored and why anything was refused (422 when
something was), and a refused file stores nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from hublet.extensions import db
from hublet.htmx import add_vary, is_partial_request
from hublet.layout import render_error, render_page
from hublet.media import library
from hublet.media.forms import PictureForm, read_pick, read_picture_filter
from hublet.media.library import FORMAT_NAMES, add_picture, max_upload_bytes
from hublet.media.processing import Refused
from hublet.media.usage import uses_of, uses_of_one
from hublet.models import Account, Picture
from hublet.moderation import auth
from hublet.newsroom import roles
from hublet.paging import requested_cursor

bp = Blueprint("media", __name__)

#: Files one upload request may carry.
MAX_FILES = 10
#: Pictures the story editor's picker lists at a time.
PICKER_PER_PAGE = 12

writers = auth.require_role(*roles.WRITERS)


@dataclass(frozen=True)
class Outcome:
    """What became of one uploaded file."""

    name: str
    stored: bool
    message: str
    picture_id: int | None = None


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


def _account() -> Account:
    account = auth.current_account()
    assert account is not None  # require_role let the request in
    return account


def may_describe(account: Account, picture: Picture) -> bool:
    """Editors and admins describe any picture; a writer the pictures they uploaded."""
    return roles.is_publisher(account) or picture.uploader_id == account.id


def may_delete(account: Account) -> bool:
    """Only editors and admins delete pictures (and only unused ones)."""
    return roles.is_publisher(account)


def _listing(pick: str | None = None) -> dict[str, Any]:
    """The library's pictures as the query string asks, and what the page shows beside them."""
    filters = read_picture_filter(request.args)
    chunk = library.picture_chunk(filters, requested_cursor("after", blank_is_start=True))
    query = {
        "q": filters.q or None,
        "uploader": filters.uploader_id,
        "format": filters.format or None,
        "unused": "1" if filters.unused else None,
        "pick": pick,
    }
    return {
        "filters": filters,
        "chunk": chunk,
        "uses": uses_of(chunk.items),
        "names": library.uploader_names(chunk.items),
        "uploaders": library.uploaders(),
        "formats": FORMAT_NAMES,
        "query": query,
        "pick": pick,
        "pick_url": _pick_url(pick),
    }


def _pick_url(pick: str | None) -> str | None:
    """Where "Use this picture" goes: the story editor the library was opened from."""
    if pick is None:
        return None
    if pick == "new":
        return url_for("newsroom.new")
    return url_for("newsroom.edit", article_id=int(pick))


def _library_page(status: int = 200, outcomes: list[Outcome] | None = None) -> Response:
    pick = read_pick(request.values)
    context = _listing(pick)
    return render_page(
        "media/library.html",
        "media/_grid.html",
        status=status,
        with_chrome=False,
        outcomes=outcomes or [],
        limit_mb=_mb(),
        **context,
    )


@bp.get("/", endpoint="library")
@writers
def library_page() -> Response:
    """The pictures, searched and filtered, a page at a time; htmx asks for the grid alone."""
    return _library_page()


@bp.post("/")
@writers
def upload() -> Response:
    """Store each uploaded file that is a picture; say what happened to every one."""
    account = _account()
    alt, caption, credit = (request.form.get(k, "").strip() for k in ("alt", "caption", "credit"))
    outcomes = _store_files(request.files.getlist("files"), account, alt, caption, credit)
    status = 200 if all(o.stored for o in outcomes) else 422
    if is_partial_request():  # static/js/media.js sent it, with a progress bar
        pick = read_pick(request.form)
        response = render_template(
            "media/_upload_done.html", outcomes=outcomes, **_listing_after_upload(pick)
        )
        return add_vary(Response(response, status, mimetype="text/html"))
    return _library_page(status, outcomes)


def _listing_after_upload(pick: str | None) -> dict[str, Any]:
    """The newest pictures (the ones just stored first), whatever was being searched."""
    chunk = library.picture_chunk(library.PictureFilter(), None)
    return {
        "chunk": chunk,
        "uses": uses_of(chunk.items),
        "names": library.uploader_names(chunk.items),
        "filters": library.PictureFilter(),
        "query": {"pick": pick},
        "pick": pick,
        "pick_url": _pick_url(pick),
    }


def _store_files(
    files: list[Any], account: Account, alt: str, caption: str, credit: str
) -> list[Outcome]:
    """Check and store each file on its own; one committed picture per good file."""
    files = [f for f in files if f.filename or f.content_length]
    outcomes: list[Outcome] = []
    if not files:
        outcomes.append(Outcome("", False, "Choose one or more pictures to upload."))
    for upload_file in files[:MAX_FILES]:
        name = upload_file.filename or "file"
        try:
            data = upload_file.read(max_upload_bytes() + 1)
            added = add_picture(
                data,
                alt=alt[: library.ALT_MAX],
                caption=caption[: library.CAPTION_MAX],
                credit=credit[: library.CREDIT_MAX],
                uploader_id=account.id,
            )
            db.session.commit()
        except Refused as error:
            db.session.rollback()
            outcomes.append(Outcome(name, False, str(error)))
            continue
        what = "stored" if added.created else "already in the library"
        outcomes.append(Outcome(name, True, what, added.picture.id))
    for skipped in files[MAX_FILES:]:
        outcomes.append(Outcome(skipped.filename or "file", False, f"over {MAX_FILES} files"))
    return outcomes


def _picture_or_404(picture_id: int) -> Picture:
    picture = library.get_picture(picture_id)
    if picture is None:
        abort(404)
    return picture


def _picture_page(
    picture: Picture, form: PictureForm, status: int = 200, refusal: str = ""
) -> Response:
    account = _account()
    return render_page(
        "media/picture.html",
        status=status,
        with_chrome=False,
        picture=picture,
        form=form,
        uses=uses_of_one(picture),
        uploader=library.uploader_names([picture]).get(picture.uploader_id or 0),
        may_describe=may_describe(account, picture),
        may_delete=may_delete(account),
        refusal=refusal,
    )


@bp.route("/<int:picture_id>", methods=["GET", "POST"])
@writers
def picture(picture_id: int) -> Response:
    """One picture: its files, where it is used, its text to change, and its deletion."""
    picture = _picture_or_404(picture_id)
    form = PictureForm()
    if request.method == "GET":
        form.alt.data, form.caption.data, form.credit.data = (
            picture.alt,
            picture.caption,
            picture.credit,
        )
        return _picture_page(picture, form)
    if not may_describe(_account(), picture):
        return render_error(
            403, "Only its uploader or an editor may change this picture. Nothing was changed."
        )
    if not form.validate():
        return _picture_page(picture, form, status=422)
    library.describe_picture(
        picture,
        alt=form.alt.data or "",
        caption=form.caption.data or "",
        credit=form.credit.data or "",
    )
    db.session.commit()
    flash("Saved the picture's text.", "success")
    return redirect(url_for("media.picture", picture_id=picture.id), code=303)


@bp.post("/<int:picture_id>/delete")
@writers
def delete(picture_id: int) -> Response:
    """Delete a picture no story uses (editors and admins); a used one stays, and says where."""
    account = _account()
    if not may_delete(account):
        return render_error(403, "Only editors delete pictures. Nothing was deleted.")
    picture = _picture_or_404(picture_id)
    try:
        library.delete_picture(account, picture)
    except library.InUse as in_use:
        db.session.rollback()
        count = len(in_use.uses)
        refusal = (
            f"Not deleted: {count} {'story uses' if count == 1 else 'stories use'} this picture. "
            "Choose another picture in them first."
        )
        form = PictureForm(formdata=None, obj=picture)
        return _picture_page(picture, form, status=409, refusal=refusal)
    db.session.commit()
    flash(f"Deleted picture #{picture_id}.", "success")
    return redirect(url_for("media.library"), code=303)


# --- The story editor's picker (htmx fragments; static/js/media.js) --------------------------


@bp.get("/picker")
@writers
def picker() -> Response:
    """The editor's picker: a search box and the newest pictures. Without htmx, the library
    in picker mode."""
    if not is_partial_request():
        return redirect(url_for("media.library", pick="new"), code=303)
    return _fragment("media/_picker.html", **_picker_results())


@bp.get("/picker/results")
@writers
def picker_results() -> Response:
    """The picker's pictures matching its search box."""
    return _fragment("media/_picker_results.html", **_picker_results())


def _picker_results() -> dict[str, Any]:
    filters = read_picture_filter(request.args)
    after = requested_cursor("after", blank_is_start=True)
    chunk = library.picture_chunk(filters, after, per_page=PICKER_PER_PAGE)
    return {"filters": filters, "chunk": chunk, "more": after is not None}


@bp.get("/choice/<int:picture_id>")
@writers
def choice(picture_id: int) -> Response:
    """The editor's chosen-picture box for one picture (its thumbnail, the ticked field)."""
    return _fragment("media/_hero_chosen.html", hero_choice=_picture_or_404(picture_id))


@bp.post("/hero-upload")
@writers
def hero_upload() -> Response:
    """One picture uploaded from the story editor; answers with the chosen-picture box (422
    with the reason, and nothing stored, when the file is refused)."""
    account = _account()
    fields = ("hero_alt", "hero_caption", "hero_credit")
    alt, caption, credit = (request.form.get(k, "").strip() for k in fields)
    outcome = _store_files(request.files.getlist("file")[:1], account, alt, caption, credit)[0]
    if not outcome.stored or outcome.picture_id is None:
        message = f"{outcome.name}: refused, {outcome.message}" if outcome.name else outcome.message
        return _fragment(
            "media/_hero_chosen.html", status=422, hero_choice=None, upload_error=message
        )
    picture = library.get_picture(outcome.picture_id)
    return _fragment("media/_hero_chosen.html", hero_choice=picture, uploaded=outcome)


def _fragment(template: str, status: int = 200, **context: Any) -> Response:
    return add_vary(Response(render_template(template, **context), status, mimetype="text/html"))


def _mb() -> str:
    return f"{max_upload_bytes() / (1024 * 1024):g} MB"
