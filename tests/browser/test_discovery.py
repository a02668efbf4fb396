"""Sidebar lists, infinite scroll, the view beacon and "Copy link", in a real browser."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import select

from hublet.database import writing
from hublet.extensions import db
from hublet.models import ArticleViewDay, Comment
from hublet.timeutil import utcnow
from tests.browser.conftest import new_context
from tests.builders import make_article

CARD_TITLES = "main article.card .card-title a"


def _add_views(article_id: int, views: int) -> None:
    with writing():
        db.session.add(ArticleViewDay(article_id=article_id, day=utcnow().date(), views=views))
        db.session.commit()


def _add_comment(article_id: int) -> None:
    with writing():
        db.session.add(
            Comment(
                article_id=article_id,
                author_name="Reader",
                author_email="reader@example.com",
                body_html="<p>Good.</p>",
                status="approved",
            )
        )
        db.session.commit()


def _stories(count: int) -> list[str]:
    titles = [f"Story {n:02d}" for n in range(count)]
    for n, title in enumerate(titles):
        make_article(title, age=timedelta(hours=n + 1))
    return titles


def test_sidebar_blocks_arrive_through_htmx_with_the_right_articles(page: Page, ctx):
    for n in range(4):
        make_article(f"Featured {n}", is_featured=True, age=timedelta(hours=n + 1))
    popular = make_article("Much read", age=timedelta(days=3))
    talked = make_article("Much discussed", age=timedelta(days=4))
    _add_views(popular.id, 40)
    _add_comment(talked.id)
    _stories(3)
    lists = []
    page.on(
        "request",
        lambda r: (
            lists.append(r.url) if "/lists/" in r.url and r.headers.get("hx-request") else None
        ),
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    sidebar = page.locator("aside.layout-sidebar")
    featured = sidebar.locator("[data-list=featured] .title-list li a")
    expect(featured).to_have_text(["Featured 0", "Featured 1", "Featured 2"])
    expect(sidebar.locator("[data-list=most-popular] .title-list li a").first).to_have_text(
        "Much read"
    )
    top = sidebar.locator("[data-list=top-posts] .title-list li a")
    expect(top).to_have_count(5)
    expect(top.first).to_have_text("Much discussed")
    expect(top.nth(1)).to_have_text("Much read")
    assert {url.rsplit("/", 1)[1] for url in lists} >= {"featured", "most-popular", "top-posts"}

    # The footer's copies wait until the reader scrolls down to them.
    footer = page.locator("footer.site-footer")
    expect(footer.locator("[data-list=featured] .title-list")).to_have_count(0)
    footer.scroll_into_view_if_needed()
    page.mouse.wheel(0, 5000)
    expect(footer.locator("[data-list=featured] .title-list li a")).to_have_text(
        ["Featured 0", "Featured 1", "Featured 2"]
    )
    expect(footer.locator("[data-list=most-popular] .title-list li a").first).to_have_text(
        "Much read"
    )


def test_sidebar_blocks_do_not_push_the_page_when_they_arrive(page: Page, ctx):
    for n in range(5):
        make_article(
            f"Featured story {n} on the harbour works and the bridge",
            is_featured=True,
            age=timedelta(hours=n + 1),
        )
    page.set_viewport_size({"width": 1280, "height": 900})
    held = []
    page.route("**/lists/*", lambda route: held.append(route))  # hold them until measured
    page.goto("/")
    popular = page.get_by_role("heading", name="Most Popular").first
    slot = page.locator("aside [data-list=top-posts]")
    expect(slot.get_by_role("link", name="See Top Posts")).to_be_visible()
    page.wait_for_function("document.querySelectorAll('[data-list]').length >= 3")
    before = popular.bounding_box()["y"]
    for route in held:
        route.continue_()
    expect(page.locator("aside [data-list=most-popular] .title-list li")).to_have_count(3)
    expect(page.locator("aside [data-list=top-posts] .title-list li")).to_have_count(5)
    after = popular.bounding_box()["y"]
    assert abs(after - before) <= 24, (before, after)


def test_scrolling_home_loads_every_article_once_then_says_caught_up(page: Page, ctx):
    titles = _stories(25)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    caught_up = page.get_by_text("You're all caught up.")
    for _ in range(30):
        if caught_up.is_visible():
            break
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(150)
    expect(caught_up).to_be_visible()
    assert page.locator(CARD_TITLES).all_inner_texts() == titles
    expect(page).to_have_url(re.compile(r"/\?page=3&before=\d{20}-\d+$"))


def test_reload_and_back_return_to_the_page_reached(page: Page, ctx):
    _stories(25)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    for _ in range(30):
        if "page=3" in page.url:
            break
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(150)
    expect(page).to_have_url(re.compile(r"page=3&before="))
    reached = page.url

    page.reload()
    expect(page).to_have_url(reached)
    expect(page.locator(CARD_TITLES)).to_have_text([f"Story {n:02d}" for n in range(20, 25)])
    expect(page.get_by_text("You're all caught up.")).to_be_visible()

    main = page.locator("main")
    main.get_by_role("link", name="Story 22").click()
    expect(page).to_have_url(re.compile(r"/article/story-22$"))
    page.go_back()
    expect(page).to_have_url(reached)
    expect(main.get_by_role("link", name="Story 22")).to_be_visible()


def test_viewing_an_article_twice_in_a_day_counts_once(page: Page, ctx):
    story_id = make_article("Read twice").id
    for _ in range(2):
        with page.expect_response(lambda r: r.url.endswith(f"/article/{story_id}/view")) as beacon:
            page.goto("/article/read-twice")
        assert beacon.value.status == 204
    db.session.rollback()
    views = db.session.scalar(
        select(ArticleViewDay.views).where(ArticleViewDay.article_id == story_id)
    )
    assert views == 1


def test_readers_without_javascript_send_no_view(browser, live_server, ctx):
    story = make_article("Read without script")
    context = new_context(browser, live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/article/read-without-script")
        expect(page.get_by_role("heading", name="Read without script")).to_be_visible()
        page.wait_for_timeout(300)
    finally:
        context.close()
    db.session.rollback()
    stored = db.session.scalar(
        select(ArticleViewDay.views).where(ArticleViewDay.article_id == story.id)
    )
    assert stored is None


def test_copy_link_copies_the_article_address(browser, live_server, ctx):
    make_article("Worth sharing")
    context = new_context(
        browser, live_server.url, permissions=["clipboard-read", "clipboard-write"]
    )
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console",
            lambda m: (
                errors.append(m.text)
                if m.type == "error" and "status of 404" not in m.text  # the favicon
                else None
            ),
        )
        page.goto("/article/worth-sharing")
        share = page.get_by_role("region", name="Share")
        expect(share.get_by_role("link", name="Facebook")).to_have_attribute(
            "href", re.compile(r"^https://www\.facebook\.com/sharer/sharer\.php\?u=http")
        )
        share.get_by_role("button", name="Copy link").click()
        expect(share.get_by_role("status")).to_have_text("Link copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == f"{live_server.url}/article/worth-sharing"
        assert not errors, errors
    finally:
        context.close()
