"""The edge: real nginx (deploy/nginx.conf, as an operator copies it) in front of real gunicorn
(deploy/gunicorn.conf.py) on the test's database.

What a reader would notice if the edge were wrong: a page made for someone else (a moderator's,
one with another reader's session) served to them from nginx's cache, or Python answering for
files nginx should serve. Skipped only when nginx is not installed (``make test`` installs it).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy.nginx import PLACEHOLDERS, Edge, free_port, nginx_binary, render, serve
from tests.builders import make_article, make_comment, make_moderator
from tests.conftest import TEST_SECRET
from tests.test_scaleout import Browser

ROOT = Path(__file__).resolve().parent.parent

NO_NGINX = "nginx is not installed (apt-get install nginx; make test does)"

#: Every cookie with which Hublet may make a page for one reader alone.
PERSONAL_COOKIES = ("session", "__Host-session", "hublet_own_comments", "hublet_commenter")


class Site:
    """nginx and the gunicorn behind it."""

    def __init__(self, edge: Edge, gunicorn_log: Path, app_log: Path) -> None:
        self.edge = edge
        self.url = edge.url
        self.gunicorn_log = gunicorn_log
        self.app_log = app_log

    def get(
        self, path: str, headers: dict[str, str] | None = None
    ) -> tuple[int, bytes, http.client.HTTPMessage]:
        """One request on a connection of its own, redirects not followed."""
        connection = http.client.HTTPConnection("127.0.0.1", self.edge.port, timeout=30)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.read(), response.headers
        finally:
            connection.close()

    def python_saw(self, path: str) -> bool:
        """Whether a request for ``path`` reached gunicorn (its access log)."""
        return f"GET {path} " in self.gunicorn_log.read_text()


@pytest.fixture
def site(app_config: dict, tmp_path: Path) -> Iterator[Site]:
    if nginx_binary() is None:
        pytest.skip(NO_NGINX)
    port = free_port()
    log = tmp_path / "gunicorn-access.log"
    app_log = tmp_path / "app.log"
    env = dict(
        os.environ,
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        HUBLET_SECRET_KEY=f'"{TEST_SECRET}"',
        HUBLET_INSTANCE_PATH=app_config["INSTANCE_PATH"],
        HUBLET_TRUSTED_PROXY_NETWORKS="127.0.0.1/32",
        HUBLET_RATELIMIT_ENABLED="false",
    )
    env.pop("REDIS_URL", None)
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
         "--workers", "1", "--bind", f"127.0.0.1:{port}", "--access-logfile", str(log),
         "app:app"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=app_log.open("w"),
    )  # fmt: skip
    try:
        _wait_for(f"http://127.0.0.1:{port}/robots.txt", gunicorn)
        media = Path(app_config["INSTANCE_PATH"]) / "media"  # the app's own media folder
        with serve(f"127.0.0.1:{port}", tmp_path / "nginx", media_root=media) as edge:
            yield Site(edge, log, app_log)
    finally:
        os.killpg(gunicorn.pid, signal.SIGTERM)
        gunicorn.wait(timeout=30)


def _wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("gunicorn stopped")
        try:
            urllib.request.urlopen(url, timeout=30).close()
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within 60 s")


def test_the_template_is_filled_whole_and_leaves_nginx_variables_alone():
    values = {name: f"<{name.lower()}>" for name in PLACEHOLDERS}
    config = render(values)
    assert not re.search(r"\$\{[A-Z_]+\}", config)
    assert "listen <listen> default_server;" in config and "server <upstream>;" in config
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in config
    with pytest.raises(KeyError, match="CACHE_DIR"):
        render({name: "x" for name in PLACEHOLDERS if name != "CACHE_DIR"})


def test_nginx_sets_the_client_address_itself(site, ctx):
    """A forged X-Forwarded-For is replaced: the app sees the address nginx saw."""
    connection = http.client.HTTPConnection("127.0.0.1", site.edge.port, timeout=30)
    connection.request(
        "POST", "/moderation/login", body="username=nobody&password=wrong",
        headers={"X-Forwarded-For": "203.0.113.99", "X-Forwarded-Proto": "https",
                 "Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    response = connection.getresponse()
    response.read()
    connection.close()
    assert response.status == 400  # no CSRF token: refused, and logged with the client address
    assert "Secure" not in response.headers.get("Set-Cookie", ""), "believed the forged scheme"
    log = site.app_log.read_text()
    assert "client=127.0.0.1 path=/moderation/login" in log
    assert "203.0.113.99" not in log


def test_static_files_come_from_nginx_not_python(site):
    status, body, headers = site.get("/static/css/hublet.css")
    assert status == 200
    assert body == (ROOT / "static/css/hublet.css").read_bytes()
    assert "immutable" in headers["Cache-Control"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    # Pages go to Python (and say so in its log); static files never do.
    assert site.get("/robots.txt")[0] == 200
    assert site.python_saw("/robots.txt")
    assert not site.python_saw("/static/")
    # No way out of the static folder.
    assert site.get("/static/../app.py")[0] in (400, 404)
    assert site.get("/static/..%2fapp.py")[0] in (400, 404)


def test_media_files_come_from_nginx_and_only_stored_names(site, app_config):
    folder = Path(app_config["INSTANCE_PATH"]) / "media"
    folder.mkdir(exist_ok=True)
    picture = b"\x89PNG\r\n\x1a\n" + b"pixels" * 100
    name = hashlib.sha256(picture).hexdigest() + ".png"
    (folder / name).write_bytes(picture)
    (folder / "wp-uploads-index.json").write_text('{"2024/05/a.png": "x"}')
    status, body, headers = site.get(f"/media/{name}")
    assert (status, body) == (200, picture)
    assert headers["Content-Type"] == "image/png"
    assert "immutable" in headers["Cache-Control"]
    assert not site.python_saw("/media/")
    # The folder's other files are not for readers, nor is any other name.
    for path in ("/media/wp-uploads-index.json", "/media/", f"/media/{name}.json",
                 f"/media/../media/{name}x"):  # fmt: skip
        assert site.get(path)[0] == 404, path


def test_nginx_names_no_version_and_drops_unknown_hosts(site):
    _, _, headers = site.get("/static/css/hublet.css")
    assert headers["Server"] == "nginx"
    # A forged Host reaches the catch-all server, which closes without an answer (444).
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        site.get("/", headers={"Host": "evil.example"})


def test_a_cacheable_answer_is_stored_and_a_reader_with_a_cookie_never_gets_it(site):
    # robots.txt says "public, max-age": the cache works at all.
    assert site.get("/robots.txt")[2]["X-Cache-Status"] in ("MISS", "EXPIRED")
    assert site.get("/robots.txt")[2]["X-Cache-Status"] == "HIT"
    for name in PERSONAL_COOKIES:
        for cookie in (f"{name}=x", f"other=1; {name}=x", f"other=1;{name}=x"):
            _, _, headers = site.get("/robots.txt", {"Cookie": cookie})
            assert headers["X-Cache-Status"] == "BYPASS", cookie
    # A cookie that merely ends with one of the names is someone else's: cached as usual.
    assert site.get("/robots.txt", {"Cookie": "notsession=1"})[2]["X-Cache-Status"] == "HIT"


def test_an_answer_to_a_reader_with_a_cookie_is_never_stored(site):
    # First asked by a reader with a session: nothing may be kept for the next reader.
    _, _, headers = site.get("/robots.txt", {"Cookie": "session=someone"})
    assert headers["X-Cache-Status"] == "BYPASS"
    assert site.get("/robots.txt")[2]["X-Cache-Status"] == "MISS"


def test_a_no_store_page_is_never_stored(site):
    """The login form says no-store and sets each reader a session of their own."""
    first = site.get("/moderation/login")
    second = site.get("/moderation/login")
    for status, _, headers in (first, second):
        assert status == 200
        assert headers["X-Cache-Status"] == "MISS"
        assert "no-store" in headers["Cache-Control"]
    cookies = [headers["Set-Cookie"].split(";")[0] for _, _, headers in (first, second)]
    assert cookies[0] != cookies[1], "two readers got the same session"


def test_a_moderators_pages_are_never_stored(site, ctx):
    make_article("Quiet story")
    make_moderator("editor", "correct horse battery staple")
    moderator = Browser()
    token = moderator.token(f"{site.url}/moderation/login")
    status, _, _ = moderator.post(
        f"{site.url}/moderation/login",
        {"username": "editor", "password": "correct horse battery staple", "csrf_token": token},
    )
    assert status == 303, status
    for path in ("/moderation/", "/"):
        status, html, headers = moderator.get(f"{site.url}{path}")
        assert status == 200 and headers["X-Cache-Status"] == "BYPASS"
        assert "private" in headers["Cache-Control"] or "no-store" in headers["Cache-Control"]
    # Read back as another reader: the moderation page is not theirs, from the cache or not.
    status, html, headers = site.get("/moderation/")
    assert status in (302, 303) and headers["X-Cache-Status"] != "HIT"
    assert b"Quiet story" not in html and b"Log out" not in html
    _, html, headers = site.get("/")
    assert headers["X-Cache-Status"] != "HIT"
    assert b"/moderation/logout" not in html


def freshness_bound(headers: http.client.HTTPMessage) -> float:
    """How long nginx may keep this answer: the app's s-maxage or max-age, else the config's
    5 s, plus one stale answer while a request fetches the new copy."""
    control = headers.get("Cache-Control", "")
    match = re.search(r"s-maxage=(\d+)", control) or re.search(r"max-age=(\d+)", control)
    return (int(match.group(1)) if match else 5) + 2.0


def shows_within(site: Site, path: str, text: bytes, seconds: float) -> bool:
    """Whether an anonymous reader sees ``text`` on ``path`` within ``seconds`` (polled)."""
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / 0.25) + 1):
        if text in site.get(path)[1]:
            return True
        if time.monotonic() > deadline:
            break
        time.sleep(0.25)
    return False


def test_a_published_story_and_an_approved_comment_show_through_nginx_soon(site, ctx):
    story = make_article("First story")
    comment = make_comment(story, text="Held until approved", status="pending")
    make_moderator("editor", "correct horse battery staple")
    for _ in range(2):  # in nginx's cache, if the app lets it be kept
        _, _, headers = site.get("/")
        _, html, article_headers = site.get("/article/first-story")
    assert b"Held until approved" not in html

    make_article("Second story")
    bound = freshness_bound(headers)
    assert shows_within(site, "/", b"Second story", bound), f"not on / within {bound} s"

    moderator = Browser()
    token = moderator.token(f"{site.url}/moderation/login")
    status, _, _ = moderator.post(
        f"{site.url}/moderation/login",
        {"username": "editor", "password": "correct horse battery staple", "csrf_token": token},
    )
    assert status == 303, status
    token = moderator.token(f"{site.url}/moderation/")
    status, _, _ = moderator.post(
        f"{site.url}/moderation/comments/{comment.id}/approve", {"csrf_token": token}
    )
    assert status in (200, 303), status
    bound = freshness_bound(article_headers)
    assert shows_within(site, "/article/first-story", b"Held until approved", bound), (
        f"approved comment not shown within {bound} s"
    )


def test_a_second_anonymous_page_request_is_an_nginx_hit(site, ctx):
    make_article("Breaking story")
    for path in ("/", "/article/breaking-story"):
        status, _, headers = site.get(path)
        assert status == 200
        cookies = headers.get_all("Set-Cookie")
        assert not cookies, f"{path}: an anonymous reader was given a cookie: {cookies}"
        assert site.get(path)[2]["X-Cache-Status"] == "HIT", path
    # The htmx partial of the same URL is an answer of its own.
    partial = {"HX-Request": "true", "HX-Request-Type": "partial"}
    assert site.get("/", partial)[2]["X-Cache-Status"] in ("MISS", "EXPIRED")
