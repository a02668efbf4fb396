"""Settings, the contact inbox, the Articles tab and the audit log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from hublet.comments import rules
from hublet.extensions import db
from hublet.models import Article, AuditEntry, ContactMessage, ModerationSetting
from hublet.timeutil import utcnow
from tests.builders import make_article
from tests.conftest import HTMX
from tests.moderation.helpers import token


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# --- Settings ---------------------------------------------------------------------------------


def test_settings_show_the_current_values(moderator_client):
    html = moderator_client.get("/moderation/settings").get_data(as_text=True)
    for label in (
        "Moderation keywords",
        "Disallowed keywords",
        "Links threshold",
        "Hold a commenter's first comment for approval",
        "Close comments after (days)",
    ):
        assert label in html
    assert 'name="links_threshold" type="text" inputmode="numeric" value="2"' in html
    assert 'name="first_time_hold" value="on" checked' in html


def test_settings_are_saved_and_used_by_the_comment_rules(app, moderator_client):
    response = moderator_client.post(
        "/moderation/settings",
        data={
            "csrf_token": token(moderator_client),
            "moderation_keywords": "casino\n  cheap pills \n\ncasino",
            "disallowed_keywords": "viagra",
            "links_threshold": "0",
            "close_after_days": "30",
            "flood_seconds": "5",
        },  # first_time_hold unticked
    )
    assert response.status_code == 303
    with app.app_context():
        settings = rules.get_settings()
        assert settings.moderation_keywords == ("casino", "cheap pills")
        assert settings.disallowed_keywords == ("viagra",)
        assert settings.links_threshold == 0
        assert settings.first_time_hold is False
        assert settings.close_after_days == 30
        assert settings.flood_seconds == 5
    html = moderator_client.get("/moderation/settings").get_data(as_text=True)
    assert "The settings were saved." in html
    assert "casino\ncheap pills</textarea>" in html
    assert 'name="first_time_hold" value="on">' in html
    assert audit_actions(app)[-1] == "settings-saved"


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("links_threshold", "lots", "Please enter a whole number, 0 or more."),
        ("links_threshold", "-1", "Please enter a whole number, 0 or more."),
        ("close_after_days", "0", "Please enter a number of days"),
        ("flood_seconds", "1.5", "Please enter a whole number"),
    ],
)
def test_bad_settings_get_422_and_nothing_is_stored(app, moderator_client, field, value, message):
    data = {"csrf_token": token(moderator_client), "links_threshold": "2", "flood_seconds": "15"}
    data[field] = value
    response = moderator_client.post("/moderation/settings", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Nothing was saved." in html
    assert f'value="{value}"' in html  # what was typed stays in the form
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModerationSetting)) == 0


# --- Contact messages -------------------------------------------------------------------------


@pytest.fixture
def messages(app: Flask) -> list[int]:
    with app.app_context():
        rows = [
            ContactMessage(
                name=f"Sender {n}",
                email=f"s{n}@example.com",
                subject=f"Subject {n}",
                message=f"Body {n} <b hx-get='/x'>bold?</b>",
                created_at=utcnow() - timedelta(hours=n),
            )
            for n in range(3)
        ]
        db.session.add_all(rows)
        db.session.commit()
        return [row.id for row in rows]


def test_inbox_lists_newest_first_and_reading_changes_nothing(app, moderator_client, messages):
    html = moderator_client.get("/moderation/messages").get_data(as_text=True)
    assert "3 not handled yet." in html
    order = [html.index(f"Subject {n}") for n in range(3)]
    assert order == sorted(order)
    page = moderator_client.get(f"/moderation/messages/{messages[0]}").get_data(as_text=True)
    assert "Sender 0" in page and "s0@example.com" in page
    assert "Body 0 &lt;b hx-get=" in page  # reader text is escaped
    assert '<div class="mod-message-text" data-hx-ignore>' in page
    with app.app_context():
        assert db.session.get(ContactMessage, messages[0]).handled is False
    assert moderator_client.get("/moderation/messages/999").status_code == 404


def test_mark_handled_and_back_and_delete(app, moderator_client, messages):
    csrf = token(moderator_client)
    first = messages[0]
    response = moderator_client.post(
        f"/moderation/messages/{first}/handled", data={"csrf_token": csrf, "value": "on"}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/moderation/messages/{first}"
    page = moderator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Marked as handled." in page and "Mark as not handled" in page
    assert "2 not handled yet." in moderator_client.get("/moderation/messages").get_data(
        as_text=True
    )
    moderator_client.post(
        f"/moderation/messages/{first}/handled", data={"csrf_token": csrf, "value": "off"}
    )
    with app.app_context():
        assert db.session.get(ContactMessage, first).handled is False
    bad = moderator_client.post(
        f"/moderation/messages/{first}/handled", data={"csrf_token": csrf, "value": "x"}
    )
    assert bad.status_code == 400
    deleted = moderator_client.post(
        f"/moderation/messages/{first}/delete", data={"csrf_token": csrf}
    )
    assert deleted.headers["Location"] == "/moderation/messages"
    with app.app_context():
        assert db.session.get(ContactMessage, first) is None
    assert (
        moderator_client.post(
            f"/moderation/messages/{first}/delete", data={"csrf_token": csrf}
        ).status_code
        == 404
    )
    assert audit_actions(app)[1:] == ["message-handled", "message-unhandled", "message-deleted"]


# --- Articles ---------------------------------------------------------------------------------


def test_articles_search_by_title(app, moderator_client):
    with app.app_context():
        make_article("Storm hits the coast")
        make_article("Markets rally")
        make_article("Draft about storms", status="draft")
    html = moderator_client.get("/moderation/articles?q=STORM").get_data(as_text=True)
    assert "Storm hits the coast" in html and "Draft about storms" in html
    assert "Markets rally" not in html
    assert moderator_client.get("/moderation/articles?q=%25").status_code == 200


def test_toggle_hot_and_featured_with_htmx_drives_the_readers_page(app, moderator_client):
    with app.app_context():
        article = make_article("Hand picked story")
        for n in range(4):
            make_article(f"Filler {n}", age=timedelta(hours=2 + n))
        article_id = article.id
    csrf = token(moderator_client)
    response = moderator_client.post(
        f"/moderation/articles/{article_id}/hot",
        data={"csrf_token": csrf, "value": "on"},
        headers=HTMX,
    )
    assert response.status_code == 200
    row = response.get_data(as_text=True)
    assert row.lstrip().startswith(f'<tr id="article-row-{article_id}">')
    assert 'aria-pressed="true"' in row and "Hot: on" in row
    assert "Featured: off" in row
    response = moderator_client.post(
        f"/moderation/articles/{article_id}/featured", data={"csrf_token": csrf, "value": "on"}
    )
    assert response.status_code == 303
    with app.app_context():
        article = db.session.get(Article, article_id)
        assert (article.is_hot, article.is_featured) == (True, True)
    home = moderator_client.get("/").get_data(as_text=True)
    hot = home.split('aria-labelledby="whats-hot-heading"')[1].split("</section>")[0]
    assert "Hand picked story" in hot
    moderator_client.post(
        f"/moderation/articles/{article_id}/hot", data={"csrf_token": csrf, "value": "off"}
    )
    with app.app_context():
        assert db.session.get(Article, article_id).is_hot is False
    assert audit_actions(app)[1:] == ["hot-on", "featured-on", "hot-off"]


@pytest.mark.parametrize(
    "path, value", [("/moderation/articles/1/pinned", "on"), ("/moderation/articles/99/hot", "on")]
)
def test_unknown_flag_or_article_is_404(app, moderator_client, path, value):
    with app.app_context():
        make_article()
    response = moderator_client.post(
        path, data={"csrf_token": token(moderator_client), "value": value}
    )
    assert response.status_code == 404


# --- Audit log --------------------------------------------------------------------------------


def test_audit_log_newest_first_with_who_what_which_and_when(app, moderator_client):
    with app.app_context():
        for n in range(55):
            db.session.add(
                AuditEntry(
                    moderator_name="mod",
                    action=f"action-{n:02d}",
                    item_type="comment",
                    item_id=n,
                    created_at=utcnow() - timedelta(minutes=n + 1),
                )
            )
        db.session.commit()
    html = moderator_client.get("/moderation/audit").get_data(as_text=True)
    actions = re.findall(r"<td>(login|action-\d\d)</td>", html)
    assert actions[0] == "login"  # this session's login is the newest
    assert actions[1:] == [f"action-{n:02d}" for n in range(49)]
    assert "comment #0" in html
    next_url = re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    rest = moderator_client.get(next_url, headers=HTMX).get_data(as_text=True)
    assert "<html" not in rest
    assert re.findall(r"<td>(action-\d\d)</td>", rest) == [f"action-{n:02d}" for n in range(49, 55)]
