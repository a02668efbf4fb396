"""``make bench``: real HTTP load on a seeded throwaway instance, against a floor and a ceiling.

Seeds 100,000 articles and 200,000 comments into a fresh instance folder (kept in ``.bench/`` and
reused while its seed parameters match), starts gunicorn with deploy/gunicorn.conf.py as the
README's production section does, and drives wrk against each URL for a fixed time. In the same
run, with the same gunicorn settings, a bare Flask app serves the same 60 KB file from a route
(the floor: what any Python app costs) and nginx serves it from disk (the ceiling). Every figure
is printed as a ratio to both, then worker memory and cold start. Figures are printed, never
asserted.

With ``--edge``, the same pages again through nginx (deploy/nginx.conf) once its cache is warm,
a burst of 200 connections on an article nobody has asked for yet (cold caches), and the share
of 304 answers to requests that send the home page's ETag back (If-None-Match).

    python -m bench [--articles N] [--comments N] [--duration S] [--postgres URL --redis URL]
                    [--edge] [--no-search]
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
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from deploy.nginx import nginx_binary, serve

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / ".bench"
STATIC_NAME = "bench/static-60k.html"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
DEFAULT_ARTICLES, DEFAULT_COMMENTS = 100_000, 200_000
#: Counts the 304 answers wrk gets (wrk itself counts every 3xx as a success).
COUNT_304_LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) n304 = 0; nother = 0 end
function response(status, headers, body)
  if status == 304 then n304 = n304 + 1 else nother = nother + 1 end
end
function done(summary, latency, requests)
  local a, b = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("n304"); b = b + t:get("nother") end
  io.write(string.format("status-304 %d other %d\\n", a, b))
end
"""


@dataclass
class Result:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int = 0
    cache: str = ""  # nginx's X-Cache-Status for the URL once warm (edge rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument("--comments", type=int, default=DEFAULT_COMMENTS)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--postgres", metavar="URL", help="run on PostgreSQL at URL instead")
    parser.add_argument("--redis", metavar="URL", help="share cache and limits through Redis")
    parser.add_argument("--edge", action="store_true", help="also through nginx's cache")
    parser.add_argument("--no-search", action="store_true", help="skip the search timings")
    args = parser.parse_args(argv)

    if not shutil.which("wrk"):
        print("wrk is missing: `apt-get install wrk` (make bench does it).", file=sys.stderr)
        return 2
    if nginx_binary() is None:
        print("nginx is missing: `apt-get install nginx` (make bench does it).", file=sys.stderr)
        return 2
    instance = _instance_folder(args)
    env = _environment(instance, args)
    seed_seconds = _prepare(instance, env, args)
    _write_static_baseline()

    with ExitStack() as stack:
        started = time.monotonic()
        hublet = stack.enter_context(_gunicorn("app:app", env, args, instance / "gunicorn.log"))
        bare = stack.enter_context(_gunicorn("bench.bare:app", env, args, instance / "bare.log"))
        edge = stack.enter_context(
            serve(hublet.address, instance / "nginx", workers="auto", access_log=False)
        )
        base = f"http://{hublet.address}"
        cold_start = _wait_until_up(base + "/", started)
        _wait_until_up(f"http://{bare.address}/static-60k.html", started)
        targets = _targets(base, env, args.articles)
        static = "/static/" + STATIC_NAME
        results = [
            _load("nginx static 60 KB (ceiling)", edge.url, static, args),
            _load("bare Flask 60 KB (floor)", f"http://{bare.address}", "/static-60k.html", args),
            _load("Hublet static 60 KB", base, static, args),
        ]
        results += [_load(name, base, path, args) for name, path in targets]
        rss = _worker_rss_mb(hublet.process.pid)
        edge_lines: list[str] = []
        if args.edge:
            results += [
                _load(f"nginx: {name}", edge.url, path, args, cache=True) for name, path in targets
            ]
            edge_lines = _edge_extras(base, edge.url, targets, args)

    _print_table(results, rss, cold_start, seed_seconds, args)
    for line in edge_lines:
        print(line)
    if not args.no_search:
        # Search's own targets are in-process latencies over 200 queries.
        print("\nSearch, in-process:", flush=True)
        subprocess.run(
            [str(ROOT / ".venv/bin/python"), "-m", "bench.search", "--articles",
             str(args.articles)],
            cwd=ROOT, env=env, check=False,
        )  # fmt: skip
    return 0


def _instance_folder(args: argparse.Namespace) -> Path:
    """The seeded instance: a small smoke run gets a folder of its own, so that it never
    throws away the full-size seed."""
    name = "postgres" if args.postgres else "sqlite"
    if (args.articles, args.comments) != (DEFAULT_ARTICLES, DEFAULT_COMMENTS):
        name += f"-{args.articles}-{args.comments}"
    return BENCH_DIR / name


@dataclass
class Server:
    address: str
    process: subprocess.Popen


