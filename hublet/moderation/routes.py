"""Moderation views: parse the request, call a query or service, render."""

from __future__ import annotations

import functools
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response  # what views return: redirect() makes this base class

from hublet.comments import rules
from hublet.extensions import db
from hublet.htmx import add_vary, is_htmx_request
from hublet.layout import render_error, render_page
from hublet.models import Article, Comment, ContactMessage, Moderator
from hublet.moderation import accounts, auth, bp, queries, services, throttle
from hublet.moderation.forms import (
    LoginForm,
    read_comment_filter,
    read_flag_value,
    read_ids,
    read_query,
)
from hublet.paging import requested_cursor

security_log = logging.getLogger("hublet.security")

SETTINGS_FIELDS = (
    "moderation_keywords",
    "disallowed_keywords",
    "links_threshold",
    "close_after_days",
    "flood_seconds",
)


auth.staff_desk(bp)  # registered first: the account is forgotten before the guard reads it


@bp.before_request
def require_moderator() -> Response | None:
    """Every route but the login needs a logged-in moderator."""
    return auth.guard()


@bp.context_processor
def moderation_values() -> dict:
    return {"moderator": g.get("moderator"), "comment_actions": services.COMMENT_ACTIONS}


#: A moderation page, or its partial for an htmx partial request: the site's page shell
#: without the public chrome, which moderation's layout does not show.
page = functools.partial(render_page, with_chrome=False)


def back_to(default: str) -> Response:
    """After a form post without htmx: back to the listing it came from (a local path only)."""
    return redirect(auth.safe_next(request.form.get("next"), default), code=303)


# --- Login and logout -------------------------------------------------------------------------


