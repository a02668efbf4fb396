"""Newsroom views of the static pages (About Us, Privacy Policy, ...): the list and the editor.

Editors and admins only (``auth.require_role``). The editor is a plain form: Save stores it,
Preview shows the page as readers will see it and stores nothing; htmx posts the same form
as the writer types and swaps in the preview alone (one view, the page or its partial). A save
over a newer version is refused with both versions shown (409), nothing overwritten.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response  # what views return: redirect() makes this base class

from hublet.htmx import is_partial_request
from hublet.layout import render_page
from hublet.models import Page
from hublet.moderation import auth
from hublet.newsroom import bp, pages, roles
from hublet.newsroom.page_forms import PageForm
from hublet.newsroom.routes import _account, page
from hublet.text import slugify

publishers = auth.require_role(*roles.PUBLISHERS)


@bp.get("/pages")
@publishers
def page_list() -> Response:
    """Every static page, in the order the site links them."""
    return page("newsroom/pages.html", pages=pages.all_pages())


def _form_for(row: Page | None) -> PageForm:
    form = PageForm()
    if request.method == "GET":
        if row is not None:
            form.title.data = row.title
            form.slug.data = row.slug
            form.body.data = pages.editable_text(row)
            form.position.data = str(row.position)
        form.version.data = str(row.version if row is not None else 0)
    return form


def _checked_values(form: PageForm, row: Page | None) -> pages.PageValues | None:
    """The form's values when every field is good, else None with messages on the fields."""
    valid = form.validate()
    slug = slugify(form.slug.data or form.title.data or "", fallback="")[:140].strip("-")
    if form.title.data and not slug:
        form.slug.errors = [*form.slug.errors, "Please give the page a slug (letters or digits)."]
    elif slug and pages.slug_taken(slug, row.id if row else None):
        form.slug.errors = [*form.slug.errors, f"Another page already has the slug “{slug}”."]
    elif slug and (row is None or slug != row.slug) and pages.slug_shadowed(slug):
        form.slug.errors = [
            *form.slug.errors,
            f"The site already has its own page at /{slug}: please choose another slug.",
        ]
    if not valid or form.slug.errors:
        return None
    return pages.PageValues(
        title=form.title.data or "",
        slug=slug,
        body_markdown=form.body.data or "",
        position=form.position_number(),
    )


def _editor(row: Page | None) -> Response:
    """The editor (GET), a preview (POST, action "preview") or a save (POST)."""
    form = _form_for(row)
    context: dict[str, Any] = {"form": form, "row": row, "preview": None, "conflict": None}
    if request.method == "GET":
        return page("newsroom/page_edit.html", **context)
    action = request.form.get("action", "save")
    if action not in ("save", "preview"):
        abort(400)
    if action == "preview":
        valid = form.body.validate(form)
        if valid:
            context["preview"] = pages.preview_html(form.body.data or "")
        if is_partial_request():  # the live preview as the editor types
            return render_page(
                "newsroom/page_edit.html",
                "newsroom/_page_preview.html",
                status=200 if valid else 422,
                with_chrome=False,
                **context,
            )
        return page("newsroom/page_edit.html", status=200 if valid else 422, **context)
    values = _checked_values(form, row)
    if values is None:
        return page("newsroom/page_edit.html", status=422, **context)
    base = form.base_version()
    try:
        saved = pages.save_page(
            _account(), row, values, base_version=None if row is None else (base or -1)
        )
    except pages.StalePage as stale:
        # Both versions on one page: theirs as stored, ours still in the form. The form now
        # carries their version, so a second Save (after merging) replaces it knowingly.
        form.version.data = str(stale.current.version)
        context.update(row=stale.current, conflict=stale.current)
        return page("newsroom/page_edit.html", status=409, **context)
    flash("Saved. Readers see the new text now.", "success")
    return redirect(url_for("newsroom.page_edit", page_id=saved.id), code=303)


@bp.route("/pages/new", methods=["GET", "POST"])
@publishers
def page_new() -> Response:
    """A blank page."""
    return _editor(None)


@bp.route("/pages/<int:page_id>/edit", methods=["GET", "POST"])
@publishers
def page_edit(page_id: int) -> Response:
    """One page in the editor."""
    row = pages.page(page_id)
    if row is None:
        abort(404)
    return _editor(row)
