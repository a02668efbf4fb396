"""The hot queries use indexes: no full scan of the big tables, whatever their size.

Every SELECT that the reader pages run is captured and explained on the test database. SQLite's
planner does not depend on table sizes without ANALYZE, so its plan here is its plan at 100,000
articles; PostgreSQL's would pick sequential scans on tiny tables, so it is asked to avoid them
(``enable_seqscan = off``) and must still find an index for each query.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, text

from hublet.extensions import db
from tests.test_query_budget import PAGES, _grow_site

pytestmark = pytest.mark.filterwarnings("ignore:Flask-Caching")

BIG_TABLES = ("article", "comment", "article_tag", "article_view_day")


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "CACHE_TYPE": "NullCache", "PAGE_CACHE_ENABLED": False}


def _captured_selects(client) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    captured: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        for path in PAGES:
            assert client.get(path).status_code == 200, path
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return captured


def _full_scans(plan: str, dialect: str) -> list[str]:
    """Big tables read whole: a table scan, or an index walked end to end to be sorted again."""
    if dialect == "sqlite":
        scans = [m for m in re.findall(r"SCAN (\w+)(?! USING)", plan) if m in BIG_TABLES]
        if "USE TEMP B-TREE FOR ORDER BY" in plan:
            scans += [m for m in re.findall(r"SCAN (\w+) USING", plan) if m in BIG_TABLES]
        return scans
    return [m for m in re.findall(r"Seq Scan on (\w+)", plan) if m in BIG_TABLES]


def _is_all_time_views(statement: str) -> bool:
    return "FROM article_view_day GROUP BY" in " ".join(statement.split())


def test_reader_pages_never_scan_a_big_table(app, client, ctx):
    from tests.builders import make_page

    make_page("About Us", "about-us")
    _grow_site(articles=12, comments_each=2)
    selects = _captured_selects(client)
    assert selects
    dialect = db.engine.dialect.name
    offenders = []
    with db.engine.connect() as connection:
        if dialect == "postgresql":
            connection.execute(text("SET enable_seqscan = off"))
            prefix = "EXPLAIN "
        else:
            prefix = "EXPLAIN QUERY PLAN "
        for statement, parameters in selects:
            rows = connection.exec_driver_sql(prefix + statement, parameters).all()
            plan = "\n".join(" ".join(str(col) for col in row) for row in rows)
            scans = _full_scans(plan, dialect)
            if _is_all_time_views(statement):
                # Most Popular's fallback on a quiet site, when fewer than three stories were
                # viewed this week: it sums all views by design (cached for a minute).
                scans = [table for table in scans if table != "article_view_day"]
            if scans:
                offenders.append((scans, statement[:300], plan))
    assert not offenders, "\n\n".join(f"{s}\n{q}\n{p}" for s, q, p in offenders)
