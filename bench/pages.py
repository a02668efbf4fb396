"""``make bench``: real HTTP load on a seeded throwaway instance, as ratios to a static baseline.

Seeds 100,000 articles and 200,000 comments into a fresh instance folder (kept in ``.bench/`` and
reused while its seed parameters match), starts gunicorn the way the README's production section
does, and drives wrk against each URL for a fixed time. Prints one table: req/s, p50, p99 and the
ratio to a 60 KB static file served by the same gunicorn in the same run, plus worker memory and
cold start. Figures are printed, never asserted.

    python -m bench [--articles N] [--comments N] [--duration S] [--postgres URL --redis URL]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
STATIC_NAME = "bench/static-60k.html"


@dataclass
class Result:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=200_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL at URL instead")
    parser.add_argument("--redis", metavar="URL", help="share cache and limits through Redis")
    args = parser.parse_args(argv)

    if not shutil.which("wrk"):
        print("wrk is missing: `apt-get install wrk` (make bench does it).", file=sys.stderr)
        return 2
    instance = BENCH_DIR / ("postgres" if args.postgres else "sqlite")
    env = _environment(instance, args)
    seed_seconds = _prepare(instance, env, args)
    _write_static_baseline()

    port = _free_port()
    started = time.monotonic()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "--workers", str(args.workers),
            "--bind", f"127.0.0.1:{port}",
            "--access-logfile", "/dev/null",
            "--log-level", "warning",
            "app:app",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=(instance / "gunicorn.log").open("w"),  # the request log, kept out of the table
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        cold_start = _wait_until_up(base + "/", started)
        targets = _targets(base, env)
        results = [_load(name, base, path, args) for name, path in targets]
        rss = _worker_rss_mb(server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    _print_table(results, rss, cold_start, seed_seconds, args)
    # Search is measured in-process too: its targets are latencies over 200 queries.
    print("\nSearch, in-process:", flush=True)
    subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "bench.search", "--articles",
         str(args.articles)],
        cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    return 0


def _environment(instance: Path, args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env["HUBLET_INSTANCE_PATH"] = str(instance)
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if args.postgres:
        env["DATABASE_URL"] = args.postgres
    if args.redis:
        env["REDIS_URL"] = args.redis
    # The benchmark measures serving, not the rate limiter's refusals.
    env["HUBLET_RATELIMIT_ENABLED"] = "false"
    return env


def _flask(env: dict[str, str], *command: str) -> None:
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", *command], cwd=ROOT, env=env,
                   check=True)  # fmt: skip


def _prepare(instance: Path, env: dict[str, str], args: argparse.Namespace) -> float | None:
    """Seed the throwaway instance unless it already holds this size; returns the seed time."""
    marker = instance / "bench-seed.json"
    wanted = {
        "articles": args.articles,
        "comments": args.comments,
        "db": args.postgres or "sqlite",
        # A new migration means a new schema: seed again rather than measure an old one.
        "migrations": sorted(p.name for p in (ROOT / "migrations/versions").glob("*.py")),
    }
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        print(f"Reusing the seeded instance in {instance}")
        return None
    if instance.exists():
        shutil.rmtree(instance)
    instance.mkdir(parents=True)
    if args.postgres:
        from hublet.database import reset_postgres_schema

        reset_postgres_schema(args.postgres)
    _flask(env, "db", "upgrade")
    started = time.monotonic()
    _flask(env, "seed", "--articles", str(args.articles))
    seed_seconds = time.monotonic() - started
    _flask(env, "seed-comments", "--comments", str(args.comments))
    if args.postgres:
        _analyze_postgres(args.postgres)
    marker.write_text(json.dumps(wanted))
    return seed_seconds


def _analyze_postgres(url: str) -> None:
    """Give the planner statistics for the bulk-loaded tables, as autovacuum would within a
    minute on a live database; without them PostgreSQL plans search as if the tables were empty
    (measured: live search p95 242 ms before, 21 ms after)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def _write_static_baseline() -> None:
    path = ROOT / "static" / STATIC_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    paragraph = "<p>" + "Static baseline text for the benchmark. " * 20 + "</p>\n"
    body = "<!doctype html><title>baseline</title>\n" + paragraph * (60_000 // len(paragraph))
    path.write_text(body)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, started: float) -> float:
    deadline = started + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            time.sleep(0.05)
    raise SystemExit("gunicorn did not answer within 60 s")


def _targets(base: str, env: dict[str, str]) -> list[tuple[str, str]]:
    """The URLs to load: picked from the seeded data through the site itself."""
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        home = response.read().decode()
    categories = re.findall(r'href="(/category/[^"?]+)"', home)
    article = _busiest_article(env)
    return [
        ("static 60 KB (baseline)", "/static/" + STATIC_NAME),
        ("home", "/"),
        ("category, deep page", f"{categories[0]}?page=500"),
        ("article with comments", f"/article/{article}"),
        ("live search", "/search/live?q=newsroom"),
        ("sidebar partial", "/lists/most-popular"),
        ("RSS feed", "/feed"),
    ]


def _busiest_article(env: dict[str, str]) -> str:
    code = (
        "from hublet import create_app;from hublet.models import Article;"
        "from hublet.extensions import db;app=create_app();"
        "ctx=app.app_context();ctx.push();"
        "print(db.session.scalar(db.select(Article.slug).order_by("
        "Article.comment_count.desc()).limit(1)))"
    )
    output = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-c", code], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True,
    )  # fmt: skip
    return output.stdout.strip().splitlines()[-1]


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text.strip())
    if not match:
        return float("nan")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _load(name: str, base: str, path: str, args: argparse.Namespace) -> Result:
    # Warm the caches as a real site is warm, then measure.
    subprocess.run(["wrk", "-t1", "-c4", "-d1s", base + path], capture_output=True, check=True)
    output = subprocess.run(
        ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency",
         base + path],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    # Anchored: the thread stats line above also holds percentages (like "70.50%").
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return Result(name, path, rps, p50, p99, int(errors.group(1)) if errors else 0)


def _worker_rss_mb(master_pid: int) -> list[float]:
    sizes = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", status, re.M):
            rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
            if rss:
                sizes.append(int(rss.group(1)) / 1024)
    return sorted(sizes)


def _print_table(
    results: list[Result],
    rss: list[float],
    cold_start: float,
    seed_seconds: float | None,
    args: argparse.Namespace,
) -> None:
    baseline = results[0].requests_per_second or 1.0
    database = "PostgreSQL" if args.postgres else "SQLite"
    print()
    print(
        f"Hublet bench: {database}{' + Redis' if args.redis else ''}, {args.articles:,} articles, "
        f"{args.comments:,} comments, gunicorn {args.workers} workers, "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s"
    )
    header = ("URL", "req/s", "p50 ms", "p99 ms", "vs static", "non-2xx")
    print("| {:<26} | {:>8} | {:>7} | {:>7} | {:>9} | {:>7} |".format(*header))
    print(f"|{'-' * 28}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 11}|---------|")
    for r in results:
        print(
            f"| {r.name:<26} | {r.requests_per_second:>8.0f} | {r.p50_ms:>7.2f} | {r.p99_ms:>7.2f} "
            f"| {r.requests_per_second / baseline:>8.0%} | {r.non_2xx:>7} |"
        )
    print()
    if rss:
        print(f"worker RSS: {', '.join(f'{size:.0f} MB' for size in rss)} (max {max(rss):.0f} MB)")
    print(f"cold start (gunicorn launch to first 200 on /): {cold_start * 1000:.0f} ms")
    if seed_seconds is not None:
        print(f"flask seed --articles {args.articles}: {seed_seconds:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