@contextmanager
def _gunicorn(
    app: str, env: dict[str, str], args: argparse.Namespace, log: Path
) -> Iterator[Server]:
    """gunicorn with deploy/gunicorn.conf.py on a free loopback port, stopped at the end."""
    address = f"127.0.0.1:{_free_port()}"
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", str(GUNICORN_CONF), "--workers",
         str(args.workers), "--bind", address, "--log-level", "warning", app],
        cwd=ROOT, env=env, start_new_session=True,
        stderr=log.open("w"),  # warnings, kept out of the table
    )  # fmt: skip
    try:
        yield Server(address, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


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


def _targets(base: str, env: dict[str, str], articles: int) -> list[tuple[str, str]]:
    """The URLs to load: picked from the seeded data through the site itself."""
    with urllib.request.urlopen(base + "/", timeout=10) as response:
        home = response.read().decode()
    categories = re.findall(r'href="(/category/[^"?]+)"', home)
    article = _busiest_article(env)
    return [
        ("home", "/"),
        # Page 500 at full size; a page that exists in a smaller smoke run.
        ("category, deep page", f"{categories[0]}?page={max(1, min(500, articles // 120))}"),
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


def _wrk(url: str, args: argparse.Namespace, *extra: str, connections: int = 0) -> str:
    return subprocess.run(
        ["wrk", f"-t{args.threads}", f"-c{connections or args.connections}",
         f"-d{args.duration}s", "--latency", *extra, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def _parse(name: str, path: str, output: str) -> Result:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    # Anchored: the thread stats line above also holds percentages (like "70.50%").
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                        output)  # fmt: skip
    return Result(
        name, path, rps, p50, p99,
        non_2xx=int(errors.group(1)) if errors else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
    )  # fmt: skip


def _load(name: str, base: str, path: str, args: argparse.Namespace, cache: bool = False) -> Result:
    # Warm the caches as a real site is warm, then measure.
    subprocess.run(["wrk", "-t1", "-c4", "-d1s", base + path], capture_output=True, check=True)
    result = _parse(name, path, _wrk(base + path, args))
    if cache:
        result.cache = _headers(base + path).get("X-Cache-Status", "?")
    return result


def _headers(url: str, headers: dict[str, str] | None = None) -> dict[str, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return dict(response.headers)
    except urllib.error.HTTPError as error:  # a 304 is an "error" to urllib
        return dict(error.headers)


def _edge_extras(
    base: str, edge: str, targets: list[tuple[str, str]], args: argparse.Namespace
) -> list[str]:
    """The burst on a cold article and the 304 rate; lines to print under the table."""
    lines = ["", "Through nginx (deploy/nginx.conf):"]
    with urllib.request.urlopen(base + "/", timeout=30) as response:
        home = response.read().decode()
    seen = {path for _, path in targets}
    fresh = next(
        (path for path in re.findall(r'href="(/article/[^"?#]+)"', home) if path not in seen),
        None,
    )
    if fresh:
        burst = _parse("burst", fresh, _wrk(edge + fresh, args, connections=200))
        lines.append(
            f"- burst, 200 connections on {fresh} (cold in nginx and Hublet): "
            f"{burst.requests_per_second:.0f} req/s, p99 {burst.p99_ms:.1f} ms, "
            f"{burst.non_2xx} non-2xx, {burst.socket_errors} socket errors"
        )
    script = BENCH_DIR / "count-304.lua"
    script.write_text(COUNT_304_LUA)
    for label, url in (("gunicorn", base), ("nginx", edge)):
        etag = _headers(url + "/").get("ETag")
        if not etag:
            lines.append(f"- 304 rate via {label}: the home page sent no ETag")
            continue
        output = _wrk(url + "/", args, "-s", str(script), "-H", f"If-None-Match: {etag}")
        counts = re.search(r"status-304 (\d+) other (\d+)", output)
        got, other = (int(n) for n in counts.groups()) if counts else (0, 0)
        share = got / (got + other) if got + other else 0.0
        lines.append(
            f"- 304 rate via {label}, If-None-Match with the home page's ETag: "
            f"{got:,} of {got + other:,} answers were 304 ({share:.0%})"
        )
    return lines


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
    ceiling = results[0].requests_per_second or 1.0  # nginx, the 60 KB file from disk
    floor = results[1].requests_per_second or 1.0  # bare Flask, the same bytes from a route
    database = "PostgreSQL" if args.postgres else "SQLite"
    print()
    print(
        f"Hublet bench: {database}{' + Redis' if args.redis else ''}, {args.articles:,} articles, "
        f"{args.comments:,} comments, gunicorn {args.workers} workers (deploy/gunicorn.conf.py), "
        f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s"
    )
    header = ("URL", "req/s", "p50 ms", "p99 ms", "vs bare Flask", "vs nginx", "errors", "cache")
    print("| {:<34} | {:>8} | {:>7} | {:>7} | {:>13} | {:>8} | {:>6} | {:<7} |".format(*header))
    print(f"|{'-' * 36}|{'-' * 10}|{'-' * 9}|{'-' * 9}|{'-' * 15}|{'-' * 10}|{'-' * 8}|{'-' * 9}|")
    for r in results:
        print(
            f"| {r.name:<34} | {r.requests_per_second:>8.0f} | {r.p50_ms:>7.2f} | {r.p99_ms:>7.2f} "
            f"| {r.requests_per_second / floor:>13.2f} | {r.requests_per_second / ceiling:>8.2f} "
            f"| {r.non_2xx + r.socket_errors:>6} | {r.cache:<7} |"
        )
    print()
    print("errors: non-2xx/3xx answers and socket errors; cache: nginx's X-Cache-Status once warm")
    if rss:
        print(f"worker RSS: {', '.join(f'{size:.0f} MB' for size in rss)} (max {max(rss):.0f} MB)")
    print(f"cold start (gunicorn launch to first 200 on /): {cold_start * 1000:.0f} ms")
    if seed_seconds is not None:
        print(f"flask seed --articles {args.articles}: {seed_seconds:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
