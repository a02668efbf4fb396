"""What a request claims about itself never reaches a page another reader gets.

Each test replays an attack on the page cache: a poisoned ``Host`` or ``X-Forwarded-Host`` must
never show in a page, feed or sitemap, cached or not; made-up query parameters must not fill the
cache; a page with a reader's own state must not be kept by a shared cache.
"""

from __future__ import annotations

import http.client
import logging
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from hublet import create_app
from hublet.extensions import cache
from tests.builders import make_article, make_author, make_category, make_moderator
from tests.comments.helpers import post
from tests.conftest import TEST_SECRET
from tests.hardening.test_paths import free_port
from tests.moderation.helpers import log_in

EVIL = "evil.example"
PROXY_HEADERS = {
    "X-Forwarded-Host": EVIL,
    "X-Forwarded-For": "203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Port": "8443",
    "X-Forwarded-Prefix": "/evil",
}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Behind one reverse proxy on this host, as docs/deploy.md sets it up."""
    return {**app_config, "TRUSTED_PROXIES": 1, "TRUSTED_PROXY_NETWORKS": "127.0.0.1/32"}


@pytest.fixture
def pages(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    """Every kind of page whose output holds absolute URLs."""
    category, author = make_category(slug="world"), make_author(slug="grace")
    make_article("Harbour reopens", slug="harbour-reopens", category=category, author=author)
    category = "world"
    return [
        "/",
        "/?page=1",
        "/article/harbour-reopens",
        f"/category/{category}",
        "/author/grace",
        "/contact-us",
        "/search?q=harbour",
        "/feed",
        "/feed/atom",
        f"/category/{category}/feed",
        f"/category/{category}/feed/atom",
        "/sitemap.xml",
        "/sitemap-news.xml",
        "/robots.txt",
    ]


def test_a_poisoned_host_gets_400_before_any_page_or_cache(app, client, pages):
    for path in pages:
        poisoned = client.get(path, headers={"Host": EVIL})
        assert poisoned.status_code == 400, path
        assert EVIL not in poisoned.get_data(as_text=True)
        assert "X-Hublet-Cache" not in poisoned.headers
        assert "Content-Security-Policy" in poisoned.headers  # still a response of this site
        again = client.get(path, headers={"Host": f"{EVIL}:80"})
        assert again.status_code == 400, path
    for path in pages:
        honest = client.get(path)
        assert honest.status_code == 200, path
        assert EVIL not in honest.get_data(as_text=True), path
    with app.app_context():
        assert not any(EVIL in key for key in _cache_keys())
        assert _stored_pages(app), "the honest requests were stored"


def test_a_poisoned_forwarded_host_never_appears_cached_or_not(app, client, pages):
    for path in pages:
        for attempt in range(2):
            response = client.get(path, headers=PROXY_HEADERS)
            html = response.get_data(as_text=True)
            assert response.status_code == 200, path
            assert EVIL not in html and "8443" not in html and "/evil" not in html, path
            if attempt == 1 and path != "/robots.txt":
                assert response.headers["X-Hublet-Cache"] == "hit", path
        honest = client.get(path)
        assert EVIL not in honest.get_data(as_text=True), path
    canonical = client.get("/article/harbour-reopens", headers=PROXY_HEADERS)
    assert '<link rel="canonical" href="http://localhost/article/harbour-reopens">' in (
        canonical.get_data(as_text=True)
    )


def test_absolute_urls_come_from_site_url_with_its_path(app, app_config):
    """SITE_URL with a path, in every absolute URL (``app``: the tables are fresh)."""
    app_config["SITE_URL"] = "https://news.example.com/daily/"
    site = create_app(app_config)
    client = site.test_client()
    with site.app_context():
        make_article("Harbour reopens", slug="harbour-reopens")
        cache.clear()
    headers = {"Host": "news.example.com"}
    html = client.get("/article/harbour-reopens", headers=headers).get_data(as_text=True)
    assert 'href="https://news.example.com/daily/article/harbour-reopens"' in html
    assert 'content="https://news.example.com/daily/static/img/' in html  # og:image
    robots = client.get("/robots.txt", headers=headers).get_data(as_text=True)
    assert "Sitemap: https://news.example.com/daily/sitemap.xml" in robots
    # Only the site's host is served; localhost is no alias of a public site.
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400
    assert client.get("/", headers={"Host": "news.example.com:443"}).status_code == 200


def test_allowed_hosts_are_aliases_served_with_the_site_url(app_config):
    app_config.update(SITE_URL="https://news.example.com", ALLOWED_HOSTS="www.example.com")
    client = create_app(app_config).test_client()
    www = client.get("/robots.txt", headers={"Host": "www.example.com"})
    assert www.status_code == 200
    assert "Sitemap: https://news.example.com/sitemap.xml" in www.get_data(as_text=True)
    assert client.get("/robots.txt", headers={"Host": "example.com"}).status_code == 400


def test_without_site_url_the_loopback_names_are_the_site(app_config):
    del app_config["SITE_URL"]
    client = create_app(app_config).test_client()
    for host in ("localhost", "127.0.0.1:5000", "[::1]:8000"):
        assert client.get("/robots.txt", headers={"Host": host}).status_code == 200, host
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://127.0.0.1:5000/sitemap.xml" in robots
    assert client.get("/robots.txt", headers={"Host": EVIL}).status_code == 400


def test_a_production_start_without_site_url_says_so(app_config, caplog):
    del app_config["SITE_URL"]
    app_config["TESTING"] = False
    caplog.set_level(logging.WARNING, logger="hublet")
    create_app(app_config)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("HUBLET_SITE_URL is not set" in message for message in warnings)
    caplog.clear()
    create_app({**app_config, "SITE_URL": "https://news.example.com"})
    assert not any("HUBLET_SITE_URL" in r.getMessage() for r in caplog.records)


def test_a_malformed_site_url_stops_the_start(app_config):
    for bad in ("news.example.com", "ftp://news.example.com", "https://news.example.com/?a=1"):
        with pytest.raises(ValueError, match="SITE_URL"):
            create_app({**app_config, "SITE_URL": bad})


def _cache_keys() -> list[str]:
    return list(cache.cache._cache)  # the in-process SimpleCache of the tests


def _stored_pages(app) -> list[str]:  # type: ignore[no-untyped-def]
    prefix = app.config["CACHE_KEY_PREFIX"]
    return [key for key in _cache_keys() if key.removeprefix(prefix).startswith("page:")]


def test_made_up_query_parameters_are_served_but_never_stored(app, client, ctx):
    make_article("Harbour reopens", slug="harbour-reopens")
    for n in range(1, 21):
        response = client.get(f"/?x={n}")
        assert response.status_code == 200
        assert "Harbour reopens" in response.get_data(as_text=True)
    assert not _stored_pages(app)
    # A stored page is still served to the same address with a tracking parameter.
    assert client.get("/").headers["X-Hublet-Cache"] == "miss"
    assert client.get("/?utm_source=x").headers["X-Hublet-Cache"] == "hit"
    for port in (81, 8080, 65000):  # any port passes the host check; none is a new entry
        assert (
            client.get("/", headers={"Host": f"localhost:{port}"}).headers["X-Hublet-Cache"]
            == "hit"
        )
    # A parameter a view reads keys its page; given twice it is not stored either.
    assert client.get("/article/harbour-reopens?cpage=1").headers["X-Hublet-Cache"] == "miss"
    for n in range(2, 7):
        assert client.get(f"/?page=1&page={n}").status_code == 200
    assert len(_stored_pages(app)) == 2, _stored_pages(app)


def test_a_readers_own_pages_are_private(app, client, ctx):
    make_article("Harbour reopens", slug="harbour-reopens")
    anonymous = client.get("/article/harbour-reopens")
    # Same bytes for all: a proxy may keep it a few seconds, browsers revalidate.
    assert anonymous.headers["Cache-Control"].startswith("public, max-age=0, s-maxage=")
    # A held comment: the page now shows it to its author only.
    app.config["COMMENT_FIRST_TIME_HOLD"] = True
    assert post(client, "harbour-reopens", comment="Held for now.").status_code == 303
    for path in ("/article/harbour-reopens", "/", "/contact-us", "/lists/featured"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-cache", path
        assert "X-Hublet-Cache" not in response.headers


def test_a_moderators_pages_are_private(app, client, ctx):
    make_article("Harbour reopens", slug="harbour-reopens")
    make_moderator("mod")
    assert log_in(client).status_code == 303
    for path in ("/", "/article/harbour-reopens", "/lists/featured"):
        assert client.get(path).headers["Cache-Control"] == "private, no-cache", path
    assert "no-store" in client.get("/moderation/").headers["Cache-Control"]


@pytest.fixture
def gunicorn_site(app, app_config: dict, pages: list[str]) -> Iterator[int]:
    """The production server on the test's database, behind a (pretend) proxy on loopback."""
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        HUBLET_SECRET_KEY=f'"{TEST_SECRET}"',
        HUBLET_INSTANCE_PATH=app_config["INSTANCE_PATH"],
        HUBLET_SITE_URL="http://localhost",
        HUBLET_TRUSTED_PROXIES="1",
        HUBLET_TRUSTED_PROXY_NETWORKS="127.0.0.1/32",
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--workers", "1", "--bind", f"127.0.0.1:{port}", "app:app"],
        cwd=Path(app.root_path).parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def http_get(port: int, path: str, headers: dict[str, str]) -> tuple[int, str, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, body, dict(response.getheaders())
    finally:
        connection.close()


def test_gunicorn_refuses_a_poisoned_host_and_ignores_a_forwarded_one(gunicorn_site, pages):
    port = gunicorn_site
    for path in pages:
        status, body, _ = http_get(port, path, {"Host": EVIL})
        assert status == 400 and EVIL not in body, path
    for path in pages:
        seen = []
        for _ in range(2):
            status, body, headers = http_get(
                port, path, {"Host": f"localhost:{port}", **PROXY_HEADERS}
            )
            assert status == 200, path
            assert EVIL not in body and "/evil" not in body, path
            seen.append(headers.get("X-Hublet-Cache"))
        if path != "/robots.txt":
            # The second from the page cache, or from the process's memory (hublet/hot_pages.py).
            assert seen in (["miss", "hit"], ["miss", "memory"]), (path, seen)
        status, body, _ = http_get(port, path, {"Host": f"localhost:{port}"})
        assert status == 200 and EVIL not in body, path
    _, article, _ = http_get(port, "/article/harbour-reopens", {"Host": "localhost"})
    assert 'rel="canonical" href="http://localhost/article/harbour-reopens"' in article


def test_no_module_builds_an_absolute_url_on_the_requests_host():
    """The request's host reaches no URL: absolute URLs go through hublet.seo (SITE_URL)."""
    package = Path(__file__).resolve().parents[2] / "hublet"
    offenders = [
        f"{path.relative_to(package.parent)}: {needle}"
        for path in package.rglob("*.py")
        for needle in ("_external=True", "host_url", "url_root", "request.base_url")
        if needle in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
