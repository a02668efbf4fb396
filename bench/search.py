"""Search benchmark: p50/p95 of the live endpoint and the results page, in-process.

    python -m bench.search [--articles 100000] [--queries 200] [--cached-chrome]

Uses the configured database (``DATABASE_URL``, or ``instance/hublet.sqlite``; set
``HUBLET_INSTANCE_PATH`` to keep a benchmark database apart). It brings the schema up to date,
seeds the demo plus synthetic articles until ``--articles`` are stored (``flask seed
--articles``), checks the index, then times each query through the Flask test client, page
cache and rate limit off. The queries are real words of the seeded text (one and two words),
prefixes of them (the live overlay's case) and misses, drawn with a fixed seed.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import string
import sys
import time
from collections.abc import Callable

LIVE_TARGET_MS = 30.0
PAGE_TARGET_MS = 60.0
_HTMX = {"HX-Request": "true", "HX-Request-Type": "partial"}


def _vocabulary() -> list[str]:
    from hublet.demo import content
    from hublet.timeutil import utcnow

    text = " ".join(
        f"{a.title} {a.excerpt} {' '.join(a.tag_names)}" for a in content.demo_articles(utcnow())
    )
    text += " " + " ".join(content.SENTENCES)
    words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)}
    return sorted(words)


def make_queries(count: int, seed: int = 5) -> list[tuple[str, str]]:
    """``count`` (kind, query) pairs: words, word pairs, prefixes and misses."""
    rng = random.Random(seed)
    words = _vocabulary()
    queries = []
    for n in range(count):
        kind = ("word", "words", "prefix", "prefix", "miss")[n % 5]
        if kind == "word":
            query = rng.choice(words)
        elif kind == "words":
            query = f"{rng.choice(words)} {rng.choice(words)}"
        elif kind == "prefix":
            word = rng.choice(words)
            query = word[: rng.randint(2, max(2, min(6, len(word) - 1)))]
        else:
            query = "".join(rng.choices(string.ascii_lowercase, k=rng.randint(6, 9)))
        queries.append((kind, query))
    return queries


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def _time(call: Callable[[], object]) -> tuple[float, float]:
    """Wall-clock and this thread's CPU time of ``call()``, in ms. On a busy machine the CPU
    time is the steadier figure (SQLite works in this thread; PostgreSQL's work is not in it)."""
    started, started_cpu = time.perf_counter(), time.thread_time()
    call()
    return (time.perf_counter() - started) * 1000, (time.thread_time() - started_cpu) * 1000


def prepare(app, articles: int) -> int:  # type: ignore[no-untyped-def]
    """Bring the database to ``articles`` stored articles with a complete index."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from hublet.demo.seed import seed_demo, seed_synthetic
    from hublet.extensions import db
    from hublet.models import Article
    from hublet.search.index import check_index

    with app.app_context():
        upgrade()
        stored = db.session.scalar(select(func.count()).select_from(Article)) or 0
        if stored < articles:
            print(f"seeding {articles - stored} articles (takes a minute or two)…", flush=True)
            seed_demo()
            stored = db.session.scalar(select(func.count()).select_from(Article)) or 0
            if stored < articles:
                seed_synthetic(articles - stored)
        problems = check_index()
        if problems:
            print("index: " + "; ".join(problems) + ": rebuilding…", flush=True)
            from hublet.database import writing
            from hublet.search.index import rebuild

            with writing():
                rebuild(db.session.connection())
                db.session.commit()
        db.session.remove()
        return db.session.scalar(select(func.count()).select_from(Article)) or 0


def _cache_chrome(app) -> None:  # type: ignore[no-untyped-def]
    """Build the page chrome (menus, What's Hot, Recent News) once, as if it were cached, so
    that the page figure is the search's own cost."""
    import functools

    from hublet import layout
    from hublet.site.chrome import load_chrome

    layout.init_app(app, chrome_loader=functools.cache(load_chrome))


def run(articles: int, count: int, cached_chrome: bool = False) -> dict[str, dict[str, float]]:
    """Seed if needed, then time every query on both endpoints; returns the figures in ms."""
    from hublet import create_app

    app = create_app()
    app.config.update(PAGE_CACHE_ENABLED=False, SEARCH_RATE_LIMIT=None)
    stored = prepare(app, articles)
    if cached_chrome:
        _cache_chrome(app)
    queries = make_queries(count)
    client = app.test_client()
    for _kind, query in queries[:20]:  # warm the caches of the database and Jinja
        client.get("/search/live", query_string={"q": query}, headers=_HTMX)
        client.get("/search", query_string={"q": query})
    timings: dict[str, list[tuple[float, float]]] = {"live": [], "page": [], "floor": []}
    by_kind: dict[str, list[float]] = {}
    for kind, query in queries:
        live = _time(
            lambda q=query: _ok(client.get("/search/live", query_string={"q": q}, headers=_HTMX))
        )
        page = _time(lambda q=query: _ok(client.get("/search", query_string={"q": q})))
        # The same request with nothing to search: the framework's share of the time.
        floor = _time(
            lambda: _ok(client.get("/search/live", query_string={"q": ""}, headers=_HTMX))
        )
        timings["live"].append(live)
        timings["page"].append(page)
        timings["floor"].append(floor)
        by_kind.setdefault(kind, []).append(live[0])
    dialect = app.config["SQLALCHEMY_DATABASE_URI"].split(":", 1)[0]
    chrome_note = ", page chrome built once" if cached_chrome else ""
    print(
        f"{dialect}: {stored:,} articles, {len(queries)} queries each "
        f"(in-process, test client{chrome_note}; load average {_load()})"
    )
    names = {"live": "/search/live", "page": "/search", "floor": "empty query"}
    targets = {"live": LIVE_TARGET_MS, "page": PAGE_TARGET_MS}
    figures = {}
    for name, pairs in timings.items():
        wall = [w for w, _c in pairs]
        cpu = [c for _w, c in pairs]
        p50, p95 = statistics.median(wall), _percentile(wall, 0.95)
        figures[name] = {
            "p50": p50,
            "p95": p95,
            "max": max(wall),
            "cpu_p95": _percentile(cpu, 0.95),
        }
        line = (
            f"  {names[name]:13} p50 {p50:6.1f} ms   p95 {p95:6.1f} ms   max {max(wall):6.1f} ms"
            f"   CPU p95 {figures[name]['cpu_p95']:6.1f} ms"
        )
        if name in targets:
            verdict = "ok" if p95 < targets[name] else "OVER"
            line += f"   (target p95 < {targets[name]:.0f} ms: {verdict})"
        print(line)
    for kind, values in sorted(by_kind.items()):
        print(f"    live, {kind:6}  p95 {_percentile(values, 0.95):6.1f} ms")
    return figures


def _load() -> str:
    try:
        import os

        return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    except (AttributeError, OSError):
        return "unknown"


def _ok(response):  # type: ignore[no-untyped-def]
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url}: {response.status_code}")
    return response


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--cached-chrome",
        action="store_true",
        help="build the page chrome once, to time the results page's own work",
    )
    args = parser.parse_args(argv)
    figures = run(args.articles, args.queries, args.cached_chrome)
    over = figures["live"]["p95"] >= LIVE_TARGET_MS or figures["page"]["p95"] >= PAGE_TARGET_MS
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
