"""``make bench``: real HTTP load on a seeded throwaway database, against a floor and a ceiling.

Seeds 100,000 articles and 200,000 comments once per size and schema revision (a SQLite file in
``.bench/seed-sqlite-<articles>-<comments>-<revision>/``, or with ``--postgres`` a template
database ``bench_<articles>_<comments>_<revision>``), and gives every run a fresh copy of it (a
file copy, or ``CREATE DATABASE bench_run TEMPLATE ...``): a rerun does not seed again, and the
story the burst publishes never leaks into the next run. Then starts gunicorn with
deploy/gunicorn.conf.py as the README's production section does, and drives wrk against each URL
for a fixed time. In the same run, with the same gunicorn settings, a bare Flask app serves the
same 60 KB file from a route (the floor: what any Python app costs) and nginx serves it from disk
(the ceiling). Every figure is printed as a ratio to both, with the machine's load average, then
worker memory and cold start. Figures are printed, never asserted. docs/bench.md has the figures.

With ``--edge``, the same pages again through nginx (deploy/nginx.conf) once its cache is warm,
a returning reader's cookie (which nginx passes through), a burst of 200 connections on a story
published a moment before (cold caches; how many requests reached Python is counted from
Hublet's request log), and the share of 304 answers to requests that send the home page's ETag
back (If-None-Match).

    python -m bench [--articles N] [--comments N] [--duration S] [--postgres URL] [--redis URL]
                    [--edge] [--no-search] [--max-requests N]

``--postgres URL`` names a server: the bench uses only databases called ``bench_*`` there (the
URL's own database is never touched).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
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

#: Counts nginx's X-Cache-Status answers in the burst (one request should be a MISS).
COUNT_CACHE_STATUS_LUA = """
local threads = {}
local names = {"HIT", "MISS", "EXPIRED", "UPDATING", "STALE", "BYPASS", "REVALIDATED", "none"}
function setup(thread) table.insert(threads, thread) end
function init(args) for _, n in ipairs(names) do _G["n_" .. n] = 0 end end
function response(status, headers, body)
  local s = headers["X-Cache-Status"] or "none"
  if _G["n_" .. s] == nil then s = "none" end
  _G["n_" .. s] = _G["n_" .. s] + 1
end
function done(summary, latency, requests)
  local parts = {}
  for _, n in ipairs(names) do
    local total = 0
    for _, t in ipairs(threads) do total = total + t:get("n_" .. n) end
    if total > 0 then table.insert(parts, n .. " " .. total) end
  end
  io.write("cache-status " .. table.concat(parts, ", ") .. "\\n")
