"""Playwright on Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

CHROMIUM = os.environ.get("HUBLET_CHROMIUM", "/usr/lib/chromium/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


class ConsoleWatch:
    """Console errors a page logged; CSP violations and JS errors fail the test."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def __call__(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(message.text)


def new_context(browser: Browser, base_url: str, **options) -> BrowserContext:
    """A fresh browser profile (its own cookies and storage)."""
    context = browser.new_context(base_url=base_url, **options)
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def context(browser: Browser, live_server) -> Iterator[BrowserContext]:  # type: ignore[no-untyped-def]
    ctx = new_context(browser, live_server.url)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A tab on the live server; the test fails if the page logs an error (CSP included)."""
    tab = context.new_page()
    watch = ConsoleWatch()
    tab.on("console", watch)
    tab.on("pageerror", lambda error: watch.errors.append(f"page error: {error}"))
    yield tab
    real_errors = [e for e in watch.errors if "status of 4" not in e and "status of 5" not in e]
    assert not real_errors, f"the page logged errors: {real_errors}"
