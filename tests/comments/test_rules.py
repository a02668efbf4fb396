"""The spam and moderation rules, each on its own, through the real form post."""

from __future__ import annotations

from datetime import timedelta

import pytest

from hublet.comments import rules
from hublet.comments.rules import CommentSettings
from hublet.database import writing
from hublet.extensions import db
from hublet.models import Comment, ModerationSetting
from hublet.timeutil import utcnow
from tests.builders import make_article
from tests.comments.helpers import add_comment, all_comments, comment_count, post
from tests.conftest import HTMX

FLOOD = "You are posting comments too quickly. Slow down."
DUPLICATE = "Duplicate comment detected; it looks as though you&#39;ve already said that!"


def _save(**changes) -> None:
    with writing():
        rules.save_settings(CommentSettings(**{**rules.get_settings().__dict__, **changes}))


def _age_all_comments(seconds: int) -> None:
    with writing():
        for comment in db.session.scalars(db.select(Comment)):
            comment.created_at -= timedelta(seconds=seconds)
        db.session.commit()


# --- honeypot, first-time hold, links, keywords ----------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_filled_honeypot_is_stored_as_spam_and_looks_held_to_the_poster(client, ctx, htmx):
    make_article("Honey")
    response = post(client, "honey", htmx=htmx, phone="+1 555 0100", comment="Buy now")
    (comment,) = all_comments()
    assert comment.status == "spam"
    if htmx:
        assert response.status_code == 200
        html = response.get_data(as_text=True)
    else:
        assert response.status_code == 303
        html = client.get("/article/honey").get_data(as_text=True)
    assert "Your comment is awaiting moderation." in html
    region = html.split('id="comment-list"')[-1] if not htmx else html
    assert "spam" not in region.lower()


def test_first_comment_is_held_and_a_known_email_is_approved(client, ctx):
    article = make_article("Known")
    post(client, "known", email="new@example.com")
    assert all_comments()[-1].status == "pending"
    add_comment(article, email="known@example.com", name="Ann Reader", status="approved")
    post(client, "known", email="KNOWN@example.com", comment="I am back.", ip="192.0.2.50")
    assert all_comments()[-1].status == "approved"


def test_email_with_only_held_comments_is_still_held(client, ctx):
    article = make_article("Still held")
    add_comment(article, email="waiting@example.com", status="pending")
    add_comment(article, email="waiting@example.com", status="spam", text="other")
    post(client, "still-held", email="waiting@example.com")
    assert all_comments()[-1].status == "pending"


def test_first_time_hold_can_be_turned_off(client, ctx):
    make_article("Open door")
    _save(first_time_hold=False)
    post(client, "open-door")
    assert all_comments()[-1].status == "approved"


@pytest.mark.parametrize(
    "text, status",
    [
        ("one https://a.com and two https://b.com", "approved"),
        ("https://a.com https://b.com https://c.com", "pending"),
        ('<a href="https://a.com">a</a> <a href="https://b.com">b</a> http://c.com',
         "pending"),
    ],
)  # fmt: skip
def test_more_than_two_links_are_held(client, ctx, text, status):
    article = make_article("Links")
    add_comment(article, email="ann@example.com", name="Ann Reader")  # known, else held anyway
    post(client, "links", comment=text)
    assert all_comments()[-1].status == status


def test_links_threshold_is_a_setting(client, ctx):
    article = make_article("Zero links")
    add_comment(article, email="ann@example.com", name="Ann Reader")
    _save(links_threshold=0)
    post(client, "zero-links", comment="see https://a.com")
    assert all_comments()[-1].status == "pending"


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", "Cheap Pills Pete"),
        ("email", "pills@example.com"),
        ("website", "https://pills.example.com"),
        ("comment", "I sell PILLS here"),
        ("ip", "10.9.8.7"),
    ],
)
def test_moderation_keywords_hold_wherever_they_appear(client, ctx, field, value):
    article = make_article("Keywords")
    add_comment(article, email="ann@example.com", name="Ann Reader")
    add_comment(article, email="pills@example.com", text="approved before")
    _save(moderation_keywords=("pills", "10.9.8."))
    fields = {"ip": value} if field == "ip" else {field: value}
    post(client, "keywords", **fields)
    assert all_comments()[-1].status == "pending"


