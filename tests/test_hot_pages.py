"""The hot-page memory (hublet/hot_pages.py): anonymous pages answered before Flask runs.

Off under TESTING unless a test sets ``PAGE_MEMORY_SECONDS``; these tests set it, and check
what a reader would notice if the memory were wrong: other bytes than Flask's, someone else's
page, a story or comment that does not show after it was written, a page that never expires.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers
from werkzeug.test import TestResponse

from hublet import hot_pages
from hublet.config import COMMENTER_COOKIE, OWN_COMMENTS_COOKIE
from hublet.timeutil import moved_clock, utcnow
from tests.builders import make_article
from tests.comments.helpers import post
from tests.conftest import HTMX

MEMORY = "memory"


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "PAGE_MEMORY_SECONDS": 1}


@pytest.fixture
def story(app: Flask, ctx: None) -> str:
    make_article("Breaking story", body_html="<p>The harbour reopens at dawn.</p>")
    return "/article/breaking-story"


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, float]]:
    """The memory's monotonic clock, moved by the test instead of by sleeping."""
    now = {"t": 1000.0}
    monkeypatch.setattr(hot_pages, "monotonic", lambda: now["t"])
    yield now


def layer(app: Flask) -> hot_pages.HotPages:
    return app.extensions["hot_pages"]


def cache_of(response: TestResponse) -> str | None:
    return response.headers.get("X-Hublet-Cache")


def without(headers: Headers, *names: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers.items() if k not in names]


def test_it_is_off_in_tests_unless_a_test_sets_it(app_config: dict, story: str) -> None:
    from hublet import create_app

    config = {k: v for k, v in app_config.items() if k != "PAGE_MEMORY_SECONDS"}
    quiet = create_app(config).test_client()
    assert [cache_of(quiet.get("/")) for _ in range(3)] == ["miss", "hit", "hit"]


def test_a_second_anonymous_request_gets_flasks_bytes_from_memory(
    client: FlaskClient, story: str
) -> None:
    for path in ("/", story, "/lists/most-popular", "/feed"):
        built = client.get(path)
        again = client.get(path)
        assert built.status_code == again.status_code == 200, path
        assert cache_of(built) in ("hit", "miss") and cache_of(again) == MEMORY, path
        assert again.get_data() == built.get_data(), path
        # Every header as Flask sent it (security headers, ETag, Vary, Cache-Control...).
        assert without(again.headers, "X-Hublet-Cache", "Date") == without(
            built.headers, "X-Hublet-Cache", "Date"
        ), path
        assert "Set-Cookie" not in again.headers


def test_the_htmx_partial_and_the_page_are_kept_apart(client: FlaskClient, story: str) -> None:
    page = client.get("/").get_data()
    built = client.get("/", headers=HTMX)
    assert cache_of(built) != MEMORY and built.get_data() != page
    again = client.get("/", headers=HTMX)
    assert cache_of(again) == MEMORY and again.get_data() == built.get_data()
    assert client.get("/").get_data() == page


def test_unrelated_cookies_share_the_memory_but_hublets_own_bypass_it(
    app: Flask, story: str
) -> None:
    client = app.test_client(use_cookies=False)  # the Cookie headers as given
    client.get(story)
    assert cache_of(client.get(story, headers={"Cookie": "theme=dark; _ga=1"})) == MEMORY
    own = (app.config["SESSION_COOKIE_NAME"], COMMENTER_COOKIE, OWN_COMMENTS_COOKIE)
    for name in own:
        for cookie in (f"{name}=x", f"theme=dark; {name}=x", f"theme=dark;{name}=x"):
            response = client.get(story, headers={"Cookie": cookie})
            assert response.status_code == 200 and cache_of(response) != MEMORY, cookie
    # A cookie whose name merely ends with one of them is someone else's.
    assert cache_of(client.get(story, headers={"Cookie": "notsession=1"})) == MEMORY