end
"""
BURST_CONNECTIONS = 200


@dataclass
class Result:
    name: str
    path: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int = 0
    cache: str = ""  # nginx's X-Cache-Status, else Hublet's X-Hublet-Cache, once warm
    load: float = 0.0  # the 1-minute load average when the row was measured
    requests: int = 0
    #: CPU time (user + system) the serving processes spent per answer. Other programs on the
    #: machine change it far less than req/s: the figure to compare on a busy machine.
    cpu_us: float = 0.0
    #: Worker processes started during the row: gunicorn recycles each after max_requests, and
    #: a new Hublet worker imports the app and starts with cold in-process caches.
    started: int = 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument("--comments", type=int, default=DEFAULT_COMMENTS)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per URL")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument(
        "--max-requests",
        type=int,
        metavar="N",
        help="override deploy/gunicorn.conf.py's worker recycling for both apps (0: never), so "
        "that a recycle does not land in one row",
    )
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
    database = _prepare(args)
    env, instance = database.env, database.instance
    _write_static_baseline()
    load_before = os.getloadavg()

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
        # Whose CPU time a row counts: the sessions of nginx's and gunicorn's masters.
        in_nginx = (int((edge.folder / "nginx.pid").read_text()),)
        in_bare, in_hublet = (bare.process.pid,), (hublet.process.pid,)
        results = [
            _load("nginx static 60 KB (ceiling)", edge.url, static, args, in_nginx),
            _load(
                "bare Flask 60 KB (floor)",
                f"http://{bare.address}",
                "/static-60k.html",
                args,
                in_bare,
            ),
            _load("Hublet static 60 KB", base, static, args, in_hublet),
        ]
        results += [_load(name, base, path, args, in_hublet) for name, path in targets]
        # A reader who has been here before: the session cookie /form-token starts when they
        # begin a comment. Their pages are the shared ones, but nginx passes them to Python.
        cookie = _session_cookie(base)
        results.append(
            _load("home, returning reader (cookie)", base, "/", args, in_hublet, cookie=cookie)
        )
        rss = _worker_rss_mb(hublet.process.pid)
        edge_lines: list[str] = []
        if args.edge:
            both = in_nginx + in_hublet
            results += [
                _load(f"nginx: {name}", edge.url, path, args, both) for name, path in targets
            ]
            results.append(
                _load("nginx: home, returning reader", edge.url, "/", args, both, cookie=cookie)
            )
            edge_lines = _edge_extras(base, edge.url, env, instance / "gunicorn.log", args)

    load_after = os.getloadavg()
    _print_table(results, rss, cold_start, database, args, (load_before, load_after))
    for line in edge_lines:
        print(line)
    _print_targets(results, args)
    if not args.no_search:
        # Search's own targets are in-process latencies over 200 queries.
        print("\nSearch, in-process:", flush=True)
        with (instance / "search.log").open("w") as log:  # its request log, not the figures
            subprocess.run(
                [str(ROOT / ".venv/bin/python"), "-m", "bench.search", "--articles",
                 str(args.articles)],
                cwd=ROOT, env=env, check=False, stderr=log,
            )  # fmt: skip
    return 0


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
    recycling = [] if args.max_requests is None else ["--max-requests", str(args.max_requests)]
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", str(GUNICORN_CONF), "--workers",
         str(args.workers), "--bind", address, "--log-level", "warning", *recycling, app],
        cwd=ROOT, env=env, start_new_session=True,
        stderr=log.open("w"),  # warnings and Hublet's request log, kept out of the table
    )  # fmt: skip
    try:
        yield Server(address, process)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@dataclass
class Database:
    """The run's throwaway copy of the seed, and what making it cost."""

    env: dict[str, str]
    instance: Path
    label: str
    seed_seconds: float | None  # None: the seed was there already
    copy_seconds: float


