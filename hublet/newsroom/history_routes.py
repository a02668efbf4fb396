"""Newsroom views of a story's history and review: revisions and their diffs, restoring one,
sending a story back with a note, the trash, and private preview links.

Every view but the preview itself goes through ``auth.require_role`` and then the story check
of ``roles.may_do_to``: no login is a 303 to ``/login`` (401 for posts), a role or story
without the right a 403, and nothing is changed. Every form posts with its CSRF token.
"""

from __future__ import annotations

import functools

from flask import abort, flash, redirect, request, url_for
from werkzeug.wrappers import Response  # what views return: redirect() makes this base class

from hublet.extensions import db
from hublet.layout import render_error, render_page
from hublet.models import Account, Article
from hublet.moderation import auth
from hublet.newsroom import bp, history, preview_links, queries, roles
from hublet.newsroom.services import StaleVersion
from hublet.sanitize import remove_control_characters
from hublet.seo import absolute_url_for
from hublet.timeutil import format_datetime, utcnow

writers = auth.require_role(*roles.WRITERS)
publishers = auth.require_role(*roles.PUBLISHERS)
page = functools.partial(render_page, with_chrome=False)

_REFUSED = "Your account cannot do that to this story. Nothing was changed."


def _account() -> Account:
    account = auth.current_account()
    assert account is not None  # require_role let the request in
    return account


def _story(article_id: int) -> Article:
    article = queries.story(article_id)
    if article is None:
        abort(404)
    return article


def _to_editor(article: Article) -> Response:
    return redirect(url_for("newsroom.edit", article_id=article.id), code=303)


def _base_version() -> int | None:
    """The version the page that posted started from (None: the form sent none)."""
    raw = request.form.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


# --- Revisions -------------------------------------------------------------------------------


@bp.get("/<int:article_id>/revisions")
@writers
def revisions(article_id: int) -> Response:
    """The story's revisions: who, when, why."""
    article = _story(article_id)
    if not roles.may_do_to(_account(), "restore_revision", article):
        return render_error(403, _REFUSED)
    return page(
        "newsroom/revisions.html",
        article=article,
        revisions=history.revisions(article.id),
        reasons=history.REASONS,
    )


@bp.get("/<int:article_id>/revisions/<int:revision_id>")
@writers
def revision(article_id: int, revision_id: int) -> Response:
    """One revision against the current text, with its Restore button."""
    article = _story(article_id)
    if not roles.may_do_to(_account(), "restore_revision", article):
        return render_error(403, _REFUSED)
    kept = history.revision(article.id, revision_id)
    if kept is None:
        abort(404)
    return page(
        "newsroom/revision.html",
        article=article,
        revision=kept,
        fields=history.compare(kept, article),
        reasons=history.REASONS,
    )


@bp.post("/<int:article_id>/revisions/<int:revision_id>/restore")
@writers
def restore_revision(article_id: int, revision_id: int) -> Response:
    """The revision's text becomes the story's (a new revision itself)."""
    account = _account()
    article = _story(article_id)
    if not roles.may_do_to(account, "restore_revision", article):
        return render_error(403, _REFUSED)
    kept = history.revision(article.id, revision_id)
    if kept is None:
        abort(404)
    try:
        history.restore_revision(
            account, article, kept, _base_version(), publisher=roles.is_publisher(account)
        )
    except StaleVersion:
        return render_error(
            409,
            "Someone saved this story after you opened its history, so nothing was restored. "
            "Open the history again to compare with the newest text.",
        )
    flash(f"Restored the text of {format_datetime(kept.created_at)}.", "success")
    return _to_editor(article)


# --- Sending back ----------------------------------------------------------------------------