def test_a_story_published_in_this_process_shows_on_the_next_request(
    client: FlaskClient, story: str
) -> None:
    client.get("/")
    assert cache_of(client.get("/")) == MEMORY
    make_article("Second story")  # commits: the content version moves
    response = client.get("/")
    assert cache_of(response) != MEMORY and "Second story" in response.get_data(as_text=True)
    assert cache_of(client.get("/")) == MEMORY


def test_an_approved_comment_shows_at_once_and_a_held_one_only_to_its_author(
    app: Flask, story: str
) -> None:
    slug = story.rsplit("/", 1)[1]
    reader, author = app.test_client(), app.test_client()
    reader.get(story)
    assert cache_of(reader.get(story)) == MEMORY

    app.config["COMMENT_FIRST_TIME_HOLD"] = False
    assert post(author, slug, comment="Seen by all at once.").status_code == 303
    page = reader.get(story)
    assert "Seen by all at once." in page.get_data(as_text=True) and cache_of(page) != MEMORY

    app.config["COMMENT_FIRST_TIME_HOLD"] = True
    held = app.test_client()
    reader.get(story)
    assert post(held, slug, ip="203.0.113.8", name="New Writer", email="new@example.com",
                comment="Waiting for a moderator.").status_code == 303  # fmt: skip
    own = held.get(story)  # their own page, with their cookies: built for them, never kept
    assert "Waiting for a moderator." in own.get_data(as_text=True)
    assert cache_of(own) != MEMORY
    for _ in range(2):
        assert "Waiting for a moderator." not in reader.get(story).get_data(as_text=True)
    assert cache_of(reader.get(story)) == MEMORY


def test_an_entry_lives_page_memory_seconds(
    app: Flask, client: FlaskClient, story: str, clock: dict[str, float]
) -> None:
    client.get("/")
    clock["t"] += 0.9
    assert cache_of(client.get("/")) == MEMORY
    clock["t"] += 0.2  # 1.1 s after it was kept
    assert cache_of(client.get("/")) in ("hit", "miss")
    assert cache_of(client.get("/")) == MEMORY
    app.config["PAGE_MEMORY_SECONDS"] = 0  # off
    assert cache_of(client.get("/")) in ("hit", "miss")


def test_a_scheduled_story_and_the_tests_clock(client: FlaskClient, ctx: None) -> None:
    """The memory drops everything when the tests' clock moves, so a story scheduled for a
    minute shows at that minute; on the real clock it is at most PAGE_MEMORY_SECONDS late."""
    make_article("Later story", published_at=utcnow().replace(microsecond=0) + timedelta(minutes=5))
    client.get("/")
    assert cache_of(client.get("/")) == MEMORY
    assert "Later story" not in client.get("/").get_data(as_text=True)
    with moved_clock(timedelta(minutes=6)):
        assert "Later story" in client.get("/").get_data(as_text=True)