def test_disallowed_keywords_make_spam_and_win_over_moderation(client, ctx):
    article = make_article("Disallowed")
    add_comment(article, email="ann@example.com", name="Ann Reader")
    _save(moderation_keywords=("casino",), disallowed_keywords=("casino", "viagra"))
    response = post(client, "disallowed", htmx=True, comment="Best CASINO bonus")
    assert all_comments()[-1].status == "spam"
    assert "Your comment is awaiting moderation." in response.get_data(as_text=True)


def test_keyword_lists_default_from_config(app_config, request):
    app_config["COMMENT_MODERATION_KEYWORDS"] = ["hold me", "Hold Me", " "]
    app_config["COMMENT_DISALLOWED_KEYWORDS"] = ["spam words"]
    app_config["COMMENT_FLOOD_SECONDS"] = 7
    app_config["COMMENTS_CLOSE_AFTER_DAYS"] = 30
    application = request.getfixturevalue("app")  # built now, from the changed config
    with application.app_context():
        settings = rules.get_settings()
        assert settings.moderation_keywords == ("hold me",)
        assert settings.disallowed_keywords == ("spam words",)
        assert settings.flood_seconds == 7
        assert settings.close_after_days == 30
        assert settings.first_time_hold is True and settings.links_threshold == 2


def test_settings_are_stored_in_the_database_over_the_defaults(ctx):
    assert rules.get_settings() == CommentSettings()
    _save(
        moderation_keywords=("alpha", "beta gamma"),
        disallowed_keywords=("delta",),
        links_threshold=5,
        flood_seconds=30,
        close_after_days=14,
        first_time_hold=False,
    )
    db.session.remove()
    settings = rules.get_settings()
    assert settings.moderation_keywords == ("alpha", "beta gamma")
    assert settings.disallowed_keywords == ("delta",)
    assert (settings.links_threshold, settings.flood_seconds) == (5, 30)
    assert settings.close_after_days == 14 and settings.first_time_hold is False
    stored = {row.key: row.value for row in db.session.scalars(db.select(ModerationSetting))}
    assert stored[rules.KEY_MODERATION_KEYWORDS] == "alpha\nbeta gamma"
    _save(close_after_days=None)
    assert rules.get_settings().close_after_days is None


def test_settings_from_form_reads_and_checks_strings(ctx):
    settings, errors = rules.settings_from_form(
        {
            "first_time_hold": "",
            "links_threshold": "3",
            "flood_seconds": "-1",
            "close_after_days": "",
            "moderation_keywords": "one\r\n\r\ntwo\nONE\n",
        }
    )
    assert errors == {"flood_seconds": "Please enter a whole number, 0 or more."}
    assert settings.first_time_hold is False and settings.links_threshold == 3
    assert settings.close_after_days is None
    assert settings.moderation_keywords == ("one", "two")
    _, errors = rules.settings_from_form({"close_after_days": "0", "links_threshold": "x"})
    assert set(errors) == {"close_after_days", "links_threshold"}


def test_unreadable_stored_setting_falls_back_to_the_default(ctx):
    with writing():
        db.session.add(ModerationSetting(key=rules.KEY_LINKS_THRESHOLD, value="lots"))
        db.session.commit()
    assert rules.get_settings().links_threshold == 2


# --- flood and duplicates -------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_second_comment_within_15_seconds_from_the_same_address_is_refused(client, ctx, htmx):
    make_article("Flood")
    assert post(client, "flood").status_code == 303
    response = post(client, "flood", htmx=htmx, email="other@example.com", comment="Again!")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert FLOOD in html and 'role="alert"' in html
    if htmx:
        assert html.strip().startswith('<p class="comment-notice" role="alert">')
    else:
        assert 'id="commentform"' in html and "Again!" in html  # the form keeps the text
    assert comment_count() == 1


