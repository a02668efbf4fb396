"""Newsroom views: the stories by status, and the story editor. Parse, check, call, render.

Every view is wrapped in ``auth.require_role``: no login is a 303 to ``/login`` (401 for htmx
and posts), a role without the right a 403, and nothing is changed.
"""

from __future__ import annotations

import functools
from datetime import UTC
from typing import Any

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from werkzeug.wrappers import Response  # what views return: redirect() makes this base class

from hublet.extensions import db
from hublet.layout import render_error, render_page
from hublet.media import picker
from hublet.models import Account, Article, Category
from hublet.moderation import auth
from hublet.newsroom import bp, queries, roles
from hublet.newsroom.forms import StoryForm, read_story_filter, read_tag_lookup
from hublet.newsroom.markup import hostile_markup, public_html
from hublet.newsroom.services import StaleVersion, StoryValues, save_story
from hublet.paging import requested_cursor
from hublet.text import slugify
from hublet.timeutil import site_zone, to_site_time, utcnow

writers = auth.require_role(*roles.WRITERS)

#: A newsroom page, or its partial for an htmx partial request, without the public chrome.
page = functools.partial(render_page, with_chrome=False)


auth.staff_desk(bp)


@bp.context_processor
def newsroom_values() -> dict:
    account = g.get("moderator")
    return {
        "moderator": account,
        "tabs": queries.TABS,
        "is_publisher": account is not None and roles.is_publisher(account),
    }


def _account() -> Account:
    account = auth.current_account()
    assert account is not None  # require_role let the request in
    return account


def _byline_limit(account: Account) -> int | None:
    """An author sees their own stories only (-1: none yet, so nothing)."""
    if roles.is_publisher(account):
        return None
    return account.author_id if account.author_id is not None else -1


@bp.get("/")
@writers
def index() -> Response:
    """Stories by status, newest first, filtered; htmx asks for the next rows alone."""
    account = _account()
    filters = read_story_filter(request.args)
    byline = _byline_limit(account)
    chunk = queries.story_chunk(filters, requested_cursor("after", blank_is_start=True), byline)
    listing: dict[str, Any] = {
        "status": filters.tab,
        "author": filters.author_id,
        "category": filters.category_id,
        "q": filters.q or None,
    }
    return page(
        "newsroom/index.html",
        "newsroom/_story_rows.html",
        filters=filters,
        chunk=chunk,
        counts=queries.tab_counts(filters, byline),
        listing=listing,
        categories=queries.categories(),
        authors=queries.newsroom_authors() if byline is None else [],
    )


def _form_for(article: Article | None) -> StoryForm:
    form = StoryForm(obj=None)
    form.category.choices = [("", "Choose a category")] + [
        (str(c.id), c.name) for c in queries.categories()
    ]
    if request.method == "GET" and article is not None:
        form.title.data = article.title
        form.slug.data = article.slug
        form.category.data = str(article.category_id)
        form.tags.data = ", ".join(tag.name for tag in article.tags)
        form.excerpt.data = article.excerpt
        form.body.data = article.body_markdown or article.body_html
        form.hero_image.data = article.hero_image
        form.hero_alt.data = article.hero_alt
        form.hero_caption.data = article.hero_caption
        form.hero_credit.data = article.hero_credit
        form.is_featured.data = article.is_featured
        form.is_hot.data = article.is_hot
        form.comments_open.data = article.comments_open
        if article.published_at is not None:
            form.publish_at.data = f"{to_site_time(article.published_at):%Y-%m-%dT%H:%M}"
    if request.method == "GET":
        picker.fill_hero(form, article, request.args)  # its library picture, or one just picked
    return form


