"""Accounts in a real browser: an admin invites a reporter; the reporter opens the link in a
browser of their own, chooses a password, logs in and lands in the newsroom; the admin
deactivates them and their open session ends. axe finds nothing on the pages on the way."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import COLOUR_RULES, read_axe_source, violations
from tests.browser.test_newsroom import log_in, open_tab
from tests.newsroom.helpers import PASSWORD

REPORTER_PASSWORD = "tide tables at noon"


@pytest.fixture
def admin_account(app: Flask, live_server) -> None:  # type: ignore[no-untyped-def]
    """An admin "chief"."""
    from hublet.moderation.accounts import create_account

    with app.app_context():
        create_account("chief", PASSWORD, "admin")


def axe_problems(page: Page, axe_source: str, name: str) -> list[str]:
    problems = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        rules = COLOUR_RULES if scheme == "dark" else None
        found = violations(page, axe_source, rules=rules)
        problems.extend(f"{name} {scheme}: {line}" for line in found)
    return problems


def test_an_invited_reporter_sets_a_password_logs_in_and_is_deactivated(
    browser: Browser, live_server, admin_account
):
    axe_source = read_axe_source()
    problems: list[str] = []
    admin, admin_watch = open_tab(browser, live_server.url)
    log_in(admin, "chief")
    admin.get_by_role("link", name="Accounts").click()
    expect(admin.get_by_role("heading", name="Accounts", level=1)).to_be_visible()
    problems += axe_problems(admin, axe_source, "accounts")

    admin.get_by_label("Username").fill("x")  # too short: told, nothing stored
    admin.get_by_role("button", name="Invite").click()
    expect(admin.locator("#username-error")).to_contain_text("3 to 64 characters")
    problems += axe_problems(admin, axe_source, "accounts with errors")

    admin.get_by_label("Username").fill("reporter")
    admin.get_by_label("Role", exact=True).select_option(label="Author")
    admin.get_by_role("button", name="Invite").click()
    expect(admin.get_by_role("heading", name="Invited reporter as author")).to_be_visible()
    problems += axe_problems(admin, axe_source, "accounts with an invite link")
    link = admin.get_by_role("textbox", name="Invite link for reporter").input_value()
    assert link.startswith(f"{live_server.url}/newsroom/invite/")
    expect(admin.get_by_role("row", name=re.compile("reporter"))).to_contain_text("Never")

    reporter, reporter_watch = open_tab(browser, live_server.url)
    reporter.goto(link)
    expect(reporter.get_by_role("heading", name="Choose your password")).to_be_visible()
    problems += axe_problems(reporter, axe_source, "invite")
    reporter.get_by_label("New password").fill(REPORTER_PASSWORD)
    reporter.get_by_label("Repeat the password").fill("not the same at all")
    reporter.get_by_role("button", name="Set my password").click()
    expect(reporter.locator("#password-error, .form-error-summary").first).to_be_visible()
    expect(reporter.get_by_text("The two passwords do not match.")).to_be_visible()
    reporter.get_by_label("New password").fill(REPORTER_PASSWORD)
    reporter.get_by_label("Repeat the password").fill(REPORTER_PASSWORD)
    reporter.get_by_role("button", name="Set my password").click()
    expect(reporter).to_have_url(re.compile(r"/login$"))
    expect(reporter.locator(".flashes")).to_contain_text("Your password is set")
    reporter.get_by_label("Username").fill("reporter")
    reporter.get_by_label("Password").fill(REPORTER_PASSWORD)
    reporter.get_by_role("button", name="Log in").click()
    expect(reporter).to_have_url(re.compile(r"/newsroom/$"))
    expect(reporter.locator(".mod-who")).to_contain_text("reporter (author)")

    # The link worked once.
    used, used_watch = open_tab(browser, live_server.url)
    used.goto(link)
    expect(used.get_by_text("it was used already")).to_be_visible()

    admin.reload()
    admin.get_by_role("button", name="Deactivate reporter").click()
    expect(admin.locator(".flashes")).to_contain_text("reporter is deactivated")
    expect(admin.get_by_role("row", name=re.compile("reporter"))).to_contain_text("Deactivated")

    reporter.get_by_role("link", name="New story", exact=True).click()
    expect(reporter).to_have_url(re.compile(r"/login\?next="))
    reporter.get_by_label("Username").fill("reporter")
    reporter.get_by_label("Password").fill(REPORTER_PASSWORD)
    reporter.get_by_role("button", name="Log in").click()
    expect(reporter.get_by_text("Incorrect username or password.")).to_be_visible()

    assert not problems, "\n".join(problems)
    for watch in (admin_watch, reporter_watch, used_watch):
        errors = [e for e in watch.errors if "status of 4" not in e and "status of 5" not in e]
        assert not errors, errors
