"""Freshness through the edge: what readers see change, seen through real nginx in front of
real gunicorn (the fixtures of tests/test_edge.py).

A reader who posts sees their comment at once: their next page carries their cookies, which
nginx never answers from its cache. Everyone else sees a change within the freshness the README
states: nginx keeps an anonymous page ``s-maxage`` seconds (``PAGE_SHARED_MAX_AGE``), then the
first request after that gets the stale copy while nginx fetches the new one in the background
(``stale-while-revalidate``, ``proxy_cache_background_update``), so the next one is fresh.
``freshness_bound`` is that: s-maxage plus two seconds for the background fetch. A held comment
shows to its author alone, also after nginx has fetched the page anew.
"""

from __future__ import annotations

import time
import urllib.request
import uuid
from datetime import timedelta

from hublet.config import DefaultConfig
from tests import test_edge
from tests.builders import make_article, make_category, make_comment, make_moderator
from tests.conftest import csrf_token_in
from tests.newsroom.helpers import PASSWORD, make_account, story_fields
from tests.test_edge import Site, freshness_bound, shows_within
from tests.test_scaleout import Browser

# The edge's fixtures: real nginx (deploy/nginx.conf) in front of real gunicorn.
site = test_edge.site

NAME, EMAIL = "Ann Reader", "ann@example.com"
AWAITING = "Your comment is awaiting moderation."


class Reader(Browser):
    """A browser with its cookies, talking to nginx."""

    def __init__(self, site: Site) -> None:
        super().__init__()
        self.site = site

    def page(self, path: str) -> tuple[int, str, dict]:
        return self.get(f"{self.site.url}{path}")

    def post_comment(self, slug: str, text: str) -> tuple[int, str, dict]:
        """The comment form, posted as a browser with JavaScript does: the token it fetched
        from /form-token when the form got focus (which starts the reader's session)."""
        status, html, headers = self.page("/form-token")
        assert status == 200 and "no-store" in headers["Cache-Control"], headers
        fields = {
            "name": NAME,
            "email": EMAIL,
            "website": "",
            "comment": text,
            "parent_id": "",
            "phone": "",
            "csrf_token": csrf_token_in(html, form=True, where="/form-token"),
        }
        return self.post(f"{self.site.url}/article/{slug}/comments", fields)

    def log_in(self, username: str, password: str) -> None:
        token = csrf_token_in(self.page("/login")[1], where="/login")
        status, _, _ = self.post(
            f"{self.site.url}/login",
            {"username": username, "password": password, "csrf_token": token},
        )
        assert status == 303, status


def _cached_for_everyone(site: Site, path: str) -> float:
    """Warm nginx's copy of ``path`` (a second request is a HIT) and return how long nginx
    may keep it, read from the page's own Cache-Control."""
    site.get(path)
    status, _, headers = site.get(path)
    assert status == 200 and headers["X-Cache-Status"] == "HIT", headers["X-Cache-Status"]
    # The freshness the README states: s-maxage is PAGE_SHARED_MAX_AGE (5 s by default).
    assert f"s-maxage={DefaultConfig.PAGE_SHARED_MAX_AGE}," in headers["Cache-Control"]
    return freshness_bound(headers)


def _seconds_until_shown(site: Site, path: str, text: str, bound: float) -> float:
    """How long after now an anonymous reader first sees ``text`` on ``path`` (polled every
    quarter second); fails when it takes longer than ``bound``."""
    start = time.monotonic()
    assert shows_within(site, path, text.encode(), bound), f"{text!r} not on {path} in {bound} s"
    return time.monotonic() - start


