"""Scale-out: two gunicorn instances share one PostgreSQL and one Redis.

Runs where both are available (CI: ``--db=postgresql`` with ``HUBLET_TEST_REDIS_URL``) and shows
what a reader and a moderator would notice if the instances did not share state: a comment
approved through A is visible through B at once, a rate limit trips across the two, and a
session started on one works on the other.
"""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from hublet import hot_pages
from tests.builders import make_article, make_comment, make_moderator
from tests.conftest import csrf_token_in

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = os.environ.get("HUBLET_TEST_REDIS_URL")


@pytest.fixture
def instances(backend: str, app_config: dict, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if backend != "postgresql" or not REDIS_URL:
        pytest.skip("needs --db=postgresql and HUBLET_TEST_REDIS_URL")
    run = uuid.uuid4().hex[:8]
    env = {
        **os.environ,
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": REDIS_URL,
        "HUBLET_SECRET_KEY": "scale-out-test-secret",
        "HUBLET_INSTANCE_PATH": str(tmp_path),
        # A prefix of this run's own, so that other runs' keys never meet these.
        "HUBLET_CACHE_KEY_PREFIX": f"hublet-test-{run}:",
        "HUBLET_RATELIMIT_KEY_PREFIX": f"hublet-test-{run}",
        "HUBLET_SEARCH_RATE_LIMIT": "6 per minute",
    }
    processes, urls = [], []
    for _ in range(2):
        port = _free_port()
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
                 f"127.0.0.1:{port}", "app:app"],
                cwd=ROOT, env=env, start_new_session=True,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
        )  # fmt: skip
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            _wait_for(url)
        yield urls[0], urls[1]
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/robots.txt", timeout=2)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not start")


class Browser:
    """A reader's cookie jar that does not follow redirects (to see them)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def get(self, url: str) -> tuple[int, str, dict]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, data: dict) -> tuple[int, str, dict]:
        body = urllib.parse.urlencode(data).encode()
        return self._open(urllib.request.Request(url, data=body, method="POST"))

    def _open(self, request: urllib.request.Request) -> tuple[int, str, dict]:
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def token(self, url: str) -> str:
        status, html, _ = self.get(url)
        assert status == 200, (url, status)
        return csrf_token_in(html, where=url)


def test_two_instances_share_cache_invalidation_limits_and_sessions(ctx, instances):
    a, b = instances
    article = make_article("Shared story")
    comment = make_comment(article, text="Seen everywhere at once", status="pending")
    make_moderator("editor", "correct horse battery staple")
    reader, moderator = Browser(), Browser()

    # B renders the article and keeps it in the shared cache.
    status, html, _ = reader.get(f"{b}/article/shared-story")
    assert status == 200 and "No Comments" in html
    assert reader.get(f"{b}/article/shared-story")[2].get("X-Hublet-Cache") in ("hit", "memory")
    assert reader.get(f"{a}/article/shared-story")[2].get("X-Hublet-Cache") == "hit"

    # A moderator logs in on A; the session works on B too.
    token = moderator.token(f"{a}/moderation/login")
    status, _, _ = moderator.post(
        f"{a}/moderation/login",
        {"username": "editor", "password": "correct horse battery staple", "csrf_token": token},
    )
    assert status == 303, status
    status, html, _ = moderator.get(f"{b}/moderation/")
    assert status == 200 and "Seen everywhere at once" in html

    # Approved through A, the comment shows through B at once, or within the second that B's
    # workers keep a page in memory (PAGE_MEMORY_SECONDS, hublet/hot_pages.py).
    token = moderator.token(f"{a}/moderation/")
    status, _, _ = moderator.post(
        f"{a}/moderation/comments/{comment.id}/approve", {"csrf_token": token}
    )
    assert status in (200, 303), status
    deadline = time.monotonic() + hot_pages.DEFAULT_SECONDS + 0.5
    status, html, _ = reader.get(f"{b}/article/shared-story")
    while "Seen everywhere at once" not in html and time.monotonic() < deadline:
        time.sleep(0.1)
        status, html, _ = reader.get(f"{b}/article/shared-story")
    assert "1 Comment" in html and "Seen everywhere at once" in html

    # Six searches a minute in all: the seventh trips, whichever instance answers it.
    answers = [reader.get(f"{(a, b)[n % 2]}/search?q=story")[0] for n in range(7)]
    assert answers[:6] == [200] * 6
    assert answers[6] == 429