@bp.post("/<int:article_id>/send-back")
@publishers
def send_back(article_id: int) -> Response:
    """An in-review story goes back to its author as a draft, with a note."""
    account = _account()
    article = _story(article_id)
    if not roles.may_do_to(account, "send_back", article):
        return render_error(403, _REFUSED)
    note = remove_control_characters(request.form.get("note", "")).strip()
    if len(note) > history.MAX_NOTE:
        return render_error(
            422, f"The note is too long: at most {history.MAX_NOTE:,} characters. Nothing sent."
        )
    try:
        history.send_back(account, article, note)
    except history.NotInState as error:
        return render_error(409, f"{error} Nothing was changed.")
    flash("Sent back to the author.", "success")
    return _to_editor(article)


# --- The trash -------------------------------------------------------------------------------


@bp.get("/trash")
@writers
def trash_page() -> Response:
    """The stories in the trash (an author sees their own)."""
    account = _account()
    byline = None
    if not roles.is_publisher(account):
        byline = account.author_id if account.author_id is not None else -1
    return page(
        "newsroom/trash.html",
        stories=history.trashed_stories(byline),
        purge_after=history.purge_after,
        days=history.TRASH_DAYS,
    )


@bp.post("/<int:article_id>/trash")
@writers
def trash(article_id: int) -> Response:
    """Move a story to the trash."""
    account = _account()
    article = _story(article_id)
    if not roles.may_do_to(account, "trash", article):
        return render_error(403, _REFUSED)
    try:
        history.trash(account, article)
    except history.NotInState as error:
        return render_error(409, f"{error} Nothing was changed.")
    except StaleVersion:
        return render_error(409, "Someone saved this story meanwhile: nothing was changed.")
    flash(
        f"“{article.title}” is in the trash; you can restore it for {history.TRASH_DAYS} days.",
        "success",
    )
    return redirect(url_for("newsroom.trash_page"), code=303)


@bp.post("/<int:article_id>/untrash")
@writers
def untrash(article_id: int) -> Response:
    """Take a story out of the trash: a draft again."""
    account = _account()
    article = _story(article_id)
    if not roles.may_do_to(account, "untrash", article):
        return render_error(403, _REFUSED)
    try:
        history.untrash(account, article)
    except history.NotInState as error:
        return render_error(409, f"{error} Nothing was changed.")
    except StaleVersion:
        return render_error(409, "Someone changed this story meanwhile: nothing was changed.")
    flash(f"“{article.title}” is out of the trash: a draft again.", "success")
    return _to_editor(article)


# --- Preview links ---------------------------------------------------------------------------


@bp.post("/<int:article_id>/preview-link")
@writers
def preview_link(article_id: int) -> Response:
    """Make a private preview link for the story and show it."""
    article = _story(article_id)
    if not roles.may_do_to(_account(), "preview_link", article) or article.trashed_at:
        return render_error(403, _REFUSED)
    link = preview_links.make_link(article)
    return page(
        "newsroom/preview_link.html",
        "newsroom/_preview_link.html",  # htmx: into the editor's #preview-link-result
        article=article,
        url=absolute_url_for("newsroom.preview", token=link.token),
        expires_at=link.expires_at,
        hours=preview_links.PREVIEW_HOURS,
    )


@bp.get("/preview/<token>")
def preview(token: str) -> Response:
    """The story as readers will see it, for whoever holds the link: no account needed."""
    try:
        article = preview_links.preview_story(token)
    except preview_links.PreviewExpired:
        return render_error(410, "This preview link has expired. Ask for a new one.")
    except preview_links.PreviewRefused:
        return render_error(404, "This preview link is not valid, or its story is gone.")
    # What the page shows, not what is stored: a draft has no date yet, so it shows today's.
    db.session.expunge(article)
    if article.published_at is None:
        article.published_at = utcnow()
    return render_page(
        "newsroom/preview.html",
        article=article,
        related=[],
        comments=None,
        noindex=True,
        preview=True,
    )


@bp.after_app_request
def _private_preview(response: Response) -> Response:
    """A preview is one person's private view: no cache keeps it, no engine indexes it.

    An app hook, so that it runs after the newsroom's own ``no-store`` (auth.keep_private)."""
    if request.endpoint == "newsroom.preview":
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
