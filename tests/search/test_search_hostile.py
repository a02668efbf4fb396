"""Hostile queries: whatever is typed, the page and the live endpoint answer, never a 5xx."""

from __future__ import annotations

import pytest

from hublet.extensions import db
from hublet.search import index
from hublet.search.parsing import MAX_QUERY_LENGTH, parse_query
from hublet.timeutil import utcnow
from tests.builders import make_article
from tests.conftest import HTMX

HOSTILE = [
    '"',
    '"unbalanced',
    "'",
    "''",
    "NEAR(",
    "NEAR(a b, 2)",
    "a NEAR/2 b",
    "*",
    "a*",
    "*a",
    "^",
    "^title",
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "a AND NOT b",
    "title:",
    "title:harbour",
    "{title excerpt}: harbour",
    "- harbour",
    "+harbour",
    "(",
    ")",
    "((harbour)",
    "harbour)",
    "[]{}<>",
    "a & b | !c",
    "a <-> b",
    "a:*",
    "'a':*A",
    "\\",
    "\\\\'",
    "%_%",
    "; DROP TABLE article; --",
    "1' OR '1'='1",
    "😀",
    "😀 harbour 🚢",
    "👩‍👩‍👧‍👦",
    "مرحبا بالعالم",
    "שלום עולם",
    "\u202eharbour",
    "\u200b\u200b",
    "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗",
    "日本語のニュース",
    "ﬁnance",
    "Ⅷ",
    "_",
    "___harbour___",
    "\t\n\r",
    "   ",
    "\x01\x02\x7f",
    "\x00",
    "harbour\x00strike",
    "harbour " * 100,
    "x" * 100_000,
    " ".join(f"w{n}" for n in range(500)),
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    'hx-get="/evil"',
]


@pytest.fixture
def harbour(ctx):  # type: ignore[no-untyped-def]
    make_article("Harbour strike", body_html="<p>The harbour pilots walked out.</p>")


@pytest.mark.parametrize("path", ["/search", "/search/live"])
@pytest.mark.parametrize("mode", ["page", "htmx"])
def test_hostile_queries_never_get_a_server_error(client, harbour, path, mode):
    headers = HTMX if mode == "htmx" else {}
    failures = []
    for text in HOSTILE:
        response = client.get(path, query_string={"q": text}, headers=headers)
        expected = (400,) if "\x00" in text else (200,)  # NUL: the site-wide clear 400
        if response.status_code not in expected:
            failures.append((text[:40], response.status_code))
        body = response.get_data(as_text=True)
        assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert failures == []


def test_every_hostile_query_runs_against_the_index_itself(harbour):
    """Past the web layer (which refuses NUL), the query parser and both backends take it."""
    connection = db.session.connection()
    for text in HOSTILE:
        query = parse_query(text)
        assert "\x00" not in query.text
        assert len(query.text) <= MAX_QUERY_LENGTH
        hits = index.find(connection, query, 0, 6, utcnow())
        assert hits.total >= 0


def test_operators_are_words_not_syntax(harbour):
    connection = db.session.connection()
    for text in ["harbour*", '"harbour"', "harbour^", "(harbour)", "HARBOUR", "-harbour-"]:
        assert index.find(connection, parse_query(text), 0, 6, utcnow()).total == 1, text
    for text in ["harbour NOT strike", "harbour OR zebra", "NEAR(harbour zebra)", "title:harbour"]:
        # NOT, OR, NEAR, title are words to find, not syntax: no article holds them all.
        assert index.find(connection, parse_query(text), 0, 6, utcnow()).total == 0, text
