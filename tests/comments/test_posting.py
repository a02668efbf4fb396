"""Posting a comment, with and without htmx, and what the reader sees afterwards."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hublet.comments import cookies
from hublet.database import writing
from hublet.extensions import db
from hublet.models import Comment
from tests.builders import make_article
from tests.comments.helpers import add_comment, all_comments, comment_count, post
from tests.conftest import HTMX


@pytest.fixture
def app_config(app_config: dict) -> dict:
    # These tests post several comments from one address; the flood rule has its own tests.
    app_config["COMMENT_FLOOD_SECONDS"] = 0
    return app_config


def test_post_without_javascript_redirects_to_the_comment_and_stores_everything(client, ctx):
    article = make_article("Rain tomorrow")
    response = post(client, "rain-tomorrow", website="https://ann.example.org/blog")
    assert response.status_code == 303
    (comment,) = all_comments()
    assert response.headers["Location"].endswith(f"/article/rain-tomorrow#comment-{comment.id}")
    assert comment.article_id == article.id
    assert comment.parent_id is None and comment.depth == 1
    assert comment.author_name == "Ann Reader"
    assert comment.author_email == "ann@example.com"
    assert comment.author_url == "https://ann.example.org/blog"
    assert comment.body_html == "<p>A perfectly ordinary comment.</p>"
    assert comment.status == "pending"  # a first comment waits for a moderator
    assert comment.ip_address == "203.0.113.7"
    assert comment.user_agent == "TestBrowser/1.0"
    assert comment.created_at is not None


def test_held_comment_shows_only_to_its_author_also_after_reload(app, client, ctx):
    make_article("Quiet news")
    post(client, "quiet-news", comment="Only I should see this for now.")
    mine = client.get("/article/quiet-news").get_data(as_text=True)
    assert "Only I should see this for now." in mine
    assert "Your comment is awaiting moderation." in mine
    assert "No Comments" in mine  # held comments are not counted

    stranger = app.test_client().get("/article/quiet-news").get_data(as_text=True)
    assert "Only I should see this for now." not in stranger
    assert "awaiting moderation" not in stranger


def test_forged_own_comments_cookie_shows_nothing(app, client, ctx):
    article = make_article("Forgery")
    held = add_comment(article, text="Someone else's held words.", status="pending")
    client.set_cookie(cookies.OWN_COMMENTS_COOKIE, f"[{held.id}]")
    html = client.get("/article/forgery").get_data(as_text=True)
    assert "Someone else's held words." not in html


def test_htmx_post_returns_the_comment_in_place_a_fresh_form_and_the_count(client, ctx):
    article = make_article("Bridges")
    add_comment(article, email="ann@example.com", name="Ann Reader")  # Ann is known: approved
    response = post(client, "bridges", htmx=True, comment="Second <em>thoughts</em>.")
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    new = all_comments()[-1]
    assert new.status == "approved"
    assert '<hx-partial data-hx-target="#comment-list" data-hx-swap="beforeend">' in html
    assert f'id="comment-{new.id}"' in html and "Second <em>thoughts</em>." in html
    assert '<div id="respond"' in html and "Thank you, your comment was posted." in html
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.S)
    assert textarea and textarea.group(1).strip() == ""  # the form is cleared
    assert (
        '<hx-partial data-hx-target="#comments-heading" data-hx-swap="innerHTML">2 Comments' in html
    )
    assert '<hx-partial data-hx-target=".meta-comments" data-hx-swap="innerHTML">2 Comments' in html
    assert "<html" not in html  # a fragment, not the page


def test_htmx_post_of_a_held_comment_is_marked_for_its_author(client, ctx):
    make_article("Held")
    html = post(client, "held", htmx=True).get_data(as_text=True)
    assert "Your comment is awaiting moderation." in html
    assert "Thank you, your comment is awaiting moderation." in html
    assert "No Comments" in html


def test_reply_is_nested_under_its_parent(client, ctx):
    article = make_article("Thread")
    parent = add_comment(article, name="Bo Parent")
    response = post(client, "thread", htmx=True, parent_id=str(parent.id), comment="I agree.")
    assert response.status_code == 200
    reply = all_comments()[-1]
    assert reply.parent_id == parent.id and reply.depth == 2
    html = response.get_data(as_text=True)
    assert (
        f'<hx-partial data-hx-target="#comment-{parent.id}-replies" data-hx-swap="beforeend">'
        in html
    )

    page = client.get("/article/thread").get_data(as_text=True)
    replies = page.split(f'id="comment-{parent.id}-replies"')[1]
    assert replies.index(f'id="comment-{reply.id}"') < replies.index("</ol>")


def test_reply_to_a_hidden_or_foreign_comment_is_refused(client, ctx):
    article = make_article("Here")
    other = make_article("Elsewhere")
    foreign = add_comment(other)
    spam = add_comment(article, status="spam")
    for parent_id in (foreign.id, spam.id, 999999, 2**31, 10**20, -1, "abc", "1.5"):
        response = post(client, "here", parent_id=str(parent_id))
        assert response.status_code == 422
        assert "The comment you replied to is no longer available." in response.get_data(
            as_text=True
        )
    assert comment_count() == 2


def test_replytocom_without_javascript_renders_the_form_for_that_parent(client, ctx):
    article = make_article("Replies")
    parent = add_comment(article, name="Cy Writer")
    html = client.get(f"/article/replies?replytocom={parent.id}").get_data(as_text=True)
    assert "Reply to Cy Writer" in html
    assert f'name="parent_id" type="hidden" value="{parent.id}"' in html
    cancel = re.search(r'<a id="cancel-comment-reply-link"[^>]*>', html).group(0)
    assert "hidden" not in cancel and 'href="/article/replies#respond"' in cancel

    for bad in ("banana", "99999999999999999999", "2147483648", "-1", "0"):
        plain = client.get(f"/article/replies?replytocom={bad}")
        assert plain.status_code == 200
        html = plain.get_data(as_text=True)
        assert "Leave A Reply" in html and 'value="" ' not in html
        assert 'name="parent_id" type="hidden" value=""' in html


def test_save_my_details_prefills_the_form_and_unticking_forgets(client, ctx):
    make_article("Cookies")
    post(client, "cookies", save_details="y", website="https://ann.example.org")
    html = client.get("/article/cookies").get_data(as_text=True)
    assert 'id="name" maxlength="80" name="name" required type="text" value="Ann Reader"' in html
    assert 'value="ann@example.com"' in html
    assert 'value="https://ann.example.org"' in html
    assert re.search(r'<input checked id="save_details"', html)

    post(client, "cookies", comment="Without saving this time.")
    html = client.get("/article/cookies").get_data(as_text=True)
    assert 'value="Ann Reader"' not in html and 'value="ann@example.com"' not in html


def test_email_is_never_shown_to_readers(client, ctx):
    article = make_article("Privacy")
    add_comment(article, email="secret.person@example.com", name="Secret Person")
    html = client.get("/article/privacy").get_data(as_text=True)
    assert "Secret Person" in html
    assert "secret.person@example.com" not in html


def test_comment_shows_avatar_initials_name_link_date_and_reply(client, ctx):
    article = make_article("Faces")
    with writing():
        comment = add_comment(article, name="dana van der berg")
        comment.author_url = "https://dana.example.net/"
        db.session.commit()
    html = client.get("/article/faces").get_data(as_text=True)
    item = html.split(f'id="comment-{comment.id}"')[1].split("</li>")[0]
    assert re.search(r'<span class="avatar avatar-[0-7]" aria-hidden="true">DB</span>', item)
    assert (
        '<a class="comment-author-link" href="https://dana.example.net/" '
        'rel="nofollow ugc noopener">dana van der berg</a>'
    ) in item
    assert re.search(
        r"<time datetime=\"[^\"]+\">[A-Z][a-z]+ \d+, \d{4} at \d+:\d\d [ap]m</time>", item
    )
    assert f'href="?replytocom={comment.id}#respond"' in item
    assert "<img" not in item and "gravatar" not in html  # no third-party avatar requests
    assert "style=" not in item


def test_thread_is_oldest_first_and_nests_to_depth_four(client, ctx):
    article = make_article("Deep")
    first = add_comment(article, text="first", age=timedelta(hours=9))
    second = add_comment(article, text="second", age=timedelta(hours=8))
    level2 = add_comment(article, text="level two", parent=first, age=timedelta(hours=7))
    level3 = add_comment(article, text="level three", parent=level2, age=timedelta(hours=6))
    level4 = add_comment(article, text="level four", parent=level3, age=timedelta(hours=5))
    too_deep = add_comment(article, text="too deep", parent=level4, age=timedelta(hours=4))
    html = client.get("/article/deep").get_data(as_text=True)
    assert html.index("<p>first</p>") < html.index("<p>second</p>")
    assert 'class="comment depth-4"' in html
    assert "depth-5" not in html
    assert too_deep.depth == 4
    # The reply to a depth-4 comment sits beside it, in the depth-3 comment's replies.
    level3_replies = html.split(f'id="comment-{level3.id}-replies"')[1]
    assert level3_replies.index(f'id="comment-{level4.id}"') < level3_replies.index(
        f'id="comment-{too_deep.id}"'
    )
    assert f'id="comment-{level4.id}-replies"' not in html
    assert second.depth == 1


def test_htmx_reply_to_a_depth_four_comment_goes_beside_it(client, ctx):
    article = make_article("Deeper")
    c1 = add_comment(article)
    c2 = add_comment(article, parent=c1)
    c3 = add_comment(article, parent=c2)
    c4 = add_comment(article, parent=c3)
    html = post(client, "deeper", htmx=True, parent_id=str(c4.id)).get_data(as_text=True)
    assert (
        f'<hx-partial data-hx-target="#comment-{c3.id}-replies" data-hx-swap="beforeend">' in html
    )
    reply = all_comments()[-1]
    assert reply.depth == 4 and reply.parent_id == c4.id


def test_orphaned_reply_hangs_under_the_nearest_visible_ancestor(client, ctx):
    article = make_article("Orphans")
    top = add_comment(article, text="top")
    trashed = add_comment(article, text="trashed middle", parent=top, status="trash")
    child = add_comment(article, text="child of trashed", parent=trashed)
    html = client.get("/article/orphans").get_data(as_text=True)
    assert "trashed middle" not in html
    top_replies = html.split(f'id="comment-{top.id}-replies"')[1]
    assert top_replies.index(f'id="comment-{child.id}"') < top_replies.index("</ol>")


def test_counts_in_heading_and_meta_follow_approved_comments_only(client, ctx):
    article = make_article("Counting")
    html = client.get("/article/counting").get_data(as_text=True)
    assert '<h2 id="comments-heading" class="block-heading">No Comments</h2>' in html
    add_comment(article, status="approved")
    add_comment(article, status="pending")
    add_comment(article, status="spam")
    html = client.get("/article/counting").get_data(as_text=True)
    assert '<h2 id="comments-heading" class="block-heading">1 Comment</h2>' in html
    assert re.search(r'class="meta-comments"[^>]*>\s*1 Comment\s*</a>', html)
    add_comment(article, status="approved")
    html = client.get("/article/counting").get_data(as_text=True)
    assert '<h2 id="comments-heading" class="block-heading">2 Comments</h2>' in html


def test_approving_through_the_service_shows_the_comment_to_everyone(app, client, ctx):
    from hublet.comments.services import set_comment_status

    make_article("Approval")
    post(client, "approval", comment="Please approve me.")
    (comment,) = all_comments()
    stranger = app.test_client()
    assert "Please approve me." not in stranger.get("/article/approval").get_data(as_text=True)
    with writing():
        set_comment_status(db.session.get(Comment, comment.id), "approved")
    html = stranger.get("/article/approval").get_data(as_text=True)
    assert "Please approve me." in html and "1 Comment" in html
    assert "awaiting moderation" not in html


def test_unknown_and_unpublished_articles_take_no_comments(client, ctx):
    make_article("Open story")
    make_article("Draft story", status="draft")
    token_page = "open-story"
    from tests.comments.helpers import form_token

    token = form_token(client, token_page)
    for slug in ("no-such-story", "draft-story"):
        for headers in ({}, HTMX):
            response = client.post(
                f"/article/{slug}/comments",
                data={"csrf_token": token, "name": "A", "email": "a@example.com", "comment": "hi!"},
                headers=headers,
            )
            assert response.status_code == 404
            assert "does not exist or is not published" in response.get_data(as_text=True)
    assert comment_count() == 0


def test_missing_csrf_token_is_refused(client, ctx):
    make_article("Tokens")
    response = client.post(
        "/article/tokens/comments",
        data={"name": "A", "email": "a@example.com", "comment": "hello"},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert 'role="alert"' in response.get_data(as_text=True)
    assert comment_count() == 0


def test_unticking_save_gives_an_empty_fresh_form_at_once(client, ctx):
    make_article("Forget me")
    post(client, "forget-me", save_details="y")
    html = post(client, "forget-me", htmx=True, comment="Second, not saved.").get_data(as_text=True)
    assert 'value="Ann Reader"' not in html and 'value="ann@example.com"' not in html
    page = client.get("/article/forget-me").get_data(as_text=True)
    assert 'value="Ann Reader"' not in page and 'value="ann@example.com"' not in page