def _checked_values(form: StoryForm, article: Article | None) -> StoryValues | None:
    """The form's values when every field is good, else None with messages on the fields."""
    valid = form.validate()
    slug = slugify(form.slug.data or form.title.data or "", fallback="")[:200]
    if form.title.data and not slug:
        form.slug.errors = [*form.slug.errors, "Please give the story a slug (letters or digits)."]
    elif slug and queries.slug_taken(slug, article.id if article else None):
        form.slug.errors = [*form.slug.errors, f"Another story already has the slug “{slug}”."]
    category = (form.category.data or "").strip()
    category_id = int(category) if category.isascii() and category.isdigit() else None
    if category_id is None or db.session.get(Category, category_id) is None:
        form.category.errors = [*form.category.errors, "Please choose a category from the list."]
    hero_picture_id = picker.chosen_id(form)  # an error on the field when not in the library
    if not valid or form.slug.errors or form.category.errors or category_id is None:
        return None
    if hero_picture_id is None and form.hero_picture_id.errors:
        return None
    return StoryValues(
        title=form.title.data or "",
        slug=slug,
        category_id=category_id,
        tags=form.tag_names(),
        excerpt=(form.excerpt.data or "").strip(),
        body_markdown=form.body.data or "",
        hero_image=form.hero_image.data or "",
        hero_alt=form.hero_alt.data or "",
        hero_caption=form.hero_caption.data or "",
        hero_credit=form.hero_credit.data or "",
        is_featured=bool(form.is_featured.data),
        is_hot=bool(form.is_hot.data),
        comments_open=bool(form.comments_open.data),
        hero_picture_id=hero_picture_id,
    )


DONE = {
    "save": "Saved.",
    "submit": "Sent for review.",
    "publish": "Published.",
    "schedule": "Scheduled.",
    "unpublish": "Unpublished: it is a draft again.",
}


def _autosaves(article: Article | None) -> bool:
    """Drafts save themselves as the writer types; a published story changes on Update only."""
    return article is None or article.status == "draft"


def _editor_url(article: Article | None) -> str:
    if article is None:
        return url_for("newsroom.new")
    return url_for("newsroom.edit", article_id=article.id)


def _not_saved_because(form: StoryForm) -> str:
    """The fields' messages in one line, for the autosave status."""
    messages = [errors[0] for errors in form.errors.values() if errors]
    return "Not saved yet: " + " ".join(str(message) for message in messages)


def _save_status(message: str, status: int, article: Article | None = None) -> Response:
    """The autosave's answer: the status line's text and, after a save, the story's new
    version and address for the next save (an ``<hx-partial>``)."""
    body = render_template("newsroom/_save_status.html", message=message, saved=article)
    return make_response(body, status)


def _autosave(
    account: Account, article: Article | None, form: StoryForm, base_version: int | None
) -> Response:
    """Save a draft as the writer types (htmx): the status line says when, or why not."""
    if not _autosaves(article):
        return _save_status(
            "Not saved: a published story changes when you press Update.", status=409
        )
    if not roles.may_do(account, "save"):
        return render_error(403, "Your account cannot do that. Nothing was changed.")
    values = _checked_values(form, article)
    if values is None:
        return _save_status(_not_saved_because(form), status=422)
    try:
        saved = save_story(
            account,
            article,
            values,
            "save",
            publisher=roles.is_publisher(account),
            base_version=base_version,
        )
    except StaleVersion as stale:
        who = queries.saved_by(stale.current.id, stale.current.version)
        by = f" by {who}" if who else ""
        return _save_status(
            f"Not saved: this story was changed{by} at "
            f"{to_site_time(stale.current.updated_at):%H:%M} since you opened it. Your text "
            "is still here: press Save draft to see both versions.",
            status=409,
        )
    response = _save_status(f"Saved {to_site_time(saved.updated_at):%H:%M}", 200, saved)
    if article is None:  # the first save made the story: reloading opens it, not a blank one
        response.headers["HX-Replace-Url"] = _editor_url(saved)
    return response


def _preview(form: StoryForm, context: dict[str, Any]) -> Response:
    """The body as readers will see it, nothing stored: the preview pane alone for htmx, the
    editor with its preview for the Preview button."""
    text = form.body.data or ""
    context.update(preview=public_html(text), preview_refused=hostile_markup(text), previewed=True)
    return page("newsroom/edit.html", "newsroom/_story_preview.html", **context)


