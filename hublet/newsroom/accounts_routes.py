"""Accounts in the browser: admins list, invite, change roles, deactivate and reactivate
(``/newsroom/accounts``); the invited person sets a password at their link (``/newsroom/invite/
<token>``, the one page here without a login: the signed token is its key).

The rules live in :mod:`hublet.moderation.invites` and :mod:`hublet.moderation.accounts`; a
broken one is a message on the page (422) and nothing is stored.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response  # what views return: redirect() makes this base class
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired

from hublet.layout import render_error
from hublet.models import ACCOUNT_ROLES, Account
from hublet.moderation import auth, invites
from hublet.moderation.accounts import MIN_PASSWORD_LENGTH, AccountError
from hublet.newsroom import bp
from hublet.newsroom.routes import _account, page
from hublet.seo import absolute_url_for

admins = auth.require_role("admin")

ROLE_CHOICES = [(role, role.capitalize()) for role in ACCOUNT_ROLES]
#: What each role may do, for the admin choosing one.
ROLE_HINT = (
    "Author writes and submits stories; editor also publishes and edits pages; "
    "moderator handles comments; admin does everything, accounts included."
)
INVALID_LINK = (
    "This invite link cannot be used: it was used already, has expired (links last "
    f"{invites.INVITE_DAYS} days) or was replaced. Please ask an admin for a new one."
)


class InviteForm(FlaskForm):
    """An admin invites someone: a username and a role."""

    username = StringField(
        "Username", validators=[DataRequired("Please give the new account a username.")]
    )
    role = SelectField("Role", choices=ROLE_CHOICES, default="author", validate_choice=False)


class SetPasswordForm(FlaskForm):
    """The invited person chooses their password (twice)."""

    password = PasswordField("New password", validators=[DataRequired("Please choose a password.")])
    repeat = PasswordField(
        "Repeat the password", validators=[DataRequired("Please type the password again.")]
    )


def _listing(status: int = 200, **context: Any) -> Response:
    context.setdefault("form", InviteForm(formdata=None))
    return page(
        "newsroom/accounts.html",
        status=status,
        accounts=invites.all_accounts(),
        roles=ROLE_CHOICES,
        role_hint=ROLE_HINT,
        **context,
    )


@bp.get("/accounts")
@admins
def accounts() -> Response:
    """Every account: name, role, active or not, last login; and the invite form."""
    return _listing()


@bp.post("/accounts/invite")
@admins
def invite() -> Response:
    """Create the account and show its invite link, once (it is not stored anywhere)."""
    form = InviteForm()
    valid = form.validate()
    if form.role.data not in ACCOUNT_ROLES:
        form.role.errors = [*form.role.errors, "Please choose a role from the list."]
    if not valid or form.role.errors:
        return _listing(422, form=form)
    try:
        invited, token = invites.invite(_account(), form.username.data or "", form.role.data)
    except AccountError as error:  # the username: malformed or taken
        form.username.errors = [*form.username.errors, str(error)]
        return _listing(422, form=form)
    link = absolute_url_for("newsroom.accept_invite", token=token)
    return _listing(form=InviteForm(formdata=None), invited=invited, invite_link=link)


def _target(account_id: int) -> Account:
    target = invites.account(account_id)
    if target is None:
        abort(404)
    return target


def _change(account_id: int, change: str) -> Response:
    """Apply one change to an account; its refusal is told on the listing (422)."""
    target = _target(account_id)
    admin = _account()
    try:
        if change == "role":
            role = request.form.get("role", "")
            if not invites.set_role(admin, target, role):
                flash(f"{target.username} already is {role}: nothing to change.", "info")
                return redirect(url_for("newsroom.accounts"), code=303)
            done = f"{target.username} is now {target.role}."
        elif change == "deactivate":
            invites.deactivate(admin, target)
            done = f"{target.username} is deactivated: their sessions have ended."
        else:
            invites.reactivate(admin, target)
            done = f"{target.username} can log in again."
    except AccountError as error:
        return _listing(422, error=str(error))
    flash(done, "success")
    return redirect(url_for("newsroom.accounts"), code=303)


@bp.post("/accounts/<int:account_id>/invite")
@admins
def account_reinvite(account_id: int) -> Response:
    """A new invite link for an account (the older one stops working), shown once."""
    target = _target(account_id)
    try:
        token = invites.reinvite(_account(), target)
    except AccountError as error:
        return _listing(422, error=str(error))
    link = absolute_url_for("newsroom.accept_invite", token=token)
    return _listing(invited=target, invite_link=link)


@bp.post("/accounts/<int:account_id>/role")
@admins
def account_role(account_id: int) -> Response:
    """Give an account another role."""
    return _change(account_id, "role")


@bp.post("/accounts/<int:account_id>/deactivate")
@admins
def account_deactivate(account_id: int) -> Response:
    """Stop an account from logging in; its sessions end."""
    return _change(account_id, "deactivate")


@bp.post("/accounts/<int:account_id>/reactivate")
@admins
def account_reactivate(account_id: int) -> Response:
    """Let a deactivated account log in again."""
    return _change(account_id, "reactivate")


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str) -> Response:
    """The invited person sets their password; then they log in at /login."""
    invited = invites.account_for_invite(token)
    if invited is None:
        return render_error(404, INVALID_LINK)
    form = SetPasswordForm()
    context: dict[str, Any] = {"form": form, "invited": invited, "min_length": MIN_PASSWORD_LENGTH}
    if request.method == "GET":
        return page("newsroom/invite.html", **context)
    if not form.validate():
        return page("newsroom/invite.html", status=422, **context)
    try:
        invites.accept_invite(token, form.password.data or "", form.repeat.data or "")
    except invites.InviteError:
        return render_error(404, INVALID_LINK)
    except AccountError as error:
        form.password.errors = [str(error)]
        return page("newsroom/invite.html", status=422, **context)
    flash("Your password is set. Please log in with it.", "success")
    return redirect(url_for("login"), code=303)
