"""Configuration: defaults here, then ``instance/config.py``, then the environment.

Environment variables: ``DATABASE_URL``, ``REDIS_URL``, and any ``HUBLET_<NAME>`` (for example
``HUBLET_SECRET_KEY``, ``HUBLET_SITE_NAME``, ``HUBLET_TIMEZONE``, ``HUBLET_SITE_URL``), whose value
is parsed as JSON when it can be (so ``HUBLET_COMMENTS_CLOSE_AFTER_DAYS=30`` is a number); list
settings (``HUBLET_ALLOWED_HOSTS``, ``HUBLET_TRUSTED_PROXY_NETWORKS``) may be comma-separated.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

from flask import Flask

#: The comment cookies: the comments feature sets them; a page cache must know them as well.
OWN_COMMENTS_COOKIE = "hublet_own_comments"
COMMENTER_COOKIE = "hublet_commenter"
#: The static page whose address is the contact form's (/contact-us).
CONTACT_PAGE_SLUG = "contact-us"


class DefaultConfig:
    """Settings every deployment starts from."""

    SITE_NAME = "Global Hublet"
    SITE_TAGLINE = "News you can trust, every day"
    SITE_DESCRIPTION = (
        "Global Hublet is an independent news and information platform delivering reliable "
        "updates on global events, business, technology, health, entertainment and sports, "
        "helping readers stay informed with accurate and engaging reporting every day."
    )
    TIMEZONE = "UTC"
    SOCIAL_LINKS = {
        "Facebook": "https://www.facebook.com/",
        "X (Twitter)": "https://x.com/",
        "Instagram": "https://www.instagram.com/",
    }
    FOOTER_SOCIAL_LINKS = {
        "Facebook": "https://www.facebook.com/",
        "X (Twitter)": "https://x.com/",
        "Instagram": "https://www.instagram.com/",
        "LinkedIn": "https://www.linkedin.com/",
        "WhatsApp": "https://www.whatsapp.com/",
    }
    ARTICLES_PER_PAGE = 10
    # Comment threads are cut into pages of this many top-level comments (with their replies).
    COMMENTS_PER_PAGE = 50

    # A pooled connection the database dropped (restart, failover) is replaced, not used.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 10_000

    # Reader input is small: 64 KB is plenty for every form here.
    MAX_CONTENT_LENGTH = 64 * 1024
    MAX_FORM_MEMORY_SIZE = 64 * 1024

    WTF_CSRF_TIME_LIMIT = None  # a token lives as long as the session
    WTF_CSRF_HEADERS = ["X-CSRFToken"]

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Served over HTTPS (HUBLET_HTTPS=true): HSTS, Secure cookies named "__Host-session".
    HTTPS = False
    # The site's public address (scheme, host, optional path): the one source of every
    # absolute URL (canonical, feeds, sitemaps, share links) and of the host names served.
    # Unset, it is DEVELOPMENT_SITE_URL and only loopback names are served (see site_hosts).
    SITE_URL: str | None = None
    # Other host names this site answers to (e.g. "www.example.com"); any other Host gets 400.
    ALLOWED_HOSTS: list[str] = []
    # Reverse proxies in front: X-Forwarded-For and X-Forwarded-Proto are read only from a peer
    # inside these networks ("10.0.0.0/8,127.0.0.1/32"). TRUSTED_PROXIES is how many proxy hops
    # the X-Forwarded-For walk may step over (0: as many as are inside the networks); set alone,
    # as before, it trusts a proxy on this host (loopback). See hublet/proxies.py.
    TRUSTED_PROXY_NETWORKS: list[str] = []
    TRUSTED_PROXIES = 0
    LOG_LEVEL = "INFO"

    CACHE_TYPE = "SimpleCache"
    # Entries kept per process by the in-process cache: 500 pages of ~60 KB stay under 30 MB.
    CACHE_THRESHOLD = 500
    PAGE_CACHE_ENABLED = True
    # Anonymous pages are the same bytes for everyone (hublet/caching.py): browsers may keep one
    # PAGE_MAX_AGE seconds (0: they always ask, and mostly get a 304), a proxy in front (nginx)
    # PAGE_SHARED_MAX_AGE seconds, so a new story or an approved comment shows to every reader
    # within that, and a stale copy for PAGE_STALE_WHILE_REVALIDATE more while it fetches anew.
    PAGE_MAX_AGE = 0
    PAGE_SHARED_MAX_AGE = 5
    PAGE_STALE_WHILE_REVALIDATE = 30
    # Each process answers an anonymous page it built in the last PAGE_MEMORY_SECONDS from its
    # memory, before Flask runs (hublet/hot_pages.py); a write in the process forgets them at
    # once. 0 turns it off; unset (None) it is 1 second, and off under TESTING.
    PAGE_MEMORY_SECONDS: float | None = None
    # Cookies that make a page the reader's own (their pending comments, a remembered comment
    # form): such readers never get or fill a shared cached page.
    PER_READER_COOKIES = [OWN_COMMENTS_COOKIE, COMMENTER_COOKIE]
    CACHE_DEFAULT_TIMEOUT = 60
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Several sites may share one Redis: every key this site writes starts with its prefix.
    RATELIMIT_KEY_PREFIX = "hublet"
    CACHE_KEY_PREFIX = "hublet:"
    # Per client address, on POSTs (Flask-Limiter syntax; see hublet.security.rate_limit).
    RATELIMIT_CONTACT = "5 per minute;30 per day"

    # The rate-limit and failed-login counters' Redis (HUBLET_LIMITS_REDIS_URL), default
    # REDIS_URL. Give it a database whose maxmemory-policy is noeviction, apart from the
    # cache's (which may evict): a flood of cached pages must not evict the counters.
    LIMITS_REDIS_URL: str | None = None
    REDIS_URL: str | None = None

    # Reader comments (hublet/comments/rules.py). These are the defaults; a moderator's
    # choices are stored in ModerationSetting and take precedence.
    COMMENTS_CLOSE_AFTER_DAYS: int | None = None  # None: comments never close by age
    COMMENT_LINKS_THRESHOLD = 2  # more links than this: held for a moderator
    COMMENT_FLOOD_SECONDS = 15  # 0 turns the flood rule off
    COMMENT_FIRST_TIME_HOLD = True
    COMMENT_MODERATION_KEYWORDS: list[str] = []
    COMMENT_DISALLOWED_KEYWORDS: list[str] = []
    COMMENT_RATE_LIMIT = "10 per minute;60 per hour"  # Flask-Limiter, per client address


def load_config(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` from the defaults, the instance folder and the environment."""
    app.config.from_object(DefaultConfig)
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
        app.instance_path, "hublet.sqlite"
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
        if os.environ.get("REDIS_URL"):
            app.config["REDIS_URL"] = os.environ["REDIS_URL"]
        app.config.from_prefixed_env("HUBLET")
    else:
        app.config.from_mapping(test_config)

    if app.config.get("REDIS_URL"):
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
        if app.config.get("CACHE_TYPE") == "SimpleCache":
            app.config["CACHE_TYPE"] = "RedisCache"
    limits_url = app.config.get("LIMITS_REDIS_URL") or app.config.get("REDIS_URL")
    if limits_url and app.config.get("RATELIMIT_STORAGE_URI") == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = limits_url
        # Redis down: count in this process's memory rather than fail every request.
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    app.config["SITE_URL"] = normalized_site_url(app.config.get("SITE_URL"))
    app.config["ALLOWED_HOSTS"] = setting_list(app.config.get("ALLOWED_HOSTS"))
    app.config["TRUSTED_PROXY_NETWORKS"] = setting_list(app.config.get("TRUSTED_PROXY_NETWORKS"))


