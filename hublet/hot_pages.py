"""Hot pages: a second of memory per process for anonymous pages, answered before Flask runs.

Why: an anonymous page served from Hublet's page cache (``hublet.caching``) still costs a whole
Flask request: the session, the content-version read, the cache key, the Redis round trip, the
ETag. Measured in ``make bench`` that is three to four times what a bare Flask app costs to
answer the same bytes, and no tweak inside Flask gets near the target of 0.60 of bare Flask
(docs/bench.md). When a story goes viral, the same few addresses are asked hundreds of times a
second by readers without cookies; this layer answers them from a small in-process LRU without
entering Flask at all.

What is kept: only what Flask itself answered as a page every anonymous reader shares, i.e. a
GET without any of Hublet's cookies (the session cookie, ``PER_READER_COOKIES``; unrelated
cookies do not matter) answered 200 with ``X-Hublet-Cache`` (the page cache's marker, so the
endpoint is one of ``caching.SHARED_ENDPOINTS``), ``Cache-Control: public...``, no
``Set-Cookie`` and no rate-limit headers (a limited route such as search must count each
request, so it is never answered from memory). The status, headers and body are kept as Flask
sent them; ``X-Hublet-Cache`` says ``memory`` on an answer from here, so tests and operators can
tell, and ``Date`` is the answer's own. The key is the scheme, the host name without its port
(lower case), the path, the raw query string and the htmx headers ``HX-Request`` and
``HX-Request-Type`` (the only request headers a shared page varies on besides ``Cookie``;
Hublet does not compress, so ``Accept-Encoding`` changes nothing).

How fresh: an entry lives at most ``PAGE_MEMORY_SECONDS`` (default 1 s; 0 turns the layer off;
unset under ``TESTING``, where it is off unless a test sets it), measured with
``time.monotonic``. A commit in this process that changes what readers see (the content
version's bump in ``hublet.caching``) drops every entry at once, so a writer's own process is
never stale; other processes are at most ``PAGE_MEMORY_SECONDS`` behind, well inside the shared
``s-maxage`` a proxy in front may keep the page anyway. A page whose request overlapped such a
commit is not kept. A scheduled story appears at most ``PAGE_MEMORY_SECONDS`` after its minute
(no write announces it); the tests' clock (``hublet.timeutil.moved_clock``) is honoured: moving
it drops every entry, so a test that moves the clock sees the story at once.

While the database is down, a page answered in the second before is still answered from here
until it expires, as nginx's ``proxy_cache_use_stale`` would; everything else gets the 503.

Installed around Flask's own WSGI app, *inside* the host check and the forwarded-header
handling (``hublet.proxies``) and the security headers and request log
(``hublet.security``): a forged ``Host`` is still refused before this layer is reached, the
scheme is the one a trusted proxy reported, every answer from here gets the same security
headers, and each one is logged by the same ``hublet.request`` line as any other request (a few
microseconds; it keeps the log a true count of the requests that reached Python).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from time import monotonic, time
from typing import Any

from flask import Flask
from werkzeug.http import http_date, is_resource_modified, remove_entity_headers

from hublet import timeutil

#: At most this many pages per process: the hot ones, well under a second's worth of requests.
MAX_ENTRIES = 256
#: A larger answer is not kept (pages are ~60 KB): one odd page must not fill the memory.
MAX_BODY_BYTES = 512 * 1024
#: All bodies together stay under this, whatever their sizes (per process).
MAX_TOTAL_BYTES = 32 * 1024 * 1024
#: ``PAGE_MEMORY_SECONDS`` when it is not set, outside tests.
DEFAULT_SECONDS = 1.0
#: The value of ``X-Hublet-Cache`` on an answer from here (the page cache says hit/miss).
MEMORY = "memory"

_Headers = list[tuple[str, str]]

#: Bumped by :func:`content_changed`; an entry is good only under the value it was stored at.
_generation = 0


def content_changed() -> None:
    """Forget every page this process keeps: called after a commit that changed content."""
    global _generation
    _generation += 1


@dataclass(slots=True)
class _Entry:
    expires: float
    status: str
    headers: _Headers  # without Date
    not_modified: _Headers  # the 304's: without the entity headers (as Werkzeug sends it)
    etag: str | None
    body: bytes


def _host_name(host: str) -> str:
    """``host`` without its port (``[::1]:8000`` -> ``[::1]``), lower case."""
    if host.startswith("["):
        return host[: host.index("]") + 1].lower()
    return host.rsplit(":", 1)[0].lower()


def _cookie_names(header: str) -> set[str]:
    return {part.split("=", 1)[0].strip() for part in header.split(";")}


class _Date:
    """``Date`` for now, made once a second rather than once an answer."""

    second = -1
    value = ""

    def now(self) -> str:
        second = int(time())
        if second != self.second:
            self.value, self.second = http_date(second), second
        return self.value


class HotPages:
    """The WSGI middleware (see the module doc)."""

    def __init__(self, wsgi_app: Callable, app: Flask) -> None:
        self.wsgi_app = wsgi_app
        self.config = app.config
        self.entries: OrderedDict[tuple[str, ...], _Entry] = OrderedDict()
        self.total_bytes = 0
        self.lock = threading.Lock()
        # What the entries were stored under: the generation and the tests' clock offset.
        self.state: tuple[int, Any] = (_generation, timeutil._clock_offset)
        self.date = _Date()

    def seconds(self) -> float:
        """How long an entry may live; 0: the layer is off."""
        value = self.config.get("PAGE_MEMORY_SECONDS")
        if value is None:
            return 0.0 if self.config.get("TESTING") else DEFAULT_SECONDS
        return float(value)

    def _bypass(self, environ: dict[str, Any]) -> bool:
        """Whether this request may carry state of its own (or is not a plain read)."""
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or "HTTP_IF_MATCH" in environ:
            return True  # If-Match (412) is rare: Flask answers it
        cookies = environ.get("HTTP_COOKIE")
        if not cookies:
            return False
        own = {self.config.get("SESSION_COOKIE_NAME") or "session"}
        own.update(self.config.get("PER_READER_COOKIES") or ())
        return not own.isdisjoint(_cookie_names(cookies))

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        seconds = self.seconds()
        if seconds <= 0 or self._bypass(environ):
            return self.wsgi_app(environ, start_response)
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        key = (
            environ.get("wsgi.url_scheme", "http"),
            _host_name(host),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_HX_REQUEST", ""),
            environ.get("HTTP_HX_REQUEST_TYPE", ""),
        )
        now = monotonic()
        state = self._current_state()
        entry = self._get(key, now)
        if entry is not None:
            return self._answer(entry, environ, start_response)
        if environ["REQUEST_METHOD"] != "GET":
            return self.wsgi_app(environ, start_response)
        return self._fill(key, now + seconds, state, environ, start_response)

    def _current_state(self) -> tuple[int, Any]:
        """The generation and clock now; entries stored under others are dropped."""
        state = (_generation, timeutil._clock_offset)
        if state != self.state:
            with self.lock:
                self.entries.clear()
                self.total_bytes = 0
                self.state = state
        return state

    def _get(self, key: tuple[str, ...], now: float) -> _Entry | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None:
                return None
            if entry.expires <= now:
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return entry

    def _drop(self, key: tuple[str, ...]) -> None:
        entry = self.entries.pop(key)
        self.total_bytes -= len(entry.body)

    def _answer(
        self, entry: _Entry, environ: dict[str, Any], start_response: Callable
    ) -> Iterable[bytes]:
        date = ("Date", self.date.now())
        if (
            entry.etag is not None
            and "HTTP_IF_NONE_MATCH" in environ
            and not is_resource_modified(environ, entry.etag)
        ):
            start_response("304 NOT MODIFIED", [*entry.not_modified, date])
            return []
        start_response(entry.status, [*entry.headers, date])
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]

    def _fill(
        self,
        key: tuple[str, ...],
        expires: float,
        state: tuple[int, Any],
        environ: dict[str, Any],
        start_response: Callable,
    ) -> Iterable[bytes]:
        """Let Flask answer; keep its answer when it is a shared page."""
        sent: list[Any] = []

        def remember(status: str, headers: _Headers, exc_info: Any = None) -> Callable:
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        answer = self.wsgi_app(environ, remember)
        if not sent or not _shared(*sent):
            return answer
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        status, headers = sent
        # A commit in this process while the page was built: it may show the data before it.
        if len(body) <= MAX_BODY_BYTES and (_generation, timeutil._clock_offset) == state:
            self._store(key, _entry(expires, status, headers, body))
        return [body]

    def _store(self, key: tuple[str, ...], entry: _Entry) -> None:
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = entry
            self.total_bytes += len(entry.body)
            while len(self.entries) > MAX_ENTRIES or self.total_bytes > MAX_TOTAL_BYTES:
                self._drop(next(iter(self.entries)))


def _shared(status: str, headers: _Headers) -> bool:
    """Whether Flask answered a page every anonymous reader shares (see the module doc)."""
    if not status.startswith("200"):
        return False
    marked = public = False
    for name, value in headers:
        lower = name.lower()
        if lower == "x-hublet-cache":
            marked = value in ("hit", "miss")
        elif lower == "cache-control":
            public = value.startswith("public")
        elif lower == "set-cookie" or lower.startswith("x-ratelimit") or lower == "retry-after":
            return False
    return marked and public


def _entry(expires: float, status: str, headers: _Headers, body: bytes) -> _Entry:
    kept = [
        (name, MEMORY if name.lower() == "x-hublet-cache" else value)
        for name, value in headers
        if name.lower() != "date"
    ]
    not_modified = list(kept)
    remove_entity_headers(not_modified)
    etag = next((value for name, value in kept if name.lower() == "etag"), None)
    return _Entry(expires, status, kept, not_modified, etag, body)


def init_app(app: Flask) -> None:
    """Wrap Flask's WSGI app. Call before ``hublet.security.init_app``, whose host check and
    proxy handling must wrap this layer (they run first)."""
    layer = HotPages(app.wsgi_app, app)
    app.extensions["hot_pages"] = layer
    app.wsgi_app = layer  # type: ignore[method-assign]
