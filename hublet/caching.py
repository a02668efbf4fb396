"""Caching what every reader sees the same: whole anonymous pages and partials.

A news site is read far more than it is written. A page of one of the ``SHARED_ENDPOINTS`` is
stored in the shared cache (in-process by default, Redis with ``REDIS_URL``) under a key that
carries the *content version*: a counter in the database that every transaction changing what
readers see bumps, last, just before it commits. A write therefore retires every cached page at
once, in every process and on every host, and no cached page can outlive the data it shows.

An anonymous page is the same bytes for every reader: it carries no CSRF token and creates no
session (forms get their token when the reader starts to use them, see
``hublet.form_tokens``). So it is sent ``Cache-Control: public, max-age=M, s-maxage=S,
stale-while-revalidate=R`` (``PAGE_MAX_AGE``, ``PAGE_SHARED_MAX_AGE``,
``PAGE_STALE_WHILE_REVALIDATE``) with an ETag that is the digest of those bytes (and of the
htmx variant, so a partial's differs from its page's): a reader's browser gets 304 until
something readers see changes, and a proxy in front (nginx, ``deploy/nginx.conf``) may keep it
for S seconds. S is short because a published story or an approved comment must reach every
reader within seconds; M defaults to 0 so that browsers always ask (a cheap 304).

Per-reader pages are never stored or served from the cache: a reader with flashed messages, a
moderator session or one of the ``PER_READER_COOKIES`` (their own pending comments, a remembered
comment form) gets a freshly rendered page, sent ``Cache-Control: private, no-cache`` with
``Vary: Cookie``, so that no proxy keeps it. Posting a comment sets such a cookie: the reader's
own comment shows to them at once, whatever a proxy holds for everyone else.

A page's key holds the scheme, host, path and only the query parameters its view reads
(``QUERY_PARAMETERS``): made-up parameters are served but never stored.

The shared cache may go away (Redis restarted, a network cut): then a read is a miss and a write
is skipped (``SurvivingCache``), so every page is built by the process as if there were no cache,
and nothing stale can be served, since keys carry the content version from the database.
"""

from __future__ import annotations

import hashlib
import logging
import time
from bisect import bisect_right
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from flask import Flask, Response, current_app, g, request, session
from sqlalchemy import event, func, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from hublet import hot_pages
from hublet.extensions import cache, db
from hublet.models import Article, ContentVersion
from hublet.timeutil import site_today, utcnow

log = logging.getLogger(__name__)

#: Tables whose rows readers see: a write to any of them retires every cached page.
CONTENT_TABLES = frozenset(
    {"article", "article_tag", "author", "category", "comment", "page", "tag"}
)
#: Session keys that do not make a page the reader's own: the CSRF token a form fetched.
_SESSION_KEYS_SHARED = frozenset({"csrf_token"})
_STORED_HEADERS = ("Content-Type", "Vary", "Cache-Control", "X-Robots-Tag")
#: Pages with a reader's own state: their browser may keep them (and revalidate), no proxy.
PRIVATE_CACHE_CONTROL = "private, no-cache"


#: The GET endpoints whose output is the same for every anonymous reader, and how long (s) a
#: stored copy may live at most. A write readers would see retires them all earlier anyway.
SHARED_ENDPOINTS = {
    "site.home": 300,
    "site.static_page": 300,
    "site.contact": 300,
    "articles.article": 300,
    "articles.category": 300,
    "articles.tag": 300,
    "articles.author": 300,
    # Most Popular follows views, which do not retire pages: a minute is fresh enough.
    "articles.title_list": 60,
    "search.search": 120,
    "search.live": 120,
    "feeds.rss": 300,
    "feeds.atom": 300,
    "feeds.category_rss": 300,
    "feeds.category_atom": 300,
    "feeds.sitemap": 300,
    "feeds.sitemap_part": 300,
    "feeds.news_sitemap": 300,
}