#: Where ``make run`` and ``flask run`` serve by default: absolute URLs when SITE_URL is unset.
DEVELOPMENT_SITE_URL = "http://127.0.0.1:5000"
#: Names of this machine: a site on one of them (a developer's) answers to all of them.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def normalized_site_url(value: str | None) -> str | None:
    """``SITE_URL`` without a trailing slash, or ``None``; a malformed one stops the start.

    Only scheme, host, port and path: a query or fragment would end up inside every URL.
    """
    if not value:
        return None
    parts = urlsplit(str(value).strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(
            f"SITE_URL {value!r} must look like https://news.example.com (optionally with a path)"
        )
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path.rstrip("/"), "", ""))


def site_url(config: Mapping[str, Any]) -> str:
    """The site's public address: ``SITE_URL``, or the development address when unset."""
    return config.get("SITE_URL") or DEVELOPMENT_SITE_URL


def site_hosts(config: Mapping[str, Any]) -> list[str]:
    """The host names (no port) this site answers to: SITE_URL's host and ALLOWED_HOSTS.

    With SITE_URL unset, or on a loopback name, the loopback names are the site: that is a
    developer's machine. A name starting with "." also matches its subdomains.
    """
    host = urlsplit(site_url(config)).hostname or ""
    host = f"[{host}]" if ":" in host else host
    hosts = [host, *setting_list(config.get("ALLOWED_HOSTS"))]
    if not config.get("SITE_URL") or host in LOOPBACK_HOSTS:
        hosts.extend(LOOPBACK_HOSTS)
    return list(dict.fromkeys(name.lower() for name in hosts if name))


def setting_list(value: object) -> list[str]:
    """A list setting given as a list or as comma-separated text (the environment's form)."""
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else cast("Iterable[object]", value)
    return [str(item).strip() for item in items if str(item).strip()]


def instance_secret_key(instance: Path) -> str:
    """Return the key kept in ``instance/secret_key``, creating it (mode 0600) on first use.

    Several processes may start at once: O_EXCL makes exactly one of them the writer and
    the others read what it wrote.
    """
    path = instance / "secret_key"
    instance.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            key = path.read_text().strip()
            if key:
                return key
            import time

            time.sleep(0.02)
        raise RuntimeError(f"{path} is empty; delete it to have a new key made") from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