def _schema_revision() -> str:
    """Alembic's head revision: a new migration means a new seed."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(ROOT / "migrations")).get_current_head() or "none"


def _base_environment(instance: Path, args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env["HUBLET_INSTANCE_PATH"] = str(instance)
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    if args.redis:
        env["REDIS_URL"] = args.redis
        # A prefix of this run's own: a page cached by an earlier run (same content version,
        # same copy of the seed) must not make this run's cold start look warm.
        env["HUBLET_CACHE_KEY_PREFIX"] = f"hublet-bench-{os.getpid()}-{int(time.time())}:"
    # The benchmark measures serving, not the rate limiter's refusals.
    env["HUBLET_RATELIMIT_ENABLED"] = "false"
    return env


def _flask(env: dict[str, str], *command: str) -> None:
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "app", *command], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)  # fmt: skip


def _seed(env: dict[str, str], args: argparse.Namespace) -> float:
    """Migrate and fill the database ``env`` points at; returns the seconds it took."""
    started = time.monotonic()
    print(
        f"Seeding {args.articles:,} articles and {args.comments:,} comments (once)...", flush=True
    )
    _flask(env, "db", "upgrade")
    _flask(env, "seed", "--articles", str(args.articles))
    _flask(env, "seed-comments", "--comments", str(args.comments))
    return time.monotonic() - started


def _prepare(args: argparse.Namespace) -> Database:
    """A fresh copy of the seed for this run, seeding it first when it is missing."""
    key = f"{args.articles}_{args.comments}_{_schema_revision()}"
    instance = BENCH_DIR / ("run-postgres" if args.postgres else "run-sqlite")
    if instance.exists():
        shutil.rmtree(instance)
    instance.mkdir(parents=True)
    if args.postgres:
        return _prepare_postgres(args, key, instance)
    return _prepare_sqlite(args, key, instance)


def _prepare_sqlite(args: argparse.Namespace, key: str, instance: Path) -> Database:
    seed_dir = BENCH_DIR / f"seed-sqlite-{key.replace('_', '-')}"
    marker = seed_dir / "bench-seed.json"  # written last: a seed cut short is done again
    seed_seconds = None
    if not marker.exists():
        for stale in BENCH_DIR.glob(f"seed-sqlite-{args.articles}-{args.comments}-*"):
            shutil.rmtree(stale)  # an older schema's seed of this size
        seed_dir.mkdir(parents=True, exist_ok=True)
        seed_seconds = _seed(_base_environment(seed_dir, args), args)
        # One self-contained file to copy: the write-ahead log folded in.
        with sqlite3.connect(seed_dir / "hublet.sqlite") as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        marker.write_text(json.dumps({"key": key, "seed_seconds": seed_seconds}))
    started = time.monotonic()
    for name in ("hublet.sqlite", "secret_key"):
        shutil.copy2(seed_dir / name, instance / name)
    return Database(
        _base_environment(instance, args), instance, f"SQLite (copy of {seed_dir.name})",
        seed_seconds, time.monotonic() - started,
    )  # fmt: skip


def _prepare_postgres(args: argparse.Namespace, key: str, instance: Path) -> Database:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(args.postgres)
    template, run = f"bench_{key}", "bench_run"
    # The server's maintenance database: CREATE/DROP DATABASE cannot run inside the target.
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")

    def exists(name: str) -> bool:
        with admin.connect() as connection:
            return bool(
                connection.execute(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
                ).scalar()
            )

    def run_sql(statement: str) -> None:
        with admin.connect() as connection:
            connection.execute(text(statement))

    seed_seconds = None
    if not exists(template):
        # Seeded under another name and renamed when complete: a seed cut short is redone.
        seeding = f"{template}_seeding"
        run_sql(f'DROP DATABASE IF EXISTS "{seeding}" WITH (FORCE)')
        run_sql(f'CREATE DATABASE "{seeding}"')
        env = _base_environment(instance, args)
        env["DATABASE_URL"] = server.set(database=seeding).render_as_string(hide_password=False)
        seed_seconds = _seed(env, args)
        _analyze_postgres(env["DATABASE_URL"])
        run_sql(f'ALTER DATABASE "{seeding}" RENAME TO "{template}"')
    started = time.monotonic()
    run_sql(f'DROP DATABASE IF EXISTS "{run}" WITH (FORCE)')
    run_sql(f'CREATE DATABASE "{run}" TEMPLATE "{template}"')
    admin.dispose()
    env = _base_environment(instance, args)
    env["DATABASE_URL"] = server.set(database=run).render_as_string(hide_password=False)
    return Database(
        env, instance, f"PostgreSQL (database {run}, a copy of template {template})",
        seed_seconds, time.monotonic() - started,
    )  # fmt: skip


def _analyze_postgres(url: str) -> None:
    """Give the planner statistics for the bulk-loaded tables, as autovacuum would within a
    minute on a live database; without them PostgreSQL plans search as if the tables were empty
    (measured: live search p95 242 ms before, 21 ms after). A copy made from the template
    keeps them."""
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
    return _story(env, "busiest")


def _story(env: dict[str, str], command: str) -> str:
    """``python -m bench.story COMMAND``'s answer, on the run's database."""
    output = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "-m", "bench.story", command], cwd=ROOT, env=env,
        check=True, capture_output=True, text=True,
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
    requests = re.search(r"(\d+) requests in", output)
    return Result(
        name, path, rps, p50, p99,
        non_2xx=int(errors.group(1)) if errors else 0,
        socket_errors=sum(int(n) for n in sockets.groups()) if sockets else 0,
        load=os.getloadavg()[0],
        requests=int(requests.group(1)) if requests else 0,
    )  # fmt: skip


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(sessions: tuple[int, ...]) -> float:
    """User + system CPU time of every process in these sessions (a server's master and its
    workers), with the children they reaped: a worker gunicorn recycled still counts."""
    return _session_stats(sessions)[0]


def _session_stats(sessions: tuple[int, ...]) -> tuple[float, set[int]]:
    """CPU seconds of these sessions (as ``_cpu_seconds``) and the ids of their processes."""
    ticks = 0
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # After "pid (comm) ": state, ppid, pgrp, session, ..., utime, stime, cutime, cstime.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[3]) in sessions:
            ticks += sum(int(n) for n in fields[11:15])
            pids.add(int(entry.name))
    return ticks / _TICKS, pids


def _load(
    name: str,
    base: str,
    path: str,
    args: argparse.Namespace,
    sessions: tuple[int, ...],
    cookie: str = "",
) -> Result:
    headers = ("-H", f"Cookie: {cookie}") if cookie else ()
    # Warm the caches as a real site is warm, then measure. One request first, waited for: at
    # 100,000 articles on a busy machine a cold page takes seconds to build, and a short warm-up
    # that ends while workers still build it measures their backlog (and wrk's 2 s timeouts).
    _headers(base + path, {"Cookie": cookie} if cookie else None, timeout=120)
    subprocess.run(["wrk", "-t1", f"-c{args.connections}", "-d2s", "--timeout", "30s",
                    *headers, base + path], capture_output=True, check=True)  # fmt: skip
    cpu_before, pids_before = _session_stats(sessions)
    result = _parse(name, path, _wrk(base + path, args, *headers))
    cpu_after, pids_after = _session_stats(sessions)
    cpu = cpu_after - cpu_before
    result.started = len(pids_after - pids_before)
    result.cpu_us = cpu / result.requests * 1e6 if result.requests else float("nan")
    seen = _headers(base + path, {"Cookie": cookie} if cookie else None)
    result.cache = seen.get("X-Cache-Status") or seen.get("X-Hublet-Cache") or ""
    return result


def _headers(
    url: str, headers: dict[str, str] | None = None, timeout: float = 30
) -> dict[str, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return dict(response.headers)
    except urllib.error.HTTPError as error:  # a 304 is an "error" to urllib
        return dict(error.headers)


def _session_cookie(base: str) -> str:
    """A reader's session cookie, as /form-token starts it when they begin a comment."""
    with urllib.request.urlopen(base + "/form-token", timeout=30) as response:
        set_cookie = response.headers.get("Set-Cookie", "")
    return set_cookie.split(";", 1)[0]


