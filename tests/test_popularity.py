"""View counting, the sidebar lists and What's Hot."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import g

from hublet.articles import popularity
from hublet.database import writing
from hublet.extensions import db
from hublet.models import ArticleViewDay, Comment
from hublet.timeutil import utcnow
from tests.builders import make_article
from tests.conftest import HTMX, csrf_token

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"


def beacon(client, article, user_agent: str = BROWSER, token: str | None = None):  # type: ignore[no-untyped-def]
    if token is None:
        g.pop("csrf_token", None)  # the test's app context would hand every client one token
        token = csrf_token(client)
    return client.post(
        f"/article/{article.id}/view",
        headers={"X-CSRFToken": token, "User-Agent": user_agent, **HTMX},
    )


def views_today(article_id: int) -> int:
    """Today's count as stored now (ends the test's own read transaction first)."""
    db.session.rollback()
    return popularity.views_of(article_id)


def add_views(article, views: int, days_ago: int = 0) -> None:  # type: ignore[no-untyped-def]
    with writing():
        db.session.add(
            ArticleViewDay(
                article_id=article.id,
                day=popularity.today() - timedelta(days=days_ago),
                views=views,
            )
        )
        db.session.commit()


def add_comments(article, count: int, age: timedelta = timedelta(hours=1)) -> None:  # type: ignore[no-untyped-def]
    with writing():
        for n in range(count):
            db.session.add(
                Comment(
                    article_id=article.id,
                    author_name=f"Reader {n}",
                    author_email=f"r{n}@example.com",
                    body_html="<p>Hi</p>",
                    status="approved",
                    created_at=utcnow() - age,
                )
            )
        db.session.commit()


def test_a_view_counts_once_per_visitor_per_day(client, ctx):
    story = make_article("Counted story")
    token = csrf_token(client)
    assert beacon(client, story, token=token).status_code == 204
    assert beacon(client, story, token=token).status_code == 204
    assert views_today(story.id) == 1
    other = make_article("Other story")
    beacon(client, other, token=token)
    assert views_today(other.id) == 1
    # Another visitor (no cookie) counts again, in the same daily bucket.
    stranger = client.application.test_client()
    response = beacon(stranger, story)
    assert response.status_code == 204, response.get_data(as_text=True)
    assert views_today(story.id) == 2
    assert db.session.query(ArticleViewDay).filter_by(article_id=story.id).count() == 1


def test_yesterdays_cookie_does_not_stop_todays_view(client, ctx):
    story = make_article("Daily story")
    client.set_cookie("hublet_viewed", f"19990101:{story.id}")
    beacon(client, story)
    assert views_today(story.id) == 1


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
    ],
)
def test_bots_are_not_counted(client, ctx, agent):
    story = make_article("Crawled story")
    assert beacon(client, story, user_agent=agent).status_code == 204
    assert views_today(story.id) == 0


def test_beacon_needs_csrf_and_a_visible_article(client, ctx):
    story = make_article("Guarded story")
    draft = make_article("Draft story", status="draft")
    response = client.post(f"/article/{story.id}/view", headers={"User-Agent": BROWSER})
    assert response.status_code == 400
    assert beacon(client, draft).status_code == 404
    assert client.post("/article/999999/view").status_code in (400, 404)
    assert views_today(story.id) == 0 and views_today(draft.id) == 0


def test_a_flood_of_beacons_is_rate_limited(client, ctx):
    stories = [make_article(f"Flood story {n}") for n in range(31)]
    token = csrf_token(client)
    statuses = [beacon(client, story, token=token).status_code for story in stories]
    assert statuses[:30] == [204] * 30
    assert statuses[30] == 429
    assert views_today(stories[30].id) == 0


def test_article_page_carries_the_beacon(client, ctx):
    story = make_article("Beacon story")
    html = client.get("/article/beacon-story").get_data(as_text=True)
    assert f'data-hx-post="/article/{story.id}/view"' in html
    assert 'data-hx-trigger="load"' in html


def test_featured_posts_are_the_three_newest_featured(client, ctx):
    for n in range(4):
        make_article(f"Featured {n}", is_featured=True, age=timedelta(hours=n + 1))
    make_article("Not featured")
    make_article("Featured draft", is_featured=True, status="draft")
    response = client.get("/lists/featured", headers=HTMX)
    html = response.get_data(as_text=True)
    assert "Featured 0" in html and "Featured 1" in html and "Featured 2" in html
    assert "Featured 3" not in html and "Not featured" not in html and "draft" not in html
    assert html.index("Featured 0") < html.index("Featured 2")
    assert "<html" not in html
    assert "max-age=60" in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]
    assert "HX-Request" in response.headers["Vary"]


def test_most_popular_ranks_by_last_week_then_all_time(client, ctx):
    hot_now = make_article("Hot this week")
    warm = make_article("Warm this week")
    old_hit = make_article("Old hit")
    make_article("Never read")
    add_views(hot_now, 50)
    add_views(warm, 5, days_ago=6)
    add_views(old_hit, 1000, days_ago=30)
    html = client.get("/lists/most-popular", headers=HTMX).get_data(as_text=True)
    order = [html.index(t) for t in ("Hot this week", "Warm this week", "Old hit")]
    assert order == sorted(order)
    assert "Never read" not in html


def test_top_posts_rank_by_recent_comments_then_views(client, ctx):
    chatty = make_article("Chatty")
    quiet_popular = make_article("Quiet but viewed")
    old_chat = make_article("Old chatter")
    add_comments(chatty, 3)
    add_comments(old_chat, 10, age=timedelta(days=40))
    add_views(quiet_popular, 100)
    for n in range(3):
        make_article(f"Filler {n}", age=timedelta(days=2 + n))
    html = client.get("/lists/top-posts", headers=HTMX).get_data(as_text=True)
    assert html.count("<li>") == 5
    assert html.index("Chatty") < html.index("Quiet but viewed")
    assert "Old chatter" not in html or html.index("Quiet but viewed") < html.index("Old chatter")


def test_lists_are_pages_without_javascript(client, ctx):
    make_article("Featured page story", is_featured=True)
    response = client.get("/lists/featured")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert "Featured Posts</h1>" in html and "Featured page story" in html
    assert client.get("/lists/nope").status_code == 404


def test_pages_hold_list_slots_with_no_js_links(client, ctx):
    make_article("Some story")
    html = client.get("/").get_data(as_text=True)
    for name in ("top-posts", "featured", "most-popular"):
        assert f'data-hx-get="/lists/{name}" data-hx-trigger="load"' in html
        assert f'href="/lists/{name}"' in html
    assert 'data-hx-get="/lists/featured" data-hx-trigger="revealed"' in html
    assert 'data-hx-get="/lists/most-popular" data-hx-trigger="revealed"' in html


def test_whats_hot_prefers_flags_then_views_in_48_hours(client, ctx):
    flagged = make_article("Flagged hot", is_hot=True, age=timedelta(days=20))
    viewed = make_article("Viewed today", age=timedelta(days=10))
    stale = make_article("Viewed last week", age=timedelta(days=10))
    make_article("Brand new")
    make_article("Also new")
    add_views(viewed, 30)
    add_views(stale, 500, days_ago=7)
    html = client.get("/").get_data(as_text=True)
    strip = html.split('id="whats-hot-heading"')[1].split("</section>")[0]
    assert strip.index("Flagged hot") < strip.index("Viewed today")
    assert "Viewed last week" not in strip
    assert flagged and viewed
