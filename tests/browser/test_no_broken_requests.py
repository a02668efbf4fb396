"""Every page kind in Chromium: no request answers 4xx or 5xx or fails, and nothing is logged as
an error. The favicon (asked for at /favicon.ico whatever the page links), the SVG and Apple
icons and the web app manifest with its icons are fetched too, as browsers and home screens do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, Request, Response, expect
from sqlalchemy import select

from hublet.database import writing
from hublet.extensions import db
from hublet.models import Article, Author, Category, Tag
from hublet.models import Page as StaticPage
from tests.browser.conftest import new_context
from tests.browser.seeding import SeededSite
from tests.builders import make_moderator
from tests.moderation.helpers import PASSWORD

#: How Chromium words a response that answered an error status.
_STATUS = "the server responded with a status of"


@dataclass
class Watch:
    """What went wrong while a page loaded: bad answers, failed requests, console errors."""

    expected: dict[str, int] = field(default_factory=dict)  # URL -> the status it should have
    problems: list[str] = field(default_factory=list)

    def response(self, response: Response) -> None:
        if response.status >= 400 and self.expected.get(response.url) != response.status:
            self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def failed(self, request: Request) -> None:
        self.problems.append(f"failed {request.method} {request.url}: {request.failure}")

    def console(self, message) -> None:  # type: ignore[no-untyped-def]
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        expected = self.expected.get(where)
        if expected and message.text.startswith(f"Failed to load resource: {_STATUS} {expected}"):
            return  # Chromium's own note about the error page we asked for
        self.problems.append(f"console error: {message.text} ({where})")


@pytest.fixture
def site(app: Flask, seeded: SeededSite) -> dict[str, str]:
    """Addresses of one of each page kind in the demo publication, and a moderator."""
    with app.app_context():
        make_moderator("mod")
        closed = db.session.scalars(
            select(Article).where(Article.slug != seeded.article_slug).limit(1)
        ).one()
        with writing():
            closed.comments_open = False
            db.session.commit()
        facts = {
            "article": seeded.article_slug,
            "closed": closed.slug,
            "category": db.session.scalars(select(Category.slug).limit(1)).one(),
            "tag": db.session.scalars(select(Tag.slug).limit(1)).one(),
            "author": db.session.scalars(select(Author.slug).limit(1)).one(),
            "page": db.session.scalars(
                select(StaticPage.slug).where(StaticPage.slug != "contact-us").limit(1)
            ).one(),
        }
        db.session.rollback()
    return facts


@pytest.fixture
def tab(browser: Browser, live_server) -> Iterator[tuple[Page, Watch]]:  # type: ignore[no-untyped-def]
    context = new_context(browser, live_server.url)
    page = context.new_page()
    watch = Watch()
    page.on("response", watch.response)
    page.on("requestfailed", watch.failed)
    page.on("console", watch.console)
    page.on("pageerror", lambda error: watch.problems.append(f"page error: {error}"))
    yield page, watch
    context.close()


def visit(page: Page, watch: Watch, path: str, status: int = 200) -> None:
    """Load ``path`` and everything it asks for; the document itself answers ``status``."""
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"{path}: {response and response.status}"
    )
    page.wait_for_load_state("networkidle")


def check_icons(page: Page) -> list[str]:
    """Fetch every icon and manifest the page links, and the manifest's icons, as a browser
    (or a home screen) would; the favicon at the root too. Returns what did not answer 200."""
    links = page.eval_on_selector_all(
        "link[rel~='icon'], link[rel='apple-touch-icon'], link[rel='manifest']",
        "links => links.map(link => [link.rel, link.href])",
    )
    rels = {rel for rel, _ in links}
    bad = [f"no {rel} link" for rel in ("icon", "apple-touch-icon", "manifest") if rel not in rels]
    urls = [href for _, href in links] + ["/favicon.ico"]
    for rel, href in links:
        if rel == "manifest":
            manifest = page.request.get(href).json()
            urls += [icon["src"] for icon in manifest["icons"]]
    for url in urls:
        answer = page.request.get(url)
        if answer.status != 200:
            bad.append(f"{answer.status} {url}")
    return bad


def test_every_page_kind_loads_without_a_broken_request_or_a_console_error(tab, site):
    page, watch = tab
    reader_pages = [
        "/",
        f"/article/{site['article']}",
        f"/article/{site['closed']}",
        f"/category/{site['category']}",
        f"/tag/{site['tag']}",
        f"/author/{site['author']}",
        "/search?q=the",
        "/search?q=zeppelinxyz",
        "/search",
        f"/{site['page']}",
        "/contact-us",
        "/moderation/login",
    ]
    for path in reader_pages:
        visit(page, watch, path)
    assert not watch.problems, "\n".join(watch.problems)
    assert not check_icons(page), check_icons(page)

    # Error pages: the document answers its error, nothing else does.
    base = page.url.split("/moderation")[0]
    watch.expected[f"{base}/no-such-page"] = 404
    visit(page, watch, "/no-such-page", status=404)
    page.goto("/contact-us")
    page.get_by_label(re.compile("Name")).first.fill("")
    watch.expected[f"{base}/contact-us"] = 422
    page.get_by_role("button", name="Send Message").click()
    expect(page.get_by_role("alert")).to_contain_text("Please correct the highlighted fields.")
    page.wait_for_load_state("networkidle")

    # The reader's own comment, waiting for a moderator (posted with htmx, then the page again).
    visit(page, watch, f"/article/{site['article']}")
    page.get_by_label(re.compile("^Comment")).fill("A first comment, for the moderator to see.")
    page.get_by_label(re.compile("^Name")).fill("Nia Reader")
    page.get_by_label(re.compile("^Email")).fill("nia@example.org")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#respond [role=status]")).to_be_visible()
    visit(page, watch, f"/article/{site['article']}")
    expect(page.get_by_text("A first comment, for the moderator to see.")).to_be_visible()

    # Moderation, logged in: every tab.
    visit(page, watch, "/moderation/login")
    page.get_by_label("Username").fill("mod")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/moderation/$"))
    for path in [
        "/moderation/?status=pending",
        "/moderation/?status=approved",
        "/moderation/?status=spam",
        "/moderation/?status=trash",
        "/moderation/settings",
        "/moderation/messages",
        "/moderation/articles",
        "/moderation/audit",
    ]:
        visit(page, watch, path)
    assert not watch.problems, "\n".join(watch.problems)
    assert not check_icons(page), check_icons(page)