def _python_requests(log: Path, path: str) -> int:
    """How many requests for ``path`` Hublet answered: its request log has a line for each."""
    pattern = re.compile(rf"hublet\.request: GET {re.escape(path)} ")
    return sum(1 for line in log.read_text(errors="replace").splitlines() if pattern.search(line))


def _edge_extras(
    base: str, edge: str, env: dict[str, str], log: Path, args: argparse.Namespace
) -> list[str]:
    """The burst on a story just published and the 304 rates; lines to print under the table."""
    lines = ["", "Through nginx (deploy/nginx.conf):"]
    # The 304s first: the story the burst publishes changes the home page (and its ETag).
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
        result = _parse("304", "/", output)
        lines.append(
            f"- 304 rate via {label}, If-None-Match with the home page's ETag: "
            f"{got:,} of {got + other:,} answers were 304 ({share:.0%}); "
            f"{result.requests_per_second:,.0f} req/s, p99 {result.p99_ms:.2f} ms"
        )
    # Published now, through the ORM as the newsroom does: the content version moves, so
    # Hublet's own cache is cold too, and nginx has never seen the address.
    fresh = "/article/" + _story(env, "publish")
    script = BENCH_DIR / "count-cache-status.lua"
    script.write_text(COUNT_CACHE_STATUS_LUA)
    output = _wrk(edge + fresh, args, "-s", str(script), connections=BURST_CONNECTIONS)
    burst = _parse("burst", fresh, output)
    statuses = re.search(r"cache-status (.*)", output)
    python = _python_requests(log, fresh)
    lines.append(
        f"- burst, {BURST_CONNECTIONS} connections for {args.duration} s on {fresh}, published "
        f"just before (cold in nginx and Hublet): {burst.requests_per_second:,.0f} req/s, p99 "
        f"{burst.p99_ms:.1f} ms, {burst.non_2xx} non-2xx, {burst.socket_errors} socket errors; "
        f"nginx X-Cache-Status {statuses.group(1) if statuses else '?'}; requests that reached "
        f"Python (Hublet's request log): {python}"
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


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip()  # fmt: skip
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=ROOT, capture_output=True, text=True).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" (with uncommitted changes)" if dirty else "")


