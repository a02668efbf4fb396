"""CSRF protection for the forms on pages every anonymous reader shares.

An article page (comment and reply forms) and the contact page are the same bytes for every
anonymous reader, so that browsers, nginx and Hublet's own cache can keep them (see
``hublet.caching``). They therefore carry no CSRF token, which is tied to a session, and
rendering one would give every first visitor a ``Set-Cookie``. A form on such a page is
protected in one of two ways instead; every other POST (moderation, login) keeps the plain
Flask-WTF check.

With JavaScript, the form gets its token when the reader starts to use it: a hidden element in
the form asks ``/form-token`` (htmx, ``focusin`` on the form, once; pressing Reply focuses the
form too) for ``<input type="hidden" name="csrf_token">`` and takes its place. That request
creates the reader's session; the POST is checked by Flask-WTF as any other. Only readers who
start to write get a cookie.

Without JavaScript nothing can fetch a token, so the POST may go without one, but only when
both hold:

- the browser says the form was sent from this site: ``Sec-Fetch-Site: same-origin`` (a header
  pages cannot set, sent by every current browser), or, from a browser too old to send it, an
  ``Origin`` equal to this site's. A request with neither header (a script, an old browser)
  needs a token; a request that names another site is refused whatever it carries;
- the form carries a valid *form stamp*: a value signed with the secret key for this form's
  endpoint and the day the page was made (the same for every reader that day, so the page
  stays the same bytes; it is accepted for ``STAMP_DAYS``). It proves the POST comes from a
  form Hublet rendered lately, not that the reader is who they say: that part is the browser's
  header, which a page on another site cannot forge.

A token that is sent is always checked: a forged or foreign token is refused even from this
site. The view beacon (``articles.record_view``) carries no reader input and has no form: it
needs only the same-origin header (or a token); its rate limit and the bot filter bound what a
script can do, as they did when it carried a token a script could fetch just as well.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import Flask, current_app, g, make_response, request
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from werkzeug.wrappers import Response

from hublet.extensions import csrf
from hublet.timeutil import site_today

TOKEN_PATH = "/form-token"
TOKEN_ENDPOINT = "form_token"
STAMP_FIELD = "form_stamp"
#: How long a page's stamp is accepted: a reader may leave a page open for a few days.
STAMP_DAYS = 7


def form_token() -> Response:
    """The reader's CSRF token as a hidden field, for a form on a shared page.

    It creates the reader's session, so it is theirs alone: never stored by anyone.
    """
    name = escape(current_app.config["WTF_CSRF_FIELD_NAME"])
    # The attributes in the order WTForms writes a form's own token field.
    body = f'<input name="{name}" type="hidden" value="{escape(generate_csrf())}">'
    response = make_response(body, 200)
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Cookie")
    return response


def _stamp_for(endpoint: str, day: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"hublet.form-stamp:{endpoint}:{day}".encode()
    return f"{day}.{hmac.new(key, message, hashlib.sha256).hexdigest()[:32]}"


def form_stamp(endpoint: str) -> str:
    """Today's stamp for the form that posts to ``endpoint`` (the same for every reader)."""
    return _stamp_for(endpoint, site_today().strftime("%Y%m%d"))


def stamp_is_valid(endpoint: str, value: str | None) -> bool:
    """Whether ``value`` is a stamp for ``endpoint`` made within the last ``STAMP_DAYS``."""
    day, _, _ = (value or "").partition(".")
    try:
        made = datetime.strptime(day, "%Y%m%d").date()
    except ValueError:
        return False
    today: date = site_today().date()
    if not today - timedelta(days=STAMP_DAYS) <= made <= today + timedelta(days=1):
        return False
    return hmac.compare_digest(value or "", _stamp_for(endpoint, day))


def sent_from_this_site() -> bool:
    """Whether the browser says this request was made by a page of this site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin", "")
    if not origin or origin == "null":
        return False
    return origin.rstrip("/").lower() in _site_origins()


def _site_origins() -> set[str]:
    origins = {f"{request.scheme}://{request.host}".lower()}
    site_url = current_app.config.get("SITE_URL")
    if site_url:
        parts = urlsplit(site_url)
        origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


def _sent_token() -> str | None:
    config = current_app.config
    token = request.form.get(config["WTF_CSRF_FIELD_NAME"])
    if token:
        return token
    for header in config["WTF_CSRF_HEADERS"]:
        if request.headers.get(header):
            return request.headers[header]
    return None


def _check_shared_forms() -> None:
    """The CSRF check of the endpoints registered by ``init_app`` (see the module doc)."""
    endpoint = request.endpoint or ""
    needs_stamp = current_app.extensions["hublet_shared_forms"].get(endpoint)
    if needs_stamp is None or request.method not in current_app.config["WTF_CSRF_METHODS"]:
        return
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if (
        _sent_token() is None
        and sent_from_this_site()
        and (not needs_stamp or stamp_is_valid(endpoint, request.form.get(STAMP_FIELD)))
    ):
        g.csrf_valid = True  # the form's own token field accepts this, as after csrf.protect()
        return
    csrf.protect()  # a token, checked as everywhere: 400 when missing, forged or foreign


def init_app(app: Flask, *, forms: Iterable[str], beacons: Iterable[str] = ()) -> None:
    """Serve ``/form-token`` and check the POSTs of ``forms`` (endpoints whose form is on a
    shared page) and ``beacons`` (endpoints a shared page calls with htmx, without input).

    Call it after the blueprints are registered: it looks their views up.
    """
    app.add_url_rule(TOKEN_PATH, TOKEN_ENDPOINT, form_token, methods=["GET"])
    app.jinja_env.globals["form_stamp"] = form_stamp
    registered = {endpoint: True for endpoint in forms}
    registered.update({endpoint: False for endpoint in beacons})
    app.extensions["hublet_shared_forms"] = registered
    # Flask-WTF's own check would refuse the POSTs without a token before ours runs; it keys
    # exemptions by "module.function", which must name these views and no other.
    names = [f"{view.__module__}.{view.__name__}" for view in app.view_functions.values()]
    for endpoint in registered:
        view = app.view_functions[endpoint]
        name = f"{view.__module__}.{view.__name__}"
        if names.count(name) != 1:
            raise RuntimeError(f"exempting {endpoint} would exempt another view named {name}")
        csrf.exempt(view)
    app.before_request(_check_shared_forms)
