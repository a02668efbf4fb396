"""The index: ranking, prefixes, accents, visibility, and following every write."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import insert, text, update

from hublet import signals
from hublet.database import writing
from hublet.extensions import db
from hublet.models import Article, Author, Tag
from hublet.search.index import check_index
from hublet.search.parsing import parse_query
from hublet.search.queries import search
from hublet.timeutil import utcnow
from tests.builders import make_article, make_author


def found(words: str) -> list[str]:
    """Titles found for ``words``, in rank order (first page of 50)."""
    return [item.article.title for item in search(parse_query(words), 1, 50).items]


def live_titles(client, words: str) -> list[str]:  # type: ignore[no-untyped-def]
    html = client.get("/search/live", query_string={"q": words}).get_data(as_text=True)
    titles = re.findall(r'<span class="search-live-title">(.*?)</span>', html)
    return [re.sub(r"</?mark>", "", title) for title in titles]


def test_a_title_match_beats_a_body_match_even_when_older(ctx):
    make_article(
        "Quiet week", body_html="<p>The lighthouse keeper retired.</p>", age=timedelta(hours=1)
    )
    make_article("Lighthouse restored", age=timedelta(days=30))
    make_article("Another week", excerpt="A lighthouse in the excerpt.", age=timedelta(days=2))
    assert found("lighthouse") == ["Lighthouse restored", "Another week", "Quiet week"]


def test_newer_first_among_equals(ctx):
    make_article("Lighthouse one", age=timedelta(days=3))
    make_article("Lighthouse two", age=timedelta(days=1))
    make_article("Lighthouse three", age=timedelta(days=2))
    assert found("lighthouse") == ["Lighthouse two", "Lighthouse three", "Lighthouse one"]


def test_every_word_must_match_in_any_field(ctx):
    author = make_author("Amara Okafor")
    make_article("Harbour strike", author=author, tags=["Transport"])
    make_article("Harbour opening")
    assert found("harbour okafor") == ["Harbour strike"]
    assert found("harbour transport") == ["Harbour strike"]
    assert found("okafor") == ["Harbour strike"]


def test_the_last_word_matches_as_a_prefix(client, ctx):
    make_article("Technology trends of the year")
    assert found("technol") == ["Technology trends of the year"]
    assert found("trends technol") == ["Technology trends of the year"]
    assert live_titles(client, "technol") == ["Technology trends of the year"]
    # Only the last word: an earlier word must be whole.
    assert found("technol trends") == []


def test_accents_are_folded_both_ways(client, ctx):
    make_article("Café culture returns")
    make_article("Cafe prices rise", age=timedelta(days=1))
    assert found("cafe culture") == ["Café culture returns"]
    assert found("café prices") == ["Cafe prices rise"]
    assert found("CAFÉ") == ["Café culture returns", "Cafe prices rise"]
    assert live_titles(client, "caf") == ["Café culture returns", "Cafe prices rise"]
    html = client.get("/search?q=cafe+culture").get_data(as_text=True)
    assert "<mark>Café</mark> <mark>culture</mark> returns" in html


def test_drafts_and_future_articles_are_never_found(ctx, client):
    make_article("Zeppelin published")
    make_article("Zeppelin draft", status="draft")
    make_article("Zeppelin scheduled", published_at=utcnow() + timedelta(hours=2))
    assert found("zeppelin") == ["Zeppelin published"]
    assert "1 result for" in client.get("/search?q=zeppelin").get_data(as_text=True)
    assert live_titles(client, "zeppel") == ["Zeppelin published"]


def test_a_scheduled_article_is_found_once_its_time_comes(ctx):
    article = make_article("Zeppelin scheduled", published_at=utcnow() + timedelta(hours=2))
    assert found("zeppelin") == []
    with writing():
        db.session.execute(
            update(Article)
            .where(Article.id == article.id)
            .values(published_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    signals.article_changed.send(article.id)
    assert found("zeppelin") == ["Zeppelin scheduled"]


def test_the_index_follows_edits_unpublishing_and_deletes(ctx):
    article = make_article("Volcano erupts", excerpt="", body_html="<p>Ash everywhere.</p>")
    assert found("volcano") == ["Volcano erupts"]
    with writing():
        article.title = "Geyser erupts"
        article.body_html = "<p>Steam everywhere.</p>"
        db.session.commit()
    assert found("volcano") == []
    assert found("geyser") == ["Geyser erupts"]
    assert found("steam") == ["Geyser erupts"]
    assert found("ash") == []
    with writing():
        article.status = "draft"
        db.session.commit()
    assert found("geyser") == []
    with writing():
        article.status = "published"
        db.session.commit()
    assert found("geyser") == ["Geyser erupts"]
    with writing():
        db.session.delete(article)
        db.session.commit()
    assert found("geyser") == []
    assert check_index() == []


def test_the_index_follows_tag_and_author_renames(ctx):
    make_article("Harbour strike", tags=["Transport"], author=make_author("Daniel Reyes"))
    with writing():
        tag = db.session.scalar(db.select(Tag).where(Tag.name == "Transport"))
        tag.name = "Shipping"
        author = db.session.scalar(db.select(Author).where(Author.name == "Daniel Reyes"))
        author.name = "Daniel Reyes-Smith"
        db.session.commit()
    assert found("transport") == []
    assert found("shipping") == ["Harbour strike"]
    assert found("smith") == ["Harbour strike"]


def test_a_rolled_back_edit_leaves_the_index_as_it_was(ctx):
    article = make_article("Volcano erupts", excerpt="")
    with writing():
        article.title = "Geyser erupts"
        db.session.flush()
        db.session.rollback()
    assert found("volcano") == ["Volcano erupts"]
    assert found("geyser") == []


def test_bulk_writes_are_indexed_when_the_bulk_signal_is_sent(ctx):
    template = make_article("Template story")
    with writing():
        db.session.execute(
            insert(Article),
            [
                {
                    "title": f"Imported glacier story {n}",
                    "slug": f"imported-glacier-{n}",
                    "excerpt": "",
                    "body_html": "<p>Imported.</p>",
                    "category_id": template.category_id,
                    "author_id": template.author_id,
                    "status": "published",
                    "published_at": utcnow() - timedelta(hours=n + 1),
                }
                for n in range(3)
            ],
        )
        db.session.commit()
    assert found("glacier") == []
    assert check_index() != []
    signals.articles_bulk_changed.send()
    assert found("glacier") == [f"Imported glacier story {n}" for n in range(3)]
    assert check_index() == []


def test_snippets_carry_only_our_highlight_markup(client, ctx):
    make_article(
        "Plain title",
        excerpt="An excerpt.",
        body_html=(
            "<p>Before <strong>the</strong> word &lt;script&gt;alert(1)&lt;/script&gt; "
            '<a href="https://example.com">marmalade</a> after.</p>'
        ),
    )
    html = client.get("/search?q=marmalade").get_data(as_text=True)
    snippet = re.search(r'<p class="search-card-snippet">(.*?)</p>', html, re.S).group(1)
    assert "<mark>marmalade</mark>" in snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    assert "<strong>" not in snippet and "<a " not in snippet and "<script" not in snippet


def test_flask_reindex_rebuilds_and_reports_the_count(app, runner, ctx):
    make_article("Volcano erupts")
    make_article("Geyser erupts")
    make_article("Draft erupts", status="draft")
    with writing():
        if db.engine.dialect.name == "sqlite":
            db.session.execute(text("DELETE FROM article_search_rowid"))
        db.session.execute(text("DELETE FROM article_search"))
        db.session.commit()
    assert found("erupts") == []
    assert check_index() != []
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    assert "Reindexed 2 published articles" in result.output
    assert found("erupts") == ["Volcano erupts", "Geyser erupts"] or found("erupts") == [
        "Geyser erupts",
        "Volcano erupts",
    ]
    assert check_index() == []


def test_counting_stops_past_the_limit_and_says_so(ctx):
    from hublet.search import index
    from hublet.search.queries import SearchResults

    for n in range(5):
        make_article(f"Lighthouse {n}", age=timedelta(hours=n + 1))
    hits = index.find(db.session.connection(), parse_query("lighthouse"), 0, 2, utcnow(), 3)
    assert (hits.total, hits.more, len(hits.article_ids)) == (3, True, 2)
    exact = index.find(db.session.connection(), parse_query("lighthouse"), 0, 2, utcnow(), 5)
    assert (exact.total, exact.more) == (5, False)
    query = parse_query("lighthouse")
    assert SearchResults(query, [], 1, 10, 1000, more=True).count_label == "1,000+ results"
    assert SearchResults(query, [], 1, 10, 1, more=False).count_label == "1 result"
