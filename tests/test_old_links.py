"""Every old WordPress link keeps working after the move: one 301, or a 404."""

from __future__ import annotations

import pytest

from tests.builders import ctx, make_article, make_author, make_category, make_comment, make_page

__all__ = ["ctx"]


@pytest.fixture
def site(ctx):  # type: ignore[no-untyped-def]
    news = make_category("News", slug="news")
    author = make_author("Ada Reporter", slug="ada-reporter")
    story = make_article(
        "Harbour reopens", slug="harbour-reopens", category=news, author=author,
        tags=["Ports"], wp_post_id=101,
    )  # fmt: skip
    make_article("Draft plans", slug="draft-plans", status="draft", wp_post_id=102)
    make_page("About the Gazette", slug="about-the-gazette", wp_post_id=200)
    make_page("Shared name", slug="shared-name")
    make_article("Shared name", slug="shared-name")
    approved = make_comment(story, status="approved", wp_comment_id=501)
    make_comment(story, status="pending", wp_comment_id=502)
    return {"approved_comment_id": approved.id}


def _moved(client, path: str) -> str:  # type: ignore[no-untyped-def]
    response = client.get(path)
    assert response.status_code == 301, (path, response.status_code)
    return response.headers["Location"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("/?p=101", "/article/harbour-reopens"),
        ("/?page_id=200", "/about-the-gazette"),
        ("/2024/05/17/harbour-reopens/", "/article/harbour-reopens"),
        ("/2024/05/17/harbour-reopens", "/article/harbour-reopens"),
        ("/2024/05/harbour-reopens/", "/article/harbour-reopens"),
        ("/archives/101", "/article/harbour-reopens"),
        ("/archives/101/", "/article/harbour-reopens"),
        ("/harbour-reopens/", "/article/harbour-reopens"),
        ("/about-the-gazette/", "/about-the-gazette"),
        ("/shared-name/", "/shared-name"),  # a static page of that slug wins
        ("/news/harbour-reopens/", "/article/harbour-reopens"),  # /%category%/%postname%/
        ("/news/harbour-reopens", "/article/harbour-reopens"),
        ("/about/about-the-gazette/", "/about-the-gazette"),  # a child page
        ("/category/news/", "/category/news"),
        ("/category/world/news/", "/category/news"),  # nested: the last one
        ("/category/news/page/2/", "/category/news?page=2"),
        ("/category/news/feed/", "/category/news/feed"),
        ("/tag/ports/", "/tag/ports"),
        ("/tag/ports/feed/", "/feed"),
        ("/author/ada-reporter/", "/author/ada-reporter"),
        ("/author/Ada%20Reporter/", "/author/ada-reporter"),
        ("/feed/", "/feed"),
        ("/feed/rss2/", "/feed"),
        ("/feed/atom/", "/feed/atom"),
        ("/comments/feed/", "/feed"),
        ("/page/2/", "/?page=2"),
    ],
)
def test_old_permalinks_move_for_good(client, site, old: str, new: str) -> None:
    assert _moved(client, old) == new


def test_replytocom_opens_the_reply_form_of_that_comment_or_is_dropped(client, site) -> None:
    anchor = f"?replytocom={site['approved_comment_id']}#respond"
    assert _moved(client, "/?p=101&replytocom=501") == f"/article/harbour-reopens{anchor}"
    page = client.get(f"/article/harbour-reopens{anchor}").get_data(as_text=True)
    assert "Reply to Reader" in page  # the reply form opens under that comment
    assert _moved(client, "/2024/05/harbour-reopens/?replytocom=501").endswith(anchor)
    for reply in ("502", "999", "abc", "-1"):  # pending, unknown, nonsense: just the story
        assert _moved(client, f"/harbour-reopens/?replytocom={reply}") == (
            "/article/harbour-reopens"
        )


@pytest.mark.parametrize(
    "path",
    [
        "/?p=102",  # a draft
        "/2024/05/17/draft-plans/",
        "/2024/05/draft-plans/",
        "/archives/102",
        "/draft-plans/",
        "/never-imported/",
        "/category/nothing/",
        "/tag/nothing/",
        "/author/nobody/",
        "/feed/bogus/",
        "/search/",
        "/news/draft-plans/",
        "/news/never-imported/",
        "/2024/05/",  # a month archive: nothing to name
    ],
)
def test_links_to_drafts_and_unknown_names_stay_404(client, site, path: str) -> None:
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/feed",
        "/feed/atom",
        "/category/news",
        "/category/news/feed",
        "/tag/ports",
        "/about-the-gazette",
    ],
)
def test_hublets_own_addresses_are_not_shadowed(client, site, path: str) -> None:
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/moderation/logout", 405),  # POST only: not caught as /<section>/<slug>
        ("/lists/top-posts", 200),
        ("/lists/top-posts/", 404),
        ("/search/live/", 404),
        ("/article/harbour-reopens/comments", 405),
    ],
)
def test_section_and_slug_links_do_not_catch_hublets_routes(client, site, path, status) -> None:
    assert client.get(path).status_code == status


def test_moderation_index_still_answers_its_own_route(client, site) -> None:
    response = client.get("/moderation/")
    assert response.status_code in (200, 302, 303)
    assert "/article/" not in response.headers.get("Location", "")
