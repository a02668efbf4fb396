"""A reader following an old WordPress link lands on the imported story."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

WXR = Path(__file__).parent.parent / "data" / "wordpress-export.xml"


def test_an_old_wordpress_link_opens_the_imported_article(app, page: Page, live_server):
    # The pictures move with --media-url to this site (a missing file is only a 404).
    result = app.test_cli_runner().invoke(
        args=["import-wordpress", str(WXR), "--media-url", "/static/uploads/"]
    )
    assert result.exit_code == 0, result.output
    page.goto("/?p=101")
    expect(page).to_have_url(f"{live_server.url}/article/elections-paris")
    expect(page.locator("h1")).to_have_text("Élections à Paris : le vote en direct")
    expect(page.locator(".story-body")).to_contain_text("Polling stations opened at eight")
    expect(page.locator(".story-hero img")).to_have_attribute("alt", "A queue of voters")


def test_an_old_link_with_a_unicode_slug_opens_the_article(app, page: Page):
    args = ["import-wordpress", str(WXR), "--media-url", "/static/uploads/"]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    page.goto("/?p=102")
    expect(page.locator("h1")).to_have_text("宇宙望遠鏡が新しい惑星を発見")


def test_an_old_link_to_an_unpublished_post_is_not_found(app, page: Page):
    assert app.test_cli_runner().invoke(args=["import-wordpress", str(WXR)]).exit_code == 0
    response = page.goto("/?p=104")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_be_visible()
