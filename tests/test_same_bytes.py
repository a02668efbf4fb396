"""Anonymous pages are the same bytes for everyone: no cookie, no per-reader token,
an ETag that holds until readers would see a change, and forms that still refuse forged posts."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from hublet.comments.services import set_comment_status
from hublet.extensions import db
from hublet.models import ContactMessage
from tests.builders import make_article, make_category
from tests.comments.helpers import add_comment, all_comments, comment_count
from tests.conftest import HTMX, csrf_token_in

SHARED = "public, max-age=0, s-maxage=5, stale-while-revalidate=30"
STAMP = re.compile(r'name="form_stamp" value="([^"]+)"')
TOKEN_URL = re.compile(r'data-hx-get="(/form-token)"')
COMMENT = {"name": "Ann Reader", "email": "ann@example.com", "comment": "Well reported."}
MESSAGE = {"name": "Ann", "email": "ann@example.com", "subject": "Hi", "message": "Hello there!"}
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "User-Agent": "TestBrowser/1.0"}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    app_config["COMMENT_FLOOD_SECONDS"] = 0
    app_config["COMMENT_FIRST_TIME_HOLD"] = False
    return app_config


@pytest.fixture
def story(ctx):  # type: ignore[no-untyped-def]
    article = make_article("Harbour reopens", category=make_category("Business", "business"))
    add_comment(article, name="Bo Parent")
    return article


def _paths(story) -> list[str]:  # type: ignore[no-untyped-def]
    return ["/", f"/article/{story.slug}", "/category/business", "/contact-us"]


def test_two_fresh_readers_get_the_same_bytes_and_no_cookie(app: Flask, story):
    for path in _paths(story):
        first, second = app.test_client().get(path), app.test_client().get(path)
        assert first.status_code == second.status_code == 200, path
        assert first.get_data() == second.get_data(), path
        assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers, path
        html = first.get_data(as_text=True)
        assert "X-CSRFToken" not in html and 'name="csrf_token"' not in html, path
    # The htmx partial of a page is the same for everyone too.
    partials = [app.test_client().get("/?page=2", headers=HTMX) for _ in range(2)]
    assert partials[0].get_data() == partials[1].get_data()


def test_shared_pages_and_partials_say_public_personal_ones_private(app: Flask, client, story):
    for path in _paths(story):
        response = client.get(path)
        assert response.headers["Cache-Control"] == SHARED, path
        assert "Cookie" in response.headers["Vary"], path
    partial = client.get("/lists/featured", headers=HTMX)  # the view's own choice stands
    assert "public" in partial.headers["Cache-Control"]
    thread = client.get(f"/article/{story.slug}?cpage=1", headers=HTMX)
    assert thread.headers["Cache-Control"] == SHARED
    # A reader who posted has a page of their own from then on.
    _post_with_token(client, story.slug)
    for path in _paths(story):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "private, no-cache", path
        assert "Cookie" in response.headers["Vary"], path


def test_the_settings_choose_the_cache_control(app: Flask, client, story):
    app.config.update(PAGE_MAX_AGE=10, PAGE_SHARED_MAX_AGE=20, PAGE_STALE_WHILE_REVALIDATE=40)
    expected = "public, max-age=10, s-maxage=20, stale-while-revalidate=40"
    assert client.get("/").headers["Cache-Control"] == expected


def test_a_repeat_visit_gets_304_until_readers_would_see_a_change(app: Flask, story):
    path = f"/article/{story.slug}"
    first = app.test_client().get(path)
    etag = first.headers["ETag"]
    assert not first.headers["ETag"].startswith("W/")  # strong: the bytes are the same
    # Another reader, another process' cache miss: the same ETag for the same bytes.
    app.extensions["cache"][next(iter(app.extensions["cache"]))].clear()
    again = app.test_client().get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert app.test_client().get(path).headers["ETag"] == etag
    # The partial of the same address is an answer of its own.
    partial = app.test_client().get(f"{path}?cpage=1", headers=HTMX)
    assert partial.headers["ETag"] != etag
    # A new comment readers see: a new page, a new ETag.
    comment = add_comment(story, name="Cy Later", status="pending")
    assert app.test_client().get(path, headers={"If-None-Match": etag}).status_code == 304
    set_comment_status(comment, "approved")
    changed = app.test_client().get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "Cy Later" in changed.get_data(as_text=True)


def _post_with_token(client, slug: str, **fields: str):  # type: ignore[no-untyped-def]
    """What a browser with JavaScript does: focus the form (htmx fetches the token), post."""
    html = client.get(f"/article/{slug}").get_data(as_text=True)
    token_url = TOKEN_URL.search(html).group(1)
    fragment = client.get(token_url, headers=HTMX)
    assert "Set-Cookie" in fragment.headers  # the reader's session starts here
    assert "no-store" in fragment.headers["Cache-Control"]
    token = csrf_token_in(fragment.get_data(as_text=True), form=True)
    return client.post(
        f"/article/{slug}/comments",
        data={**COMMENT, **fields, "csrf_token": token},
        headers={**HTMX, "User-Agent": "TestBrowser/1.0"},
    )


def test_the_comment_form_fetches_its_token_and_posts(client, story):
    response = _post_with_token(client, story.slug)
    assert response.status_code == 200
    assert "Well reported." in response.get_data(as_text=True)
    assert [c.author_name for c in all_comments()] == ["Bo Parent", "Ann Reader"]
    # The fresh form that comes back is the reader's own: it carries their token.
    csrf_token_in(response.get_data(as_text=True), form=True)


def test_without_javascript_a_post_from_this_site_with_the_pages_stamp_is_stored(client, story):
    html = client.get(f"/article/{story.slug}").get_data(as_text=True)
    stamp = STAMP.search(html).group(1)
    response = client.post(
        f"/article/{story.slug}/comments",
        data={**COMMENT, "form_stamp": stamp},
        headers=SAME_ORIGIN,
    )
    assert response.status_code == 303
    assert all_comments()[-1].author_name == "Ann Reader"
    # Contact Us the same way, with an Origin header from a browser without Sec-Fetch-Site.
    reader = client.application.test_client()
    html = reader.get("/contact-us").get_data(as_text=True)
    stamp = STAMP.search(html).group(1)
    response = reader.post(
        "/contact-us",
        data={**MESSAGE, "form_stamp": stamp},
        headers={"Origin": "http://localhost"},
    )
    assert response.status_code == 303
    assert db.session.query(ContactMessage).count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a script, or a browser that says nothing: it needs a token
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://news.localhost"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        # Sec-Fetch-Site decides when it is there, whatever the Origin says.
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},
    ],
)
def test_a_post_without_a_token_is_refused_unless_the_browser_says_this_site(
    client, story, headers
):
    html = client.get(f"/article/{story.slug}").get_data(as_text=True)
    stamp = STAMP.search(html).group(1)
    for data in ({**COMMENT}, {**COMMENT, "form_stamp": stamp}):
        response = client.post(f"/article/{story.slug}/comments", data=data, headers=headers)
        assert response.status_code == 400
    contact = client.post("/contact-us", data={**MESSAGE, "form_stamp": stamp}, headers=headers)
    assert contact.status_code == 400
    assert comment_count() == 1 and db.session.query(ContactMessage).count() == 0


def test_from_this_site_a_post_still_needs_a_good_stamp_and_never_a_bad_token(client, story):
    html = client.get(f"/article/{story.slug}").get_data(as_text=True)
    stamp = STAMP.search(html).group(1)
    url = f"/article/{story.slug}/comments"
    attempts = [
        {**COMMENT},  # no stamp
        {**COMMENT, "form_stamp": "20260101.0000"},  # forged
        {**COMMENT, "form_stamp": stamp.replace(".", ".0", 1)[:-1]},  # tampered
        {**COMMENT, "form_stamp": stamp, "csrf_token": "forged"},  # a token is always checked
    ]
    for data in attempts:
        assert client.post(url, data=data, headers=SAME_ORIGIN).status_code == 400
    # The contact form's stamp does not open the comment form.
    contact_stamp = STAMP.search(client.get("/contact-us").get_data(as_text=True)).group(1)
    assert contact_stamp != stamp
    data = {**COMMENT, "form_stamp": contact_stamp}
    assert client.post(url, data=data, headers=SAME_ORIGIN).status_code == 400
    assert comment_count() == 1


def test_a_stamp_from_long_ago_is_refused(app: Flask, client, story):
    from hublet.form_tokens import _stamp_for

    with app.test_request_context():
        old = _stamp_for("comments.post_comment", "20200101")
    data = {**COMMENT, "form_stamp": old}
    response = client.post(f"/article/{story.slug}/comments", data=data, headers=SAME_ORIGIN)
    assert response.status_code == 400
    assert comment_count() == 1


def test_the_view_beacon_counts_from_this_site_without_a_token(client, story):
    from hublet.articles import popularity

    url = f"/article/{story.id}/view"
    browser = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0", **HTMX}
    assert client.post(url, headers=browser).status_code == 400
    cross = {**browser, "Sec-Fetch-Site": "cross-site"}
    assert client.post(url, headers=cross).status_code == 400
    same = {**browser, "Sec-Fetch-Site": "same-origin"}
    assert client.post(url, headers=same).status_code == 204
    db.session.rollback()
    assert popularity.views_of(story.id) == 1
