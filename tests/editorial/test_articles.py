"""`flask article publish|unpublish|feature|unfeature|hot|unhot|list`."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from hublet.extensions import db
from hublet.models import Article
from hublet.timeutil import utcnow
from tests.builders import make_article, make_author, make_category


def fresh(slug: str) -> Article:
    db.session.expire_all()
    return db.session.scalar(db.select(Article).where(Article.slug == slug))


def test_publish_makes_a_draft_visible_and_unpublish_hides_it(runner, client, ctx):
    make_article("Fresh story", status="draft")
    assert client.get("/article/fresh-story").status_code == 404
    result = runner.invoke(args=["article", "publish", "fresh-story"])
    assert result.exit_code == 0, result.output
    assert "fresh-story: published" in result.output and "1 changed" in result.output
    story = fresh("fresh-story")
    assert story.status == "published" and story.published_at <= utcnow()
    assert client.get("/article/fresh-story").status_code == 200

    again = runner.invoke(args=["article", "publish", "fresh-story"])
    assert again.exit_code == 0 and "already published" in again.output

    hidden = runner.invoke(args=["article", "unpublish", "fresh-story"])
    assert hidden.exit_code == 0 and "fresh-story: now a draft" in hidden.output
    assert client.get("/article/fresh-story").status_code == 404


def test_publish_at_a_future_time_schedules(runner, client, ctx):
    make_article("Embargoed", status="draft")
    when = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    result = runner.invoke(
        args=["article", "publish", "embargoed", "--at", f"{when:%Y-%m-%d %H:%M}"]
    )
    assert result.exit_code == 0, result.output
    assert "scheduled for" in result.output
    assert fresh("embargoed").published_at == when
    assert client.get("/article/embargoed").status_code == 404


@pytest.mark.parametrize(
    "on, off, flag, words",
    [("feature", "unfeature", "is_featured", "featured"), ("hot", "unhot", "is_hot", "hot")],
)
def test_flags_switch_on_and_off_for_several_slugs(runner, ctx, on, off, flag, words):
    make_article("One")
    make_article("Two")
    result = runner.invoke(args=["article", on, "one", "two"])
    assert result.exit_code == 0, result.output
    assert f"one: {words}" in result.output and "2 changed" in result.output
    assert getattr(fresh("one"), flag) and getattr(fresh("two"), flag)
    result = runner.invoke(args=["article", off, "one"])
    assert result.exit_code == 0 and f"one: no longer {words}" in result.output
    assert not getattr(fresh("one"), flag) and getattr(fresh("two"), flag)


def test_featured_switch_shows_on_the_site(runner, client, ctx):
    make_article("Quiet piece")
    assert runner.invoke(args=["article", "feature", "quiet-piece"]).exit_code == 0
    assert "Quiet piece" in client.get("/lists/featured").get_data(as_text=True)


def test_unknown_slugs_are_named_and_the_exit_code_says_so(runner, ctx):
    make_article("Known")
    result = runner.invoke(args=["article", "hot", "known", "unknown-one"])
    assert result.exit_code == 1
    assert "no article with the slug 'unknown-one'" in result.output
    assert "known: hot" in result.output  # the known one was still switched
    assert fresh("known").is_hot
    assert "Traceback" not in result.output


def test_a_slug_is_required(runner, ctx):
    result = runner.invoke(args=["article", "publish"])
    assert result.exit_code == 2 and "Missing argument" in result.output


def test_list_filters(runner, ctx):
    sport = make_category("Sport")
    ada = make_author("Ada")
    make_article("Cup final report", category=sport, author=ada, tags=["Football"], is_hot=True)
    make_article("Budget draft", status="draft")
    make_article("Future piece", published_at=utcnow() + timedelta(days=3))
    make_article("Old news", age=timedelta(days=30), is_featured=True)

    def listed(*options: str) -> str:
        result = runner.invoke(args=["article", "list", *options])
        assert result.exit_code == 0, result.output
        return result.output

    everything = listed()
    assert "4 of 4 article(s) shown." in everything
    lines = everything.splitlines()
    assert lines[0].startswith("scheduled") and "future-piece" in lines[0]
    assert "draft" in listed("--status", "draft") and "1 of 1" in listed("--status", "draft")
    assert "future-piece" in listed("--status", "scheduled")
    published = listed("--status", "published")
    assert "2 of 2" in published and "budget-draft" not in published
    assert "cup-final-report" in listed("--category", "sport")
    assert "1 of 1" in listed("--author", "ada") and "1 of 1" in listed("--tag", "football")
    assert "old-news" in listed("--featured") and "1 of 1" in listed("--featured")
    assert "-H  cup-final-report" in listed("--hot")
    assert "1 of 1" in listed("--search", "BUDGET")
    assert "1 of 4" in listed("--limit", "1")


@pytest.mark.parametrize("option", ["--category", "--author", "--tag"])
def test_list_with_an_unknown_slug_is_a_clear_error(runner, ctx, option):
    result = runner.invoke(args=["article", "list", option, "nowhere"])
    assert result.exit_code == 1
    assert "Unknown" in result.output and "'nowhere'" in result.output
    assert "Traceback" not in result.output


def test_list_rejects_a_bad_status(runner, ctx):
    result = runner.invoke(args=["article", "list", "--status", "gone"])
    assert result.exit_code == 2 and "Invalid value" in result.output


def test_publish_rejects_a_bad_date(runner, ctx):
    make_article("Dated", status="draft")
    result = runner.invoke(args=["article", "publish", "dated", "--at", "tomorrow"])
    assert result.exit_code == 2 and "Invalid value" in result.output


def test_every_command_has_help(runner):
    for command in ("publish", "unpublish", "feature", "unfeature", "hot", "unhot", "list"):
        result = runner.invoke(args=["article", command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.output
    assert "publish" in runner.invoke(args=["article", "--help"]).output


def test_switches_keep_a_published_date_when_republishing(runner, ctx):
    published = datetime(2025, 5, 1, 9, 0)
    make_article("Archive piece", published_at=published)
    assert runner.invoke(args=["article", "unpublish", "archive-piece"]).exit_code == 0
    assert runner.invoke(args=["article", "publish", "archive-piece"]).exit_code == 0
    assert fresh("archive-piece").published_at == published