#: The query parameters each shared view reads. Only they make a page differ, so only they
#: go into its key; a request with any other (``/?x=1``, ``?utm_source=``) is served (from the
#: stored page when there is one) but never stored, so made-up parameters cannot fill the cache.
_LISTING = frozenset({"page", "before"})
QUERY_PARAMETERS: dict[str, frozenset[str]] = {
    "site.home": _LISTING | {"p", "page_id"},  # p, page_id: old WordPress links, redirected
    "articles.article": frozenset({"cpage", "replytocom"}),
    "articles.category": _LISTING,
    "articles.tag": _LISTING,
    "articles.author": _LISTING,
    "search.search": frozenset({"q", "page"}),
    "search.live": frozenset({"q"}),
}

_VERSION_SQL = "SELECT version FROM content_version WHERE id = 1"


def content_version(*, before_any_query: bool = False) -> int:
    """The current content version: one primary-key read, once per request.

    At the start of a GET (``before_any_query``) it is read on a pooled DBAPI connection of its
    own rather than through the ORM session: on a cache hit it is the request's only SQL, and
    the session's machinery would cost more than the page. Later in a request, which may hold
    the session's connection (and, on a POST, SQLite's write lock), it goes through that same
    connection: a second one could wait on the first and deadlock the pool.
    """
    if "content_version" not in g:
        if before_any_query:
            g.content_version = _read_version_raw()
        else:
            version = db.session.connection().exec_driver_sql(_VERSION_SQL).scalar()
            g.content_version = version or 0
    return g.content_version


def _read_version_raw() -> int:
    """The version through a pooled DBAPI connection, without the ORM session.

    A DBAPI error here (the database is down, or went away after the pool handed the connection
    out) is raised as SQLAlchemy's, as the session would: the error handlers answer it (503 with
    Retry-After), and a broken connection is dropped from the pool, not handed out again.
    """
    dbapi_error = db.engine.dialect.loaded_dbapi.Error
    connection = None
    try:
        connection = db.engine.raw_connection()  # connecting may fail as well
        cursor = connection.cursor()
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
        cursor.close()
    except dbapi_error as error:
        if connection is not None:
            connection.invalidate(error)
        raise DBAPIError.instance(
            _VERSION_SQL, None, error, dbapi_error, connection_invalidated=connection is not None
        ) from error
    finally:
        if connection is not None:
            connection.close()
    return row[0] if row else 0


#: How many upcoming publication times are remembered per content version (then read again).
_UPCOMING = 50
_Schedule = tuple[datetime | None, tuple[datetime, ...]]


def _schedule(version: int) -> _Schedule:
    """The newest publication time readers could see, and the next ones scheduled.

    Read once per content version and process (two indexed reads), because a scheduled story
    appears when its time comes, with no write to bump the version. Both parts are facts of the
    data, not of the moment they were read, so any process reading them agrees.
    """
    memo: dict[int, _Schedule] = current_app.extensions.setdefault("hublet_schedules", {})
    now = utcnow()
    schedule = memo.get(version)
    if schedule is None or (len(schedule[1]) == _UPCOMING and schedule[1][-1] <= now):
        published = Article.status == "published"
        latest = db.session.scalar(
            select(func.max(Article.published_at)).where(published, Article.published_at <= now)
        )
        upcoming = db.session.scalars(
            select(Article.published_at)
            .where(published, Article.published_at > now)
            .order_by(Article.published_at)
            .limit(_UPCOMING)
        )
        schedule = (latest, tuple(when for when in upcoming if when is not None))
        if len(memo) > 16:
            memo.clear()
        memo[version] = schedule
    return schedule


def content_generation(*, before_any_query: bool = False) -> str:
    """What cached pages and data are keyed by: the content version, and the newest
    publication time readers can see by now (a scheduled story's time passing changes it)."""
    version = content_version(before_any_query=before_any_query)
    latest, upcoming = _schedule(version)
    passed = bisect_right(upcoming, utcnow())
    if passed:
        latest = upcoming[passed - 1]
    return f"{version}.{latest.isoformat() if latest else ''}"