def _wait_words(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = -(-seconds // 60)
    return f"{minutes} minutes"


def _home_for(account: Moderator) -> str:
    """Where an account lands after logging in without a ``next``: its own desk."""
    at_moderation = request.endpoint == "moderation.login"
    if auth.has_role(account, auth.MODERATION_ROLES) and (
        at_moderation or account.role == "moderator"
    ):
        return url_for("moderation.comments")
    if "newsroom.index" in current_app.view_functions:
        return url_for("newsroom.index")
    return url_for("site.home")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response:
    """The login form of every account (also at ``/login``); a good username and password
    start a new session, with moderation's session rules whatever the role."""
    next_path = auth.safe_next(request.values.get("next"), "")
    account = auth.current_moderator()
    if request.method == "GET" and account is not None:
        return redirect(next_path or _home_for(account), code=303)
    form = LoginForm()
    context: dict[str, Any] = {"form": form, "next_path": next_path, "error": None}
    if request.method == "GET":
        return page("moderation/login.html", **context)
    if not form.validate_on_submit():
        return page("moderation/login.html", status=422, **context)

    ip = request.remote_addr or ""
    username = accounts.normalize_username(form.username.data)
    device = auth.device_for(username)
    verdict = throttle.check_login(ip, username, device)
    if verdict.wait:
        security_log.warning(
            "moderation login throttled (%s) client=%s username=%r", verdict.reason, ip, username
        )
        if verdict.reason == "slowed":
            context["error"] = (
                "Many failed logins for this account lately, so each new browser waits between "
                f"tries. Please try again in {_wait_words(verdict.wait)}."
            )
        else:
            context["error"] = (
                f"Too many failed logins. Please wait {_wait_words(verdict.wait)} and try again."
            )
        response: Response = page("moderation/login.html", status=429, **context)
        response.headers["Retry-After"] = str(verdict.wait)
        return response

    moderator = accounts.authenticate(username, form.password.data or "")
    if moderator is None:
        throttle.record_failed_login(ip, username, device)
        security_log.warning("moderation login failed client=%s username=%r", ip, username)
        context["error"] = "Incorrect username or password."
        return page("moderation/login.html", status=422, **context)

    throttle.record_successful_login(ip, username, device)
    auth.start_session(moderator)
    services.log_in(moderator)
    response = redirect(next_path or _home_for(moderator), code=303)
    auth.remember_device(response, username)
    return response


@bp.record_once
def _login_at_the_site_root(state: BlueprintSetupState) -> None:
    """``/login``: the same view for everyone who logs in, private like moderation's pages."""

    def site_login() -> Response:
        auth.forget_account()  # as on the desks: never a value left from another request
        return auth.keep_private(login())

    state.app.add_url_rule("/login", "login", site_login, methods=["GET", "POST"])


@bp.post("/logout")
def logout() -> Response:
    """End the session here and on the server (a copied cookie dies with it)."""
    services.log_out(g.moderator)
    auth.end_session()
    flash("You have logged out.", "success")
    return redirect(url_for("moderation.login"), code=303)


# --- Comments ---------------------------------------------------------------------------------


@bp.get("/")
def comments() -> Response:
    """The tabs Pending / Approved / Spam / Trash; htmx asks for the next rows alone."""
    filters = read_comment_filter(request.args)
    chunk = queries.comment_chunk(filters, requested_cursor("after", blank_is_start=True))
    article = queries.article_brief(filters.article_id) if filters.article_id else None
    listing: dict[str, Any] = {
        "status": filters.status,
        "article": filters.article_id,
        "q": filters.q or None,
    }
    return page(
        "moderation/comments.html",
        "moderation/_comment_rows.html",
        filters=filters,
        chunk=chunk,
        counts=queries.comment_counts(),
        article=article,
        listing=listing,
        tab_links=listing,
        back_url=url_for("moderation.comments", **listing),
        row_actions=services.ACTIONS_BY_STATUS[filters.status],
    )


@bp.post("/comments/<int:comment_id>/<action>")
def comment_action(comment_id: int, action: str) -> Response:
    """One row's button: htmx gets the new tab counts; a plain form goes back to the list."""
    chosen = services.COMMENT_ACTIONS.get(action)
    if chosen is None:
        abort(404)
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        return render_error(404, "That comment no longer exists; someone may have deleted it.")
    message = f"The comment by {comment.author_name} was {chosen.done}."
    services.moderate_comment(g.moderator, comment, chosen)
    if is_htmx_request():
        return add_vary(
            page(
                "moderation/_comment_action_done.html",
                counts=queries.comment_counts(),
                message=message,
                tab_links=_tab_links_from(request.form.get("next")),
            )
        )
    flash(message, "success")
    return back_to(url_for("moderation.comments"))


def _tab_links_from(next_value: str | None) -> dict:
    """The listing the row came from, so that the refreshed tabs keep its filters."""
    path = auth.safe_next(next_value, "")
    args: dict[str, list[Any]] = parse_qs(urlsplit(path).query) if path else {}
    return {
        "article": (args.get("article") or [None])[0],
        "q": (args.get("q") or [None])[0],
        "status": (args.get("status") or ["pending"])[0],
    }


@bp.post("/comments/bulk")
def bulk_action() -> Response:
    """Apply one action to the selected rows, then back to the list (htmx swaps it in)."""
    chosen = services.COMMENT_ACTIONS.get(request.form.get("action", ""))
    ids = read_ids(request.form)
    if chosen is None:
        flash("Please choose an action to apply.", "error")
    elif not ids:
        flash("Please select at least one comment first.", "error")
    else:
        changed = services.moderate_comments(g.moderator, queries.comments_by_ids(ids), chosen)
        noun = "comment" if changed == 1 else "comments"
        flash(f"{changed} {noun} {chosen.done}.", "success")
    return back_to(url_for("moderation.comments"))


# --- Settings ---------------------------------------------------------------------------------


def _settings_values(settings: rules.CommentSettings) -> dict[str, object]:
    return {
        "first_time_hold": settings.first_time_hold,
        "links_threshold": str(settings.links_threshold),
        "moderation_keywords": "\n".join(settings.moderation_keywords),
        "disallowed_keywords": "\n".join(settings.disallowed_keywords),
        "close_after_days": ""
        if settings.close_after_days is None
        else str(settings.close_after_days),
        "flood_seconds": str(settings.flood_seconds),
    }


@bp.route("/settings", methods=["GET", "POST"])
def settings() -> Response:
    """The comment rules: keyword lists, links threshold, first-time hold, closing by age."""
    if request.method == "GET":
        return page(
            "moderation/settings.html", values=_settings_values(rules.get_settings()), errors={}
        )
    posted = {field: request.form.get(field, "") for field in SETTINGS_FIELDS}
    posted["first_time_hold"] = "on" if request.form.get("first_time_hold") else ""
    new_settings, errors = rules.settings_from_form(posted)
    if errors:
        values = dict(posted, first_time_hold=bool(posted["first_time_hold"]))
        return page("moderation/settings.html", status=422, values=values, errors=errors)
    services.save_comment_settings(g.moderator, new_settings)
    flash("The settings were saved.", "success")
    return redirect(url_for("moderation.settings"), code=303)


# --- Contact messages -------------------------------------------------------------------------


@bp.get("/messages")
def messages() -> Response:
    """The contact messages inbox, newest first."""
    chunk = queries.message_chunk(requested_cursor("after", blank_is_start=True))
    return page(
        "moderation/messages.html",
        "moderation/_message_rows.html",
        chunk=chunk,
        unhandled=queries.unhandled_message_count(),
    )


def _message_or_404(message_id: int) -> ContactMessage:
    message = db.session.get(ContactMessage, message_id)
    if message is None:
        abort(404)
    return message


@bp.get("/messages/<int:message_id>")
def message(message_id: int) -> Response:
    """One contact message in full (reading it changes nothing)."""
    return page("moderation/message.html", message=_message_or_404(message_id))


@bp.post("/messages/<int:message_id>/handled")
def message_handled(message_id: int) -> Response:
    """Mark a message handled (or not handled again)."""
    message = _message_or_404(message_id)
    value = read_flag_value(request.form)
    if value is None:
        abort(400)
    services.set_message_handled(g.moderator, message, value)
    flash("Marked as handled." if value else "Marked as not handled.", "success")
    return back_to(url_for("moderation.message", message_id=message_id))


@bp.post("/messages/<int:message_id>/delete")
def message_delete(message_id: int) -> Response:
    """Delete a message for good."""
    message = _message_or_404(message_id)
    services.delete_message(g.moderator, message)
    flash("The message was deleted.", "success")
    return redirect(url_for("moderation.messages"), code=303)


# --- Articles ---------------------------------------------------------------------------------


@bp.get("/articles")
def articles() -> Response:
    """Articles by title, with their Featured and Hot switches."""
    q = read_query(request.args)
    chunk = queries.article_chunk(q, requested_cursor("after", blank_is_start=True))
    return page("moderation/articles.html", "moderation/_article_rows.html", chunk=chunk, q=q)


@bp.post("/articles/<int:article_id>/<flag>")
def article_flag(article_id: int, flag: str) -> Response:
    """Turn Featured or Hot on or off; htmx gets the row back."""
    if flag not in services.ARTICLE_FLAGS:
        abort(404)
    article = db.session.get(Article, article_id)
    if article is None:
        abort(404)
    value = read_flag_value(request.form)
    if value is None:
        abort(400)
    services.set_article_flag(g.moderator, article, flag, value)
    if is_htmx_request():
        return add_vary(page("moderation/_article_row.html", article=article))
    state = "on" if value else "off"
    flash(
        f"{'Featured' if flag == 'featured' else 'Hot'} is {state} for “{article.title}”.",
        "success",
    )
    return back_to(url_for("moderation.articles"))


# --- Audit log --------------------------------------------------------------------------------


@bp.get("/audit")
def audit() -> Response:
    """Every moderator action, newest first."""
    chunk = queries.audit_chunk(requested_cursor("after", blank_is_start=True))
    return page("moderation/audit.html", "moderation/_audit_rows.html", chunk=chunk)
