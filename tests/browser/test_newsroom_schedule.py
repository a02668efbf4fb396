"""An editor schedules a story two minutes ahead in a real browser; readers see it on the home
page, in the feed and in search at that minute, not before, with nobody pressing anything.

The clock is the tests' (``hublet.timeutil.moved_clock``): the live server runs in this
process, so moving it moves the site's "now" for every page, the cache's key included.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from hublet.timeutil import moved_clock, to_site_time, utcnow
from tests.browser.test_newsroom import log_in, newsroom, open_tab  # noqa: F401 (fixture)

TITLE = "Harbour bridge reopens after repairs"


def _reader_sees(reader, live_server) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    """What an anonymous reader finds of the story: home page, feed, search results."""
    reader.goto("/")
    on_home = reader.get_by_role("link", name=TITLE).count() > 0
    feed = reader.request.get(f"{live_server.url}/feed").text()
    reader.goto("/search?q=bridge+reopens")
    in_search = reader.get_by_role("link", name=TITLE).count() > 0
    return {"home": on_home, "feed": TITLE in feed, "search": in_search}


@pytest.mark.usefixtures("newsroom")
def test_a_story_scheduled_two_minutes_ahead_appears_at_that_minute(browser, live_server, app):
    editor, watch = open_tab(browser, live_server.url)
    log_in(editor, "desk")
    editor.get_by_role("link", name="Write a new story").click()
    editor.locator("#title").fill(TITLE)
    editor.get_by_label("Category").select_option(label="News")
    editor.get_by_label("Body (Markdown)").fill("The **bridge** carries traffic again from noon.")
    with app.app_context():
        when = to_site_time(utcnow() + timedelta(minutes=2))
    editor.get_by_label("Publish at").fill(f"{when:%Y-%m-%dT%H:%M}")
    editor.get_by_role("button", name="Schedule").click()
    expect(editor.locator(".flashes")).to_contain_text("Scheduled.")
    expect(editor.locator(".mod-summary")).to_contain_text(re.compile("Scheduled for"))

    reader, _ = open_tab(browser, live_server.url)
    assert _reader_sees(reader, live_server) == {"home": False, "feed": False, "search": False}

    with moved_clock(timedelta(minutes=1)):  # a minute early: still hidden
        assert _reader_sees(reader, live_server) == {"home": False, "feed": False, "search": False}
    with moved_clock(timedelta(minutes=3)):  # its minute has come
        assert _reader_sees(reader, live_server) == {"home": True, "feed": True, "search": True}
        reader.goto("/")
        reader.get_by_role("link", name=TITLE).first.click()
        expect(reader.locator("article strong", has_text="bridge")).to_be_visible()
    errors = [e for e in watch.errors if "status of 4" not in e]
    assert not errors, errors