def cached(name: str, build: Callable[[], Any], timeout: int | None = None) -> Any:
    """``build()``'s value, shared between requests until the content changes."""
    key = f"data:{content_generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, timeout=timeout)
    return value


def _is_per_reader() -> bool:
    if any(name in request.cookies for name in current_app.config["PER_READER_COOKIES"]):
        return True
    return any(key not in _SESSION_KEYS_SHARED for key in session)


def page_is_personal() -> bool:
    """Whether the page being rendered is this reader's own, so it may carry their CSRF token.

    A GET by a reader without state of their own (cookies, a flash, a moderator session) is
    not: its bytes must be the same for every such reader, whoever asked first. An answer to a
    POST (a form with the reader's input and errors) always is.
    """
    if request.method not in ("GET", "HEAD"):
        return True
    return _is_per_reader()


def _page_key() -> str | None:
    if request.method != "GET" or not current_app.config.get("PAGE_CACHE_ENABLED", True):
        return None
    if request.endpoint not in SHARED_ENDPOINTS or _is_per_reader():
        return None
    query, storable = _known_query(request.endpoint)
    g.page_storable = storable
    variant = "|".join(request.headers.get(h, "") for h in ("HX-Request", "HX-Request-Type"))
    # The top bar shows today's date: a new day is a new page.
    day = site_today().date().isoformat()
    # Scheme and host name too, as a backstop: absolute URLs come from SITE_URL, not from them.
    # Not the port: any port passes the host check, and each must not make a new entry.
    address = f"{request.scheme}://{_host_name(request.host)}{request.path}?{query}"
    # "anon": pages without any reader's token (a cache from before held a token placeholder).
    generation = content_generation(before_any_query=True)
    return f"page:anon:{generation}:{day}:{variant}:{address}"


def _host_name(host: str) -> str:
    """``host`` without its port (``[::1]:8000`` -> ``[::1]``), lower case."""
    name = host[: host.index("]") + 1] if host.startswith("[") else host.rsplit(":", 1)[0]
    return name.lower()


def _known_query(endpoint: str) -> tuple[str, bool]:
    """The query string of the parameters the view reads, and whether the page may be stored.

    A parameter the view does not read, or one given twice, makes the page unstorable: the view
    reads only the first value, so every other spelling would be a new entry for the same page.
    """
    known = QUERY_PARAMETERS.get(endpoint, frozenset())
    storable = True
    pairs = []
    for name in sorted(set(request.args)):
        values = request.args.getlist(name)
        if name not in known or len(values) > 1:
            storable = False
        if name in known:
            pairs.append((name, values[0]))
    return urlencode(pairs), storable


def _serve_cached() -> Response | None:
    # Per-request values; a test that keeps one app context across requests must not reuse them.
    g.pop("content_version", None)
    g.pop("csrf_token", None)
    key = _page_key()
    if key is None:
        return None
    g.page_cache_key = key
    stored = cache.get(key)
    if stored is None:
        return None
    body, headers, etag = stored
    response = Response(body, headers=headers)
    response.headers["X-Hublet-Cache"] = "hit"
    g.page_etag = etag
    return response


def _store_and_finish(response: Response) -> Response:
    key = g.pop("page_cache_key", None)
    if (
        key is not None
        and g.pop("page_storable", True)
        and response.status_code == 200
        and "X-Hublet-Cache" not in response.headers
        and not response.direct_passthrough
        and not _is_per_reader_after(response)
    ):
        body = response.get_data(as_text=True)
        headers = [(k, v) for k, v in response.headers.items() if k in _STORED_HEADERS]
        etag = _etag(response.get_data())
        cache.set(key, (body, headers, etag), timeout=SHARED_ENDPOINTS[request.endpoint or ""])
        response.headers["X-Hublet-Cache"] = "miss"
        g.page_etag = etag
    if key is not None and not _is_per_reader_after(response):
        _conditional(response, g.pop("page_etag", None))
    else:
        _keep_private(response)
    return response