def test_if_none_match_gets_304_and_head_gets_the_headers(app: Flask, story: str) -> None:
    client = app.test_client(use_cookies=False)
    built = client.get("/")
    etag = built.headers["ETag"]
    flasks = client.get("/", headers={"If-None-Match": etag, "Cookie": "session=x"})
    assert flasks.status_code == 304  # Flask's own 304, to compare with
    memory = client.get("/", headers={"If-None-Match": etag})
    assert memory.status_code == 304 and cache_of(memory) == MEMORY
    assert memory.get_data() == b""
    assert without(memory.headers, "X-Hublet-Cache", "Date") == without(
        flasks.headers, "X-Hublet-Cache", "Date"
    )
    other = client.get("/", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.get_data() == built.get_data()

    head = client.head("/")
    assert head.status_code == 200 and cache_of(head) == MEMORY and head.get_data() == b""
    assert head.headers["Content-Length"] == built.headers["Content-Length"]
    assert head.headers["ETag"] == etag


def test_a_head_request_alone_keeps_nothing(app: Flask, client: FlaskClient, story: str) -> None:
    assert client.head(story).status_code == 200
    assert not layer(app).entries
    assert cache_of(client.get(story)) != MEMORY


def test_a_forged_host_is_still_refused(client: FlaskClient, story: str) -> None:
    client.get("/")
    assert cache_of(client.get("/")) == MEMORY
    for host in ("evil.example", "evil.example:80"):
        response = client.get("/", headers={"Host": host})
        assert response.status_code == 400 and b"Breaking story" not in response.get_data()
    # The port is not part of the key: any port of the site's host name is the same page.
    assert cache_of(client.get("/", headers={"Host": "LOCALHOST:8080"})) == MEMORY


def test_errors_posts_and_personal_pages_are_never_kept(
    app: Flask, client: FlaskClient, story: str
) -> None:
    for _ in range(2):
        assert client.get("/article/no-such-story").status_code == 404
        assert client.post("/", data={"x": "1"}).status_code in (400, 405)
        # The CSRF token fragment starts a session of the reader's own.
        token = app.test_client().get("/form-token")
        assert token.status_code == 200 and "Set-Cookie" in token.headers
        assert cache_of(token) != MEMORY
        login = app.test_client().get("/moderation/login")
        assert login.status_code == 200 and cache_of(login) != MEMORY
    assert not layer(app).entries


def test_a_rate_limited_page_is_never_kept(app: Flask, client: FlaskClient, story: str) -> None:
    """Search counts every request against the reader's limit: it always goes to Flask."""
    for _ in range(3):
        response = client.get("/search/live?q=harbour")
        assert response.status_code == 200 and cache_of(response) != MEMORY
    assert not layer(app).entries


def test_the_memory_stays_bounded(
    app: Flask, client: FlaskClient, story: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.get("/")
    for number in range(1000):  # made-up parameters: Flask serves the stored page of /
        assert client.get(f"/?utm_source={number}").status_code == 200
    memory = layer(app)
    assert len(memory.entries) == hot_pages.MAX_ENTRIES
    assert cache_of(client.get("/?utm_source=999")) == MEMORY
    assert cache_of(client.get("/?utm_source=0")) != MEMORY  # the oldest went first

    size = len(client.get("/").get_data())
    monkeypatch.setattr(hot_pages, "MAX_TOTAL_BYTES", 3 * size)
    for number in range(5):
        client.get(f"/?ref={number}")
    assert memory.total_bytes <= 3 * size and len(memory.entries) <= 3
    assert memory.total_bytes == sum(len(entry.body) for entry in memory.entries.values())


def test_a_page_built_across_a_commit_is_not_kept(app: Flask) -> None:
    """A page whose request overlapped a commit in this process may show the data from before
    it: it is answered, not kept. And Flask's answer is closed as WSGI requires."""
    closed = []

    class Answer(list[bytes]):
        def close(self) -> None:
            closed.append(True)

    def flask(environ: dict, start_response: Callable) -> Answer:
        start_response("200 OK", [("X-Hublet-Cache", "miss"), ("Cache-Control", "public")])
        if environ["PATH_INFO"] == "/during-a-commit":
            hot_pages.content_changed()
        return Answer([b"page"])

    memory = hot_pages.HotPages(flask, app)
    environ = {"REQUEST_METHOD": "GET", "HTTP_HOST": "localhost", "wsgi.url_scheme": "http"}

    def get(path: str) -> tuple[str, bytes]:
        seen = []
        body = b"".join(memory({**environ, "PATH_INFO": path}, lambda s, h, e=None: seen.extend(h)))
        return dict(seen)["X-Hublet-Cache"], body

    assert get("/during-a-commit") == ("miss", b"page")
    assert get("/during-a-commit") == ("miss", b"page")
    assert get("/quiet") == ("miss", b"page")
    assert get("/quiet") == (MEMORY, b"page")
    assert closed == [True, True, True]
