"""Accessibility in a real browser: axe-core on every page kind, at two widths, light and dark,
with the overlays open; the skip link, focus and headings."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from tests.browser.a11y_site import WatchedPage, open_context, site, site_page  # noqa: F401
from tests.browser.axe import BLOCKING_IMPACTS, COLOUR_RULES, read_axe_source, violations

WIDTHS = (375, 1280)
DARK_BACKGROUND = "rgb(18, 20, 24)"  # --bg in dark mode, static/css/hublet.css
_post_number = itertools.count(1)


@pytest.fixture(scope="session")
def axe_source() -> str:
    return read_axe_source()


def _field(page: Page, label: str):  # type: ignore[no-untyped-def]
    """A field of the comment form by its label (which ends in " *" when required)."""
    return page.locator("#commentform").get_by_label(re.compile(rf"^{label}\b"))


def _post_own_comment(page: Page) -> None:
    """Post a comment that waits for moderation, then load the page as its author sees it."""
    _field(page, "Comment").fill(f"Good to have the night trains back ({next(_post_number)}).")
    _field(page, "Name").fill("Ann Reader")
    _field(page, "Email").fill("ann@example.com")
    page.get_by_role("button", name="Post Comment").click()
    expect(page.locator("#comment-list")).to_contain_text("awaiting moderation")
    page.reload()
    expect(page.locator("#comment-list")).to_contain_text("awaiting moderation")


def _submit_empty_contact_form(page: Page) -> None:
    page.get_by_role("button", name="Send Message").click()
    expect(page.locator("#email-error")).to_be_visible()


def _open_search_overlay(page: Page) -> None:
    page.locator("#search-button").click()
    overlay = page.get_by_role("dialog", name="Search")
    expect(overlay).to_be_visible()
    overlay.get_by_label("Search the archive").fill("harbour")
    expect(overlay.locator(".search-live-list")).to_be_visible()


def _open_menu_drawer(page: Page) -> None:
    page.get_by_role("button", name="Menu", exact=True).click()
    expect(page.get_by_role("button", name="Close Menu")).to_be_visible()


def _open_recent_news(page: Page) -> None:
    menu = page.get_by_role("navigation", name="Main menu")
    menu.locator("summary", has_text="Recent News").click()
    expect(menu.locator(".recent-panel")).to_be_visible()


def _open_more(page: Page) -> None:
    menu = page.get_by_role("navigation", name="Main menu")
    menu.locator("summary", has_text="More").click()
    expect(menu.locator(".submenu")).to_be_visible()


def _open_reply_form(page: Page) -> None:
    page.get_by_role("link", name="Reply to Alice Reader").click()
    expect(page.locator("#comment-list #respond")).to_be_visible()
    expect(page.get_by_role("link", name="Cancel Reply")).to_be_visible()


@dataclass(frozen=True)
class Kind:
    """A page kind: where it lives, who looks at it, what the reader does first."""

    path: str
    moderator: bool = False
    action: Callable[[Page], None] | None = None
    widths: tuple[int, ...] = WIDTHS


KINDS = {
    "home": Kind("home"),
    "article-with-comments": Kind("article"),
    "article-own-pending-comment": Kind("article-pending", action=_post_own_comment),
    "article-comments-closed": Kind("article-closed"),
    "category": Kind("category"),
    "tag": Kind("tag"),
    "author": Kind("author"),
    "search-results": Kind("search-results"),
    "search-no-results": Kind("search-none"),
    "search-empty": Kind("search-empty"),
    "static-page": Kind("page"),
    "contact-with-errors": Kind("contact", action=_submit_empty_contact_form),
    "not-found": Kind("not-found"),
    "login": Kind("login"),
    "search-overlay-open": Kind("home", action=_open_search_overlay),
    "menu-drawer-open": Kind("home", action=_open_menu_drawer, widths=(375,)),
    "recent-news-panel-open": Kind("home", action=_open_recent_news, widths=(1280,)),
    "more-menu-open": Kind("home", action=_open_more, widths=(1280,)),
    "reply-form-open": Kind("article", action=_open_reply_form),
    **{
        f"moderation-{tab}": Kind(f"mod-{tab}", moderator=True)
        for tab in (
            "pending",
            "approved",
            "spam",
            "trash",
            "settings",
            "messages",
            "articles",
            "audit",
        )
    },
}
CASES = [
    pytest.param(name, width, id=f"{name}-{width}")
    for name, kind in KINDS.items()
    for width in kind.widths
]


def _settle(page: Page) -> None:
    """Wait until every running transition (the drawer slides in) has finished."""
    # A promise awaited through evaluate, not wait_for_function: its polling needs eval, which
    # the page's CSP forbids.
    page.evaluate(
        """() => Promise.race([Promise.all(document.getAnimations().map(a => a.finished)),
                               new Promise(done => setTimeout(done, 3000))])"""
    )


def _load_lazy_lists(page: Page) -> None:
    """Scroll to the footer so that its "revealed" lists load too, and wait for every list
    htmx fills, so that axe sees the page as a reader does."""
    footer = page.locator(".site-footer")
    if footer.count():
        footer.scroll_into_view_if_needed()
        expect(page.locator(".list-slot-link")).to_have_count(0)
        page.wait_for_load_state("networkidle")  # and the next page of infinite scroll
        page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.parametrize(("name", "width"), CASES)
def test_axe_finds_no_violation_in_light_or_dark_mode(browser, site, axe_source, name, width):  # noqa: F811
    """One page load per page kind and width; dark mode is switched on in the same page, where
    the rules that depend on colours run again (the document itself has not changed)."""
    kind = KINDS[name]
    context = open_context(
        browser,
        site,
        moderator=kind.moderator,
        color_scheme="light",
        viewport={"width": width, "height": 900},
    )
    try:
        tab = WatchedPage(context)
        page = tab.page
        page.goto(site.paths[kind.path])
        _load_lazy_lists(page)
        if kind.action:
            kind.action(page)
        _settle(page)
        problems = [f"light: {line}" for line in violations(page, axe_source)]
        page.emulate_media(color_scheme="dark")
        _settle(page)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == DARK_BACKGROUND, "dark mode did not switch on"
        dark = violations(page, axe_source, rules=COLOUR_RULES)
        problems += [f"dark: {line}" for line in dark]
        assert not problems, "\n".join(problems)
        assert not tab.real_errors(), tab.real_errors()
    finally:
        context.close()


def test_axe_catches_a_real_violation(site_page: Page, axe_source):  # noqa: F811
    """The check can fail: an unlabelled field and low-contrast text are reported."""
    page = site_page
    page.goto("/contact-us")
    page.evaluate(
        """() => {
            document.querySelector('label[for="email"]').remove();
            document.querySelector('h1').style.color = '#bbbbbb';
        }"""
    )
    problems = " ".join(violations(page, axe_source, BLOCKING_IMPACTS))
    assert "label" in problems
    assert "color-contrast" in problems


def test_axe_catches_an_unnamed_second_landmark(site_page: Page, axe_source):  # noqa: F811
    """Minor and moderate findings count too: two unnamed <aside>s and a stray paragraph."""
    page = site_page
    page.goto("/about-us")
    assert not violations(page, axe_source)
    page.evaluate(
        """() => {
            for (const text of ['One box', 'Another box']) {
                const aside = document.createElement('aside');
                aside.textContent = text;
                document.querySelector('main').after(aside);
            }
            const stray = document.createElement('p');
            stray.textContent = 'Outside every landmark';
            document.body.prepend(stray);
        }"""
    )
    problems = " ".join(violations(page, axe_source))
    assert "landmark-unique" in problems
    assert "region" in problems


@pytest.mark.parametrize("path", ["/", "/contact-us", "/no-such-page"])
def test_skip_link_is_first_visible_on_focus_and_jumps_to_main(site_page: Page, site, path):  # noqa: F811
    page = site_page
    page.goto(path)
    skip = page.get_by_role("link", name="Skip to content")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["height"] > 10, "the skip link must show when focused"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    inside_main = page.evaluate("document.querySelector('main').contains(document.activeElement)")
    assert inside_main


def test_every_page_has_landmarks_and_one_h1(site_page: Page, site):  # noqa: F811
    page = site_page
    for key in ("home", "article", "category", "contact", "not-found"):
        page.goto(site.paths[key])
        expect(page.locator("h1")).to_have_count(1)
        expect(page.get_by_role("main")).to_have_count(1)
        expect(page.get_by_role("banner")).to_have_count(1)
        expect(page.get_by_role("contentinfo")).to_have_count(1)
        expect(page.get_by_role("navigation", name="Main menu")).to_have_count(1)


def test_focus_is_visible_on_every_control_tabbed_to(site_page: Page, site):  # noqa: F811
    page = site_page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.paths["article"])
    seen = 0
    for _ in range(40):
        page.keyboard.press("Tab")
        style = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                return {tag: e.tagName, text: (e.textContent || '').trim().slice(0, 30),
                        outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
                        shadow: s.boxShadow}; }"""
        )
        if style["tag"] == "BODY":
            continue
        seen += 1
        visible = (style["outline"] != "none" and style["width"] >= 2) or style["shadow"] != "none"
        assert visible, f"no visible focus on {style}"
    assert seen >= 30