def _print_table(
    results: list[Result],
    rss: list[float],
    cold_start: float,
    database: Database,
    args: argparse.Namespace,
    loads: tuple[tuple[float, float, float], tuple[float, float, float]],
) -> None:
    ceiling = results[0].requests_per_second or 1.0  # nginx, the 60 KB file from disk
    floor = results[1].requests_per_second or 1.0  # bare Flask, the same bytes from a route
    print()
    print(
        f"Hublet bench, {time.strftime('%Y-%m-%d %H:%M %Z')}, commit {_commit()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{database.label}{', Redis cache ' + args.redis if args.redis else ''}; "
        f"{args.articles:,} articles, {args.comments:,} comments; gunicorn {args.workers} "
        f"workers (deploy/gunicorn.conf.py"
        f"{'' if args.max_requests is None else f', --max-requests {args.max_requests}'}); "
        f"wrk -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s"
    )
    before, after = loads
    print(
        "load average (1, 5, 15 min): "
        f"before {', '.join(f'{n:.2f}' for n in before)}; "
        f"after {', '.join(f'{n:.2f}' for n in after)}"
    )
    floor_cpu = results[1].cpu_us
    header = ("URL", "req/s", "p50 ms", "p99 ms", "vs bare Flask", "vs nginx", "CPU us/req",
              "CPU vs bare", "errors", "cache", "load", "new workers")  # fmt: skip
    print(
        "| {:<34} | {:>8} | {:>7} | {:>7} | {:>13} | {:>8} | {:>10} | {:>11} | {:>6} | {:<7} "
        "| {:>5} | {:>11} |".format(*header)
    )
    print(
        f"|{'-' * 36}|{'-' * 9}:|{'-' * 8}:|{'-' * 8}:|{'-' * 14}:|{'-' * 9}:|{'-' * 11}:"
        f"|{'-' * 12}:|{'-' * 7}:|{'-' * 9}|{'-' * 6}:|{'-' * 12}:|"
    )
    for r in results:
        print(
            f"| {r.name:<34} | {r.requests_per_second:>8.0f} | {r.p50_ms:>7.2f} | {r.p99_ms:>7.2f} "
            f"| {r.requests_per_second / floor:>13.2f} | {r.requests_per_second / ceiling:>8.2f} "
            f"| {r.cpu_us:>10.0f} | {floor_cpu / r.cpu_us if r.cpu_us else float('nan'):>11.2f} "
            f"| {r.non_2xx + r.socket_errors:>6} | {r.cache:<7} | {r.load:>5.2f} "
            f"| {r.started:>11} |"
        )
    print()
    print(
        "errors: non-2xx/3xx answers and socket errors; cache: nginx's X-Cache-Status, or "
        "Hublet's own X-Hublet-Cache, once warm; load: 1-minute load average after the row; "
        "CPU us/req: user + system CPU time of the serving processes (gunicorn's master and "
        "workers; nginx's; both for the nginx: rows) per answer, and bare Flask's divided by "
        "it; new workers: processes started during the row (gunicorn's max_requests recycling)"
    )
    if rss:
        print(f"worker RSS: {', '.join(f'{size:.0f} MB' for size in rss)} (max {max(rss):.0f} MB)")
    print(f"cold start (gunicorn launch to first 200 on /): {cold_start * 1000:.0f} ms")
    if database.seed_seconds is not None:
        print(f"seeding (once, then reused): {database.seed_seconds:.1f} s")
    print(f"fresh copy of the seed for this run: {database.copy_seconds:.1f} s")


def _print_targets(results: list[Result], args: argparse.Namespace) -> None:
    """The issue's targets beside the figures (printed, never asserted)."""
    rows = {r.name: r for r in results}
    ceiling = results[0].requests_per_second or 1.0
    floor = results[1].requests_per_second or 1.0
    print("\nTargets:")
    for name in ("home", "category, deep page", "article with comments", "sidebar partial"):
        r = rows.get(name)
        if r:
            ratio = r.requests_per_second / floor
            cpu_ratio = results[1].cpu_us / r.cpu_us if r.cpu_us else float("nan")
            mark = "met" if ratio >= 0.60 else "MISSED"
            print(f"- {name}, anonymous cache {r.cache or '?'} without nginx: {ratio:.2f} of bare "
                  f"Flask's req/s (target >= 0.60: {mark}); by CPU time per answer "
                  f"{cpu_ratio:.2f}")  # fmt: skip
    if not args.edge:
        return
    for name in ("home", "category, deep page", "article with comments", "sidebar partial"):
        r = rows.get(f"nginx: {name}")
        if r:
            ratio = r.requests_per_second / ceiling
            mark = "met" if ratio >= 0.50 and r.p99_ms < 20 else "MISSED"
            print(f"- nginx: {name}, cache {r.cache or '?'}: {ratio:.2f} of nginx static, p99 "
                  f"{r.p99_ms:.2f} ms (target >= 0.50 and < 20 ms: {mark})")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
