"""One seeded live site per test module, for the browser tests that only look at pages.

Seeding the demo publication once per module instead of once per test keeps the page-kind x
width matrix of the accessibility tests fast. A module that uses ``site`` must not also use the
function-scoped ``app`` fixture: on PostgreSQL that one empties the shared tables.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from hublet import create_app
from hublet.comments import rules
from hublet.database import writing
from hublet.extensions import cache, db
from hublet.models import ContactMessage, Tag
from tests.browser.conftest import ConsoleWatch, new_context
from tests.builders import make_article, make_comment, make_moderator
from tests.conftest import (
    SHARED_TEMPLATE_CACHE,
    LiveServer,
    _empty_postgres_tables,
    base_config,
)

MODERATOR = "mod"
PASSWORD = "correct horse battery"

#: An article body with the kinds of link a printed copy must spell out.
LINKED_BODY = (
    "<p>The harbour lights were switched back on at dusk, after a year of repairs.</p>"
    '<p>The council published <a href="https://example.org/harbour-report">the full report</a> '
    'and a <a href="/about-us">note about this newsroom</a> explains how we checked it.</p>'
    '<figure><img src="/static/img/demo/demo-02.svg" alt="The harbour at dusk" '
    'width="1200" height="675"><figcaption>The harbour at dusk.</figcaption></figure>'
    "<p>Fishermen said the light made the narrow entrance safe again at night.</p>"
)


@dataclass
class Site:
    """The live site's address, where each page kind lives, and a moderator's login."""

    url: str
    paths: dict[str, str] = field(default_factory=dict)
    moderator_state: dict | None = None


def _build_content() -> dict[str, str]:
    """The demo publication plus the comment and moderation states every page kind needs."""
    from hublet.demo.seed import seed_demo

    seed_demo()
    with writing():
        # Posting twice in a test must not trip the flood check; the rate limit is off too.
        rules.save_settings(
            rules.CommentSettings(**{**rules.get_settings().__dict__, "flood_seconds": 0})
        )
    commented = make_article(
        "Harbour lights return", body_html=LINKED_BODY, tags=["Harbour"], age=timedelta(days=9)
    )
    first = make_comment(
        commented,
        status="approved",
        author_name="Alice Reader",
        author_url="https://alice.example.org/",
        text="The lights look wonderful from the hill.",
        age=timedelta(hours=5),
    )
    make_comment(
        commented,
        status="approved",
        author_name="Bob Stone",
        parent_id=first.id,
        text="Agreed, and the quay is busy again.",
        age=timedelta(hours=4),
    )
    make_comment(commented, status="approved", author_name="Carol", age=timedelta(hours=3))
    make_comment(commented, status="pending", author_name="Dora", age=timedelta(hours=2))
    make_comment(commented, status="spam", author_name="Spammer", text="Cheap watches.")
    make_comment(commented, status="trash", author_name="Eve", text="Off topic.")
    pending = make_article("Night trains come back", age=timedelta(days=10))
    closed = make_article("Old quay closes", comments_open=False, age=timedelta(days=11))
    make_comment(closed, status="approved", author_name="Frank", text="Sad to see it go.")
    make_moderator(MODERATOR, PASSWORD)
    with writing():
        db.session.add(
            ContactMessage(
                name="Gina", email="gina@example.com", subject="A tip", message="Look at the quay."
            )
        )
        db.session.commit()
    tag = db.session.scalars(select(Tag).order_by(Tag.slug)).first()
    return {
        "home": "/",
        "article": f"/article/{commented.slug}",
        "article-pending": f"/article/{pending.slug}",
        "article-closed": f"/article/{closed.slug}",
        "category": "/category/business-finance",
        "tag": f"/tag/{tag.slug}",
        "author": "/author/amara-okafor",
        "search-results": "/search?q=harbour",
        "search-none": "/search?q=zzqxjv",
        "search-empty": "/search",
        "page": "/about-us",
        "contact": "/contact-us",
        "not-found": "/no-such-page",
        "mod-pending": "/moderation/?status=pending",
        "mod-approved": "/moderation/?status=approved",
        "mod-spam": "/moderation/?status=spam",
        "mod-trash": "/moderation/?status=trash",
        "mod-settings": "/moderation/settings",
        "mod-messages": "/moderation/messages",
        "mod-articles": "/moderation/articles",
        "mod-audit": "/moderation/audit",
        "login": "/moderation/login",
    }


def log_in(page: Page) -> None:
    """Log in on the moderation page as a moderator would."""
    page.goto("/moderation/login")
    page.get_by_label("Username").fill(MODERATOR)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Moderation sections")).to_be_visible()


@pytest.fixture(scope="module")
def site(
    backend: str, migrated_database: str, tmp_path_factory: pytest.TempPathFactory, browser
) -> Iterator[Site]:  # type: ignore[no-untyped-def]
    """The demo publication with comments in every state, served for the whole module."""
    instance = tmp_path_factory.mktemp("a11y-site")
    if backend == "sqlite":
        path = instance / "hublet.sqlite"
        shutil.copyfile(migrated_database, path)
        url = f"sqlite:///{path}"
    else:
        url = migrated_database
    config = {**base_config(url, instance), "RATELIMIT_ENABLED": False}
    app = create_app(config)
    app.jinja_env.bytecode_cache = SHARED_TEMPLATE_CACHE
    if backend == "postgresql":
        _empty_postgres_tables(app)
    with app.app_context():
        cache.clear()
        paths = _build_content()
        db.session.rollback()
    server = LiveServer(app)
    server.start()
    built = Site(server.url, paths)
    context = new_context(browser, server.url)
    log_in(context.new_page())
    built.moderator_state = context.storage_state()
    context.close()
    yield built
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class WatchedPage:
    """A tab and the console errors it logged (HTTP error statuses aside: 404 pages are meant)."""

    def __init__(self, context: BrowserContext) -> None:
        self.page = context.new_page()
        self.watch = ConsoleWatch()
        self.page.on("console", self.watch)
        self.page.on("pageerror", lambda error: self.watch.errors.append(f"page error: {error}"))

    def real_errors(self) -> list[str]:
        return [e for e in self.watch.errors if "status of 4" not in e and "status of 5" not in e]


def open_context(
    browser: Browser, site: Site, moderator: bool = False, **options
) -> BrowserContext:
    """A fresh browser profile on the site, logged in as the moderator when asked."""
    if moderator:
        options["storage_state"] = site.moderator_state
    return new_context(browser, site.url, **options)


@pytest.fixture
def site_page(browser: Browser, site: Site) -> Iterator[Page]:
    """A tab on the module's site; the test fails if the page logs an error (CSP included)."""
    context = open_context(browser, site)
    tab = WatchedPage(context)
    yield tab.page
    errors = tab.real_errors()
    context.close()
    assert not errors, f"the page logged errors: {errors}"