def _no_session_for_a_shared_page(response: Response) -> Response:
    """A shared page never starts a session: its bytes carry no token, so the token that
    building its form made (Flask-WTF makes one with every form) is dropped unsent."""
    if (
        request.endpoint in SHARED_ENDPOINTS
        and session.modified
        and not page_is_personal()
        and not _is_per_reader_after(response)
        # Only a session this request started: an existing one (a flash just shown) is saved.
        and current_app.config["SESSION_COOKIE_NAME"] not in request.cookies
    ):
        session.clear()
        session.modified = False
    return response


def _keep_private(response: Response) -> None:
    """A page the shared cache did not handle may carry the reader's own state (their session,
    pending comments, a flash, a form with their input): only their browser may keep it.

    A view that chose a header for a page without such state keeps it, unless this reader has
    state of their own; ``no-store`` (moderation) is never weakened.
    """
    if response.mimetype != "text/html" or 300 <= response.status_code < 400:
        return
    current = response.headers.get("Cache-Control", "")
    if "no-store" in current:
        return
    if not current or _is_per_reader() or _is_per_reader_after(response):
        response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        response.vary.add("Cookie")


def _etag(body: bytes) -> str:
    """A strong ETag for the bytes every anonymous reader gets: the same on every process and
    host. The htmx variant goes in too, so that a partial never answers for its page."""
    variant = "|".join(request.headers.get(h, "") for h in ("HX-Request", "HX-Request-Type"))
    digest = hashlib.blake2b(body, digest_size=16)
    digest.update(variant.encode())
    return digest.hexdigest()


def shared_cache_control() -> str:
    """The ``Cache-Control`` of a page every anonymous reader shares (see the module doc)."""
    config = current_app.config
    return (
        f"public, max-age={int(config.get('PAGE_MAX_AGE', 0))}, "
        f"s-maxage={int(config.get('PAGE_SHARED_MAX_AGE', 5))}, "
        f"stale-while-revalidate={int(config.get('PAGE_STALE_WHILE_REVALIDATE', 30))}"
    )


def _is_per_reader_after(response: Response) -> bool:
    # The view may have flashed a message or set a reader's cookie while rendering.
    return "_flashes" in session or any(
        name in header
        for header in response.headers.getlist("Set-Cookie")
        for name in current_app.config["PER_READER_COOKIES"]
    )


def _conditional(response: Response, etag: str | None) -> None:
    """A shared page: public for a few seconds, its ETag, and 304 when the reader has it."""
    if response.status_code != 200:
        return
    response.headers.setdefault("Cache-Control", shared_cache_control())
    # A reader with a cookie of Hublet's may get another page at this address.
    response.vary.add("Cookie")
    response.set_etag(etag or _etag(response.get_data()))
    response.make_conditional(request)


def _long_lived_static(response: Response) -> Response:
    """Versioned static URLs (``?v=<hash>``) never change: cache them for a year."""
    if request.endpoint == "static" and request.args.get("v") and response.status_code == 200:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


# --- the content version --------------------------------------------------------------------

_BUMP = (
    update(ContentVersion).where(ContentVersion.id == 1).values(version=ContentVersion.version + 1)
)


def _touches_content(objects: Any) -> bool:
    return any(getattr(type(obj), "__tablename__", None) in CONTENT_TABLES for obj in objects)


@event.listens_for(Session, "after_flush")
def _note_flushed_content(session: Session, _context: Any) -> None:
    if (
        _touches_content(session.new)
        or _touches_content(session.deleted)
        or _touches_content(obj for obj in session.dirty if session.is_modified(obj))
    ):
        session.info["content_changed"] = True


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_content(state: Any) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in CONTENT_TABLES:
        state.session.info["content_changed"] = True


@event.listens_for(Session, "before_commit")
def _bump_content_version(session: Session) -> None:
    # Flush first so that every change of this transaction is seen, then bump last: the
    # version row is locked only for the moment of the commit, and always after the rows.
    session.flush()
    if session.info.pop("content_changed", False):
        session.connection().execute(_BUMP)
        session.info["content_bumped"] = True