def test_a_returning_readers_comment_shows_to_them_at_once_and_to_others_within_s_maxage(site, ctx):
    story = make_article("Viral story")
    # A returning commenter (an approved comment under the same name and email): approved at
    # once, without waiting for a moderator.
    make_comment(story, text="Earlier words", status="approved", author_name=NAME,
                 author_email=EMAIL, age=timedelta(hours=1))  # fmt: skip
    path = "/article/viral-story"
    bound = _cached_for_everyone(site, path)
    marker = f"Comment {uuid.uuid4().hex}"

    reader = Reader(site)
    status, _, headers = reader.post_comment("viral-story", marker)
    assert status == 303, status
    assert headers["Location"].startswith(f"{path}#comment-"), headers["Location"]
    # The page the redirect leads to: the reader's own, with their comment, never nginx's.
    status, html, headers = reader.page(path)
    assert status == 200 and marker in html and AWAITING not in html
    assert headers["X-Cache-Status"] == "BYPASS"
    assert headers["Cache-Control"].startswith("private"), headers["Cache-Control"]

    # Everyone else: nginx's copy until it expires, then the new page.
    waited = _seconds_until_shown(site, path, marker, bound)
    assert waited <= bound
    _, _, headers = site.get(path)
    assert headers["X-Cache-Status"] in ("HIT", "MISS", "EXPIRED"), "the new page is kept"


def test_a_held_comment_shows_to_its_author_alone_until_a_moderator_approves_it(site, ctx):
    make_article("Quiet story")
    make_moderator("editor", "correct horse battery staple")
    path = "/article/quiet-story"
    bound = _cached_for_everyone(site, path)
    marker = f"Comment {uuid.uuid4().hex}"

    author = Reader(site)
    status, _, headers = author.post_comment("quiet-story", marker)  # a first comment: held
    assert status == 303, status
    comment_id = int(headers["Location"].rsplit("#comment-", 1)[1])
    status, html, headers = author.page(path)
    assert status == 200 and marker in html and AWAITING in html
    assert headers["X-Cache-Status"] == "BYPASS"

    # Others never see it, also once nginx has fetched the page anew (the held comment is a
    # write: the app's own cache made a new page, and nginx took it after s-maxage).
    deadline = time.monotonic() + bound + 1
    statuses = set()
    while time.monotonic() < deadline:
        _, body, headers = site.get(path)
        assert marker.encode() not in body, "a held comment was shown to another reader"
        statuses.add(headers["X-Cache-Status"])
        time.sleep(0.25)
    assert statuses - {"HIT"}, "nginx never fetched the page again: the check proves nothing"

    moderator = Reader(site)
    moderator.log_in("editor", "correct horse battery staple")
    token = moderator.token(f"{site.url}/moderation/")
    status, _, _ = moderator.post(
        f"{site.url}/moderation/comments/{comment_id}/approve", {"csrf_token": token}
    )
    assert status in (200, 303), status
    # Its author sees it approved at once; everyone else within the page's freshness.
    _, html, _ = author.page(path)
    assert marker in html and AWAITING not in html
    assert _seconds_until_shown(site, path, marker, bound) <= bound


def test_a_story_published_in_the_newsroom_shows_through_nginx_within_s_maxage(site, app, ctx):
    news = make_category("News")
    make_article("Yesterday's story", category=news)
    make_account(app, "editor", "editor")
    listings = ("/", "/category/news")
    bound = max(_cached_for_everyone(site, listing) for listing in listings)

    editor = Reader(site)
    editor.log_in("editor", PASSWORD)
    token = csrf_token_in(editor.page("/newsroom/new")[1], form=True, where="/newsroom/new")
    fields = story_fields(category=str(news.id), action="publish", title="Harbour pilots strike")
    status, _, _ = editor.post(f"{site.url}/newsroom/new", {**fields, "csrf_token": token})
    assert status == 303, status
    published = time.monotonic()
    # The editor's own pages are theirs (their session): the new story at once.
    status, html, headers = editor.page("/")
    assert "Harbour pilots strike" in html and headers["X-Cache-Status"] == "BYPASS"

    for listing in listings:
        _seconds_until_shown(site, listing, "Harbour pilots strike", bound)
        assert time.monotonic() - published <= bound + 1, listing
    # And the story's own page, which nobody had asked for.
    with urllib.request.urlopen(f"{site.url}/article/harbour-pilots-strike", timeout=30) as page:
        assert page.status == 200