def test_same_email_from_another_address_is_also_flooding(client, ctx):
    make_article("Flood email")
    post(client, "flood-email", ip="192.0.2.1")
    response = post(client, "flood-email", ip="192.0.2.2", comment="From my phone.")
    assert response.status_code == 429
    assert comment_count() == 1


def test_after_15_seconds_the_same_poster_may_comment_again(client, ctx):
    make_article("Patience")
    post(client, "patience")
    _age_all_comments(16)
    assert post(client, "patience", comment="A while later.").status_code == 303
    assert comment_count() == 2


def test_other_posters_are_not_slowed_by_a_flood(client, ctx):
    make_article("Crowd")
    post(client, "crowd")
    response = post(client, "crowd", ip="192.0.2.77", email="bob@example.com")
    assert response.status_code == 303


def test_flood_seconds_is_a_setting_and_zero_turns_it_off(client, ctx):
    make_article("No flood")
    _save(flood_seconds=0)
    post(client, "no-flood")
    assert post(client, "no-flood", comment="right away").status_code == 303


@pytest.mark.parametrize("htmx", [False, True])
def test_duplicate_comment_is_refused_with_409(client, ctx, htmx):
    make_article("Echo")
    post(client, "echo", comment="Exactly this.")
    _age_all_comments(60)  # not a flood: only the duplicate rule applies
    response = post(client, "echo", htmx=htmx, comment="  Exactly this.  ", ip="192.0.2.3")
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert DUPLICATE in html and 'role="alert"' in html
    assert comment_count() == 1


def test_same_text_from_someone_else_or_on_another_article_is_fine(client, ctx):
    make_article("Echo one")
    make_article("Echo two")
    post(client, "echo-one", comment="Great piece.")
    _age_all_comments(60)
    assert post(client, "echo-two", comment="Great piece.").status_code == 303
    _age_all_comments(60)
    assert (
        post(
            client, "echo-one", comment="Great piece.", email="b@example.com", ip="192.0.2.4"
        ).status_code
        == 303
    )


# --- closing, rate limit --------------------------------------------------------------


def test_comments_close_after_the_configured_days(client, ctx):
    make_article("Old news", age=timedelta(days=10))
    make_article("Fresh news", age=timedelta(days=2))
    _save(close_after_days=7)
    assert "Comments are closed." in client.get("/article/old-news").get_data(as_text=True)
    assert 'id="commentform"' in client.get("/article/fresh-news").get_data(as_text=True)
    from tests.comments.helpers import form_token

    token = form_token(client, "fresh-news")
    assert post(client, "old-news", token=token).status_code == 403
    assert comment_count() == 0


def test_comments_never_close_by_default(client, ctx):
    make_article("Ancient", published_at=utcnow() - timedelta(days=3650))
    assert 'id="commentform"' in client.get("/article/ancient").get_data(as_text=True)


@pytest.fixture
def rate_limited_config(app_config: dict) -> dict:
    app_config["COMMENT_RATE_LIMIT"] = "2 per minute"
    app_config["COMMENT_FLOOD_SECONDS"] = 0
    return app_config


def test_comment_posts_are_rate_limited_per_address(rate_limited_config, client, ctx):
    make_article("Limited")
    statuses = [
        post(client, "limited", htmx=True, comment=f"comment number {n}").status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert comment_count() == 2
    response = post(client, "limited", htmx=True, comment="still too soon")
    assert 'role="alert"' in response.get_data(as_text=True)


def test_htmx_headers_on_problem_responses_vary(client, ctx):
    make_article("Vary")
    response = post(client, "vary", htmx=True, comment="")
    assert "HX-Request" in response.headers["Vary"]
    assert response.headers["Content-Type"].startswith("text/html")


def test_post_is_not_a_get(client, ctx):
    make_article("Method")
    assert client.get("/article/method/comments", headers=HTMX).status_code == 405
