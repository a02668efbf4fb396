"""The hostile-input suite's browser pass: comments and search results made from the
XSS and htmx lines, rendered in real Chromium, open no dialog and reach no other origin.

The ``page`` fixture also fails the test on any console error, so a reader's inline script or
style that the CSP blocked would fail it too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Dialog, Page, Request, expect

from tests.builders import make_article
from tests.conftest import csrf_token
from tests.hostile.conftest import RELAXED
from tests.hostile.corpus import markup_lines

EXECUTABLE_IN_READER_CONTENT = (
    ".comment-body script, .comment-body iframe, .comment-body object, .comment-body embed, "
    ".comment-body [style], .comment-body [onerror], .comment-body [onload], "
    ".comment-body [onmouseover], .comment-body [onclick], .comment-body [hx-get], "
    ".comment-body [hx-post], .comment-body [data-hx-get], .comment-body [hx-trigger]"
)
# Links whose resolved scheme would run code (a relative "javascript\\x00:" is just a path).
SCRIPT_LINKS = """() => [...document.querySelectorAll('.comment-body a[href], .comment-body [src]')]
  .filter(e => ['javascript:', 'vbscript:', 'data:'].includes(new URL(e.href || e.src).protocol))
  .map(e => e.outerHTML)"""


@pytest.fixture
def app_config(app_config: dict) -> dict:
    app_config.update(RELAXED)
    return app_config


class Watch:
    """Dialogs the page opened and requests it sent to another origin."""

    def __init__(self, page: Page, origin: str) -> None:
        self.origin = origin
        self.dialogs: list[str] = []
        self.foreign: list[str] = []
        page.on("dialog", self._dialog)
        page.on("request", self._request)

    def _dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _request(self, request: Request) -> None:
        url = request.url
        if url.startswith(("data:", "about:", "blob:")):
            return
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign.append(url)

    def assert_quiet(self) -> None:
        assert not self.dialogs, f"dialogs opened: {self.dialogs[:5]}"
        assert not self.foreign, f"requests to other origins: {self.foreign[:5]}"


def _post_hostile_comments(app, slug: str) -> int:  # type: ignore[no-untyped-def]
    poster = app.test_client()
    token = csrf_token(poster, f"/article/{slug}")
    stored = 0
    for number, line in enumerate(markup_lines()):
        name = line.text if len(line.text) <= 80 else f"Reader {number}"
        response = poster.post(
            f"/article/{slug}/comments",
            data={
                "csrf_token": token,
                "name": name,
                "email": f"reader{number}@example.com",
                "website": "",
                "comment": f"{line.text} #{number}",
            },
        )
        assert response.status_code < 500, line
        stored += response.status_code == 303
    return stored


def _hover_everything(page: Page, selector: str, limit: int = 250) -> None:
    """Move the mouse over reader content and focus it, as a curious reader would."""
    items = page.locator(selector)
    for index in range(min(items.count(), limit)):
        item = items.nth(index)
        item.scroll_into_view_if_needed(timeout=2000)
        item.hover(timeout=2000, force=True)


def test_hostile_comments_render_inert(page: Page, app, live_server):
    if "comments.post_comment" not in app.view_functions:
        pytest.skip("comment posting does not exist yet")
    with app.app_context():
        slug = make_article("Hostile thread").slug
    stored = _post_hostile_comments(app, slug)
    assert stored > len(markup_lines()) // 2

    watch = Watch(page, live_server.url)
    page.goto(f"/article/{slug}")
    expect(page.locator(".comment-body").first).to_be_visible()
    _hover_everything(page, ".comment-body")
    page.wait_for_timeout(500)  # time for any load/revealed trigger a reader planted
    watch.assert_quiet()
    planted = page.locator(EXECUTABLE_IN_READER_CONTENT)
    assert planted.count() == 0, planted.first.evaluate("e => e.outerHTML")
    assert page.evaluate(SCRIPT_LINKS) == []

    # And one posted through the real form, swapped in by htmx (htmx 4 runs swapped scripts).
    form = page.locator("#commentform")
    form.get_by_role("textbox", name="Comment").fill(
        '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    )
    form.get_by_role("textbox", name="Name").fill('<svg onload="alert(3)">')
    form.get_by_role("textbox", name="Email").fill("browser@example.com")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#respond").get_by_role("status")).to_be_visible()
    page.wait_for_timeout(300)
    watch.assert_quiet()
    assert page.locator(EXECUTABLE_IN_READER_CONTENT).count() == 0
    assert page.evaluate(SCRIPT_LINKS) == []


def test_hostile_search_results_and_live_search_render_inert(page: Page, app, live_server):
    if "search.search" not in app.view_functions:
        pytest.skip("search does not exist yet")
    xss = [line.text for line in markup_lines() if line.source.startswith("xss.txt")][:30]
    with app.app_context():
        for number, text in enumerate(xss):
            make_article(
                f"Payload story {number} {text}"[:200],
                slug=f"payload-story-{number}",
                excerpt=f"Payload excerpt {text}",
                body_html=f"<p>Payload body {number}.</p>",
            )
    watch = Watch(page, live_server.url)
    page.goto("/search?q=payload")
    expect(page.locator("#search-results article").first).to_be_visible()
    _hover_everything(page, "#search-results article", limit=40)
    for text in xss[:8]:
        page.goto(f"/search?q={text}")
    page.goto("/")
    page.locator("#search-button").click()
    field = page.locator("#search-overlay-input")
    for text in ('<img src=x onerror="alert(1)">', "payload <script>alert(1)</script>", "payload"):
        field.fill(text)
        page.wait_for_timeout(400)
    expect(page.locator("#search-overlay-results")).to_contain_text("Payload story")
    _hover_everything(page, "#search-overlay-results a", limit=10)
    page.wait_for_timeout(300)
    watch.assert_quiet()