def _conflict(current: Article, context: dict[str, Any]) -> Response:
    """The story moved on since the editor opened it: both versions, nothing overwritten.

    The form keeps the writer's text and now carries the stored version, so pressing Save
    again after reading both replaces theirs knowingly."""
    stored = queries.stored_story(current.id) or current
    context.update(
        article=stored,
        version=stored.version,
        conflict=stored,
        conflict_by=queries.saved_by(stored.id, stored.version),
        autosave=False,
    )
    return page("newsroom/edit.html", status=409, **context)


def _editor(article: Article | None) -> Response:
    """The editor's page (GET), or a save and the button's action (POST); htmx posts the same
    form to preview the body (action ``preview``) and to save a draft as it is typed
    (``autosave``)."""
    account = _account()
    if article is not None and article.trashed_at is not None:
        return render_error(
            403, "This story is in the Trash: restore it from the Trash to edit it again."
        )
    if article is not None and not roles.may_edit(account, article):
        return render_error(403, "You cannot edit this story. Nothing was changed.")
    form = _form_for(article)
    scheduled = bool(
        article is not None
        and article.status == "published"
        and article.published_at is not None
        and article.published_at > utcnow()
    )
    context: dict[str, Any] = {
        "form": form,
        "article": article,
        "zone": site_zone().key,
        "scheduled": scheduled,
        "hero_choice": picker.hero_choice(form),
        "version": article.version if article is not None else None,
        "autosave": _autosaves(article),
        "editor_url": _editor_url(article),
        "preview": None,
        "preview_refused": False,
        "previewed": False,
        "conflict": None,
        "conflict_by": None,
    }
    if request.method == "GET":
        context["preview"] = public_html(form.body.data or "")
        return page("newsroom/edit.html", **context)
    base_version = form.base_version()
    if base_version is not None:
        context["version"] = base_version  # a refused save keeps the version it started from
    action = request.form.get("action", "save")
    if action == "preview":
        return _preview(form, context)
    if action == "autosave":
        return _autosave(account, article, form, base_version)
    if action not in roles.ACTIONS:
        abort(400)
    if not roles.may_do(account, action):
        return render_error(403, "Your account cannot do that. Nothing was changed.")
    values = _checked_values(form, article)
    values = picker.require_alt(form, values, action)  # alt text before publishing
    publish_at = None
    if action == "schedule":
        local = form.schedule_time()
        if local is not None:
            publish_at = local.replace(tzinfo=site_zone()).astimezone(UTC).replace(tzinfo=None)
            if publish_at <= utcnow():
                form.publish_at.errors = [
                    *form.publish_at.errors,
                    "That time has passed: choose a later one, or Publish now.",
                ]
    if values is None or (action == "schedule" and (publish_at is None or form.publish_at.errors)):
        context["preview"] = public_html(form.body.data or "")
        return page("newsroom/edit.html", status=422, **context)
    try:
        saved = save_story(
            account,
            article,
            values,
            action,
            publish_at,
            publisher=roles.is_publisher(account),
            base_version=base_version,
        )
    except StaleVersion as stale:
        return _conflict(stale.current, context)
    flash(DONE[action], "success")
    return redirect(url_for("newsroom.edit", article_id=saved.id), code=303)


@bp.route("/new", methods=["GET", "POST"])
@writers
def new() -> Response:
    """A blank story."""
    return _editor(None)


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
@writers
def edit(article_id: int) -> Response:
    """One story in the editor."""
    article = queries.story(article_id)
    if article is None:
        abort(404)
    return _editor(article)


@bp.get("/tags")
@writers
def tag_lookup() -> Response:
    """Existing tags that start like the one being typed: the tags field's suggestions (a
    ``<datalist>``'s options, each the whole field as it would read with that tag)."""
    kept, typed = read_tag_lookup(request.args)
    start = slugify(typed, fallback="")
    names = queries.tags_starting(start) if start else []
    already = {name.strip().lower() for name in kept.split(",")}
    options = [kept + name for name in names if name.lower() not in already]
    return make_response(render_template("newsroom/_tag_options.html", options=options))