@event.listens_for(Session, "after_commit")
def _forget_hot_pages(session: Session) -> None:
    # After the commit, not at the bump: a page built from then on shows the new content.
    if session.info.pop("content_bumped", False):
        hot_pages.content_changed()


@event.listens_for(Session, "after_rollback")
def _forget_content_change(session: Session) -> None:
    session.info.pop("content_changed", None)
    session.info.pop("content_bumped", None)


# --- a shared cache that may go away ----------------------------------------------------------

#: After a failed call the shared cache is left alone this long: while Redis is away a request
#: costs no connection attempt, and the log gets a line per outage, not one per request.
CACHE_RETRY_SECONDS = 1.0
#: The longest one call to Redis may take: a Redis that hangs must not hang the page with it.
CACHE_SOCKET_TIMEOUT = 2.0


class SurvivingCache:
    """The shared cache (Redis) as readers need it: while it cannot be reached, a read is a
    miss and a write is skipped, so pages are built by the process as without a cache, and the
    site answers (the README's promise). Everything else is the backend's own.
    """

    def __init__(self, backend: Any, errors: tuple[type[BaseException], ...]) -> None:
        self.backend = backend
        self.errors = errors
        self.retry_at = 0.0
        self.away = False

    def _call(self, name: str, missing: Any, *args: Any, **kwargs: Any) -> Any:
        if self.away and time.monotonic() < self.retry_at:
            return missing
        try:
            value = getattr(self.backend, name)(*args, **kwargs)
        except self.errors as error:
            if not self.away:
                log.warning("shared cache unreachable (%s): serving without it", error)
            self.away = True
            self.retry_at = time.monotonic() + CACHE_RETRY_SECONDS
            return missing
        if self.away:
            log.warning("shared cache reachable again")
            self.away = False
        return value

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", None, *args, **kwargs)

    def has(self, *args: Any, **kwargs: Any) -> bool:
        return bool(self._call("has", False, *args, **kwargs))

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", False, *args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", False, *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", False, *args, **kwargs)

    def clear(self) -> Any:
        return self._call("clear", False)

    def inc(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("inc", None, *args, **kwargs)

    def dec(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("dec", None, *args, **kwargs)

    def get_many(self, *keys: str) -> list[Any]:
        return self._call("get_many", [None] * len(keys), *keys)

    def get_dict(self, *keys: str) -> dict[str, Any]:
        return self._call("get_dict", dict.fromkeys(keys), *keys)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", [], *args, **kwargs)

    def delete_many(self, *keys: str) -> Any:
        return self._call("delete_many", [], *keys)

    def unlink(self, *keys: str) -> Any:
        return self._call("unlink", [], *keys)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.backend, name)


def _survive_redis(app: Flask) -> None:
    """Put the app's Redis cache backend behind ``SurvivingCache``, with socket timeouts."""
    backends = app.extensions.get("cache", {})
    backend = backends.get(cache)
    try:
        from cachelib.redis import RedisCache
        from redis import RedisError
    except ImportError:  # no Redis installed: no Redis cache to guard
        return
    if not isinstance(backend, RedisCache):
        return
    for client in {id(c): c for c in (backend._write_client, backend._read_client)}.values():
        pool = getattr(client, "connection_pool", None)
        if pool is not None:  # new connections only: the pool has none yet
            pool.connection_kwargs.setdefault("socket_timeout", CACHE_SOCKET_TIMEOUT)
            pool.connection_kwargs.setdefault("socket_connect_timeout", CACHE_SOCKET_TIMEOUT)
    backends[cache] = SurvivingCache(backend, (RedisError,))


def init_app(app: Flask) -> None:
    """Install the page cache around every request (after ``cache.init_app``)."""
    app.config.setdefault("PER_READER_COOKIES", [])
    _survive_redis(app)
    app.jinja_env.globals["page_is_personal"] = page_is_personal
    app.before_request(_serve_cached)
    app.after_request(_store_and_finish)
    app.after_request(_no_session_for_a_shared_page)
    app.after_request(_long_lived_static)
