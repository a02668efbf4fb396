"""Faults under load: Redis goes away, then PostgreSQL restarts, while readers keep coming.

Real gunicorn (2 workers, deploy/gunicorn.conf.py) on a PostgreSQL cluster and a redis-server
of this test's own, started on free ports in a folder of its own, so that stopping them never
touches the services other tests (or other people) use. A few threads read the home page and
an article and post comments, each with a marker of its own, all the time:

- while Redis is away, every page still answers and every comment is stored: the page cache
  and the rate limits fall back to the process (as the README promises);
- while PostgreSQL is down, what needs the database answers 503 with ``Retry-After``, never
  500 (a page a worker answered in the second before may come from its memory until it is
  ``PAGE_MEMORY_SECONDS`` old), and gunicorn's workers live on;
- once it is back, everything answers again without restarting anything, and every comment
  that was answered as stored is stored once, none twice, and none that was refused.

Runs in ``make test``'s PostgreSQL pass (``--db=postgresql``) where PostgreSQL's server
binaries (``initdb``, ``pg_ctl``; Debian keeps them in /usr/lib/postgresql/*/bin) and
``redis-server`` are installed; skipped elsewhere, saying why.
"""

from __future__ import annotations

import glob
import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest

from hublet import hot_pages

ROOT = Path(__file__).resolve().parent.parent
SECRET = "faults-test-secret"
THREADS = 3
#: How long each service stays away: long enough for many requests to meet the outage.
OUTAGE_SECONDS = 3.0
#: How soon after PostgreSQL is back every request must be answered again.
RECOVERY_SECONDS = 15.0
#: Statuses of an answered request: a page, a stored comment's redirect.
OK = (200, 303)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_bin(name: str) -> str | None:
    """A PostgreSQL server program: on PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(re.search(r"/(\d+)/bin/", path).group(1)),  # type: ignore[union-attr]
    )
    return candidates[-1] if candidates else None


def _missing() -> str | None:
    """Why this test cannot run here, or None."""
    for name in ("initdb", "pg_ctl"):
        if _postgres_bin(name) is None:
            return f"PostgreSQL's {name} is not installed"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user to run PostgreSQL as"
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    try:
        import psycopg  # noqa: F401
        import redis  # noqa: F401
    except ImportError as error:
        return f"{error.name} is not installed (pip install -e '.[postgres,redis]')"
    return None


class Postgres:
    """A throwaway PostgreSQL cluster on a free port (as the ``postgres`` user when root, which
    PostgreSQL refuses to run as)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/test_faults"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(folder, self.user, self.user)

    def _run(self, *command: str) -> None:
        subprocess.run(
            command, check=True, user=self.user, group=self.user, cwd=self.folder,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120,
        )  # fmt: skip

    def create(self) -> None:
        self._run(str(_postgres_bin("initdb")), "-D", str(self.data), "-U", "postgres",
                  "--auth=trust", "--encoding=UTF8", "--no-sync")  # fmt: skip
        self.start()
        import psycopg

        address = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        with psycopg.connect(address, autocommit=True) as connection:
            connection.execute("CREATE DATABASE test_faults")

    def start(self) -> None:
        # fsync off: a test's data, not worth the disk's time on a machine others share.
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        self._run(str(_postgres_bin("pg_ctl")), "-D", str(self.data), "-l",
                  str(self.folder / "server.log"), "-o", options, "-w", "start")  # fmt: skip

    def stop(self) -> None:
        """Stop at once, as a failover or ``pg_ctl restart -m fast`` does: every open
        connection is cut and every open transaction rolled back."""
        self._run(str(_postgres_bin("pg_ctl")), "-D", str(self.data), "-m", "fast", "-w",
                  "stop")  # fmt: skip

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


class Redis:
    """A redis-server of this test's own, without persistence."""

    def __init__(self, folder: Path) -> None:
        self.port = _free_port()
        self.folder = folder
        self.url = f"redis://127.0.0.1:{self.port}/7"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not listen within 10 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis-server shuts down at once (no saving)
            self.process.wait(timeout=10)
        self.process = None


@dataclass
class Services:
    postgres: Postgres
    redis: Redis
    url: str
    gunicorn: subprocess.Popen
    log: Path
    slug: str = "breaking-story"
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:10])


def _seed(database_url: str, instance: Path) -> None:
    """The schema (by the migrations) and the stories readers ask for."""
    from hublet import create_app
    from hublet.extensions import db
    from tests.builders import make_article
    from tests.conftest import _migrate, base_config

    _migrate(database_url, instance)
    app = create_app(base_config(database_url, instance))
    with app.app_context():
        make_article("Breaking story")
        make_article("Older story")
        db.session.remove()
        db.engine.dispose()


def _workers(master: int) -> set[int]:
    """The pids of gunicorn's workers (the master's children)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()}


@pytest.fixture
def services(backend: str) -> Iterator[Services]:
    if backend != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (--db=postgresql), with a cluster of its own")
    reason = _missing()
    if reason:
        pytest.skip(reason)
    # Not pytest's tmp_path: its parents are closed to the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="hublet-faults-"))
    folder.chmod(0o755)
    postgres, redis = Postgres(folder), Redis(folder)
    gunicorn = None
    try:
        postgres.create()
        redis.start()
        instance = folder / "instance"
        instance.mkdir()
        _seed(postgres.url, instance)
        port = _free_port()
        log = folder / "gunicorn.log"
        env = {
            **os.environ,
            "DATABASE_URL": postgres.url,
            "REDIS_URL": redis.url,
            "HUBLET_SECRET_KEY": f'"{SECRET}"',
            "HUBLET_INSTANCE_PATH": str(instance),
            # One test machine is one address: the per-address comment rules would stop it.
            # The rate limit stays on (and high), so that the limiter's storage is in play.
            "HUBLET_COMMENT_FLOOD_SECONDS": "0",
            "HUBLET_COMMENT_RATE_LIMIT": '"100000 per minute"',
            "HUBLET_COMMENT_FIRST_TIME_HOLD": "false",
        }
        for name in ("HUBLET_LIMITS_REDIS_URL", "HUBLET_VIEWS_REDIS_URL"):
            env.pop(name, None)  # this test's Redis only, never a shared one
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py"),
             "--workers", "2", "--bind", f"127.0.0.1:{port}",
             # No recycling during the test: the same workers must live through the faults.
             "--max-requests", "0", "app:app"],
            cwd=ROOT, env=env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=log.open("w"),
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        _wait_for(port, gunicorn)
        yield Services(postgres, redis, url, gunicorn, log)
    finally:
        if gunicorn is not None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            gunicorn.wait(timeout=30)
        redis.stop()
        if postgres.running():
            postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError("gunicorn stopped")
        try:
            if _request(port, "GET", "/robots.txt").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("gunicorn did not answer within 60 s")


@dataclass
class Outcome:
    """One request of the load: what was asked, when, and what came back."""

    kind: str
    started: float
    ended: float
    status: int | None  # None: no answer at all
    retry_after: str | None = None
    marker: str | None = None
    error: str = ""


def _request(
    port: int, method: str, path: str, body: str | None = None, headers: dict | None = None
) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        response.read()
        return response
    finally:
        connection.close()


class Load:
    """A bounded loop of readers: the home page, an article, a comment, again and again."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.port = int(services.url.rsplit(":", 1)[1])
        self.outcomes: list[Outcome] = []
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self._reader, args=(number,), daemon=True)
            for number in range(THREADS)
        ]
        self.lock = threading.Lock()

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _session(self) -> tuple[str, str]:
        """A reader's session cookie and CSRF token, from /form-token as the form gets them."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request("GET", "/form-token")
        response = connection.getresponse()
        html = response.read().decode()
        connection.close()
        cookie = "; ".join(
            value.split(";", 1)[0]
            for name, value in response.getheaders()
            if name.lower() == "set-cookie"
        )
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
        assert response.status == 200 and token, (response.status, html[:200])
        return cookie, token.group(1)

    def _reader(self, number: int) -> None:
        cookie, token = self._session()
        slug = self.services.slug
        count = 0
        while not self.stopping.is_set():
            count += 1
            marker = f"{self.services.run}-{number}-{count}"
            fields = {"csrf_token": token, "name": f"Reader {number}",
                      "email": f"reader{number}@example.com", "website": "", "parent_id": "",
                      "phone": "", "comment": f"Marker {marker} says hello."}  # fmt: skip
            post_headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
            for kind, method, path, body, headers in (
                ("home", "GET", "/", None, {}),
                ("article", "GET", f"/article/{slug}", None, {}),
                ("comment", "POST", f"/article/{slug}/comments", urlencode(fields), post_headers),
            ):
                started = time.monotonic()
                try:
                    response = _request(self.port, method, path, body, headers)
                    outcome = Outcome(kind, started, time.monotonic(), response.status,
                                      response.getheader("Retry-After"))  # fmt: skip
                except OSError as error:
                    outcome = Outcome(kind, started, time.monotonic(), None, error=repr(error))
                if kind == "comment":
                    outcome.marker = marker
                with self.lock:
                    self.outcomes.append(outcome)
            time.sleep(0.05)  # a bounded load: the machine is shared

    def between(self, start: float, end: float) -> list[Outcome]:
        """The requests made wholly inside [start, end]."""
        with self.lock:
            return [o for o in self.outcomes if o.started >= start and o.ended <= end]

    def after(self, start: float) -> list[Outcome]:
        with self.lock:
            return [o for o in self.outcomes if o.started >= start]


def _describe(outcomes: list[Outcome]) -> str:
    counts: dict[tuple[str, int | None], int] = {}
    for outcome in outcomes:
        key = (outcome.kind, outcome.status)
        counts[key] = counts.get(key, 0) + 1
    return ", ".join(f"{kind} {status}: {n}" for (kind, status), n in sorted(counts.items(),
                     key=str))  # fmt: skip


def _stored_markers(services: Services) -> list[str]:
    import psycopg

    address = services.postgres.url.replace("postgresql+psycopg", "postgresql")
    with psycopg.connect(address) as connection:
        rows = connection.execute(
            "SELECT body_html FROM comment WHERE body_html LIKE %s", (f"%{services.run}-%",)
        ).fetchall()
    pattern = re.compile(rf"{services.run}-\d+-\d+")
    return [match for (body,) in rows for match in pattern.findall(body)]


def _until(condition: Callable[[], bool], seconds: float) -> None:
    """Wait until ``condition()`` holds, at most ``seconds`` (then carry on: the asserts say
    what was missing)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)


def _enough(outcomes: list[Outcome]) -> bool:
    """Enough requests to judge a phase by: a few of them, each kind asked at least once."""
    return len(outcomes) >= 6 and {o.kind for o in outcomes} == {"home", "article", "comment"}


def test_pages_answer_through_a_redis_outage_and_a_postgres_restart(services):
    workers = _workers(services.gunicorn.pid)
    assert len(workers) == 2, workers
    with Load(services) as load:
        # Steady load, caches warm (on a busy machine the first pages take a while).
        _until(lambda: _enough([o for o in load.after(0) if o.status in OK]), 60)
        before_end = time.monotonic()

        redis_down = redis_up = 0.0
        try:
            services.redis.stop()
            redis_down = time.monotonic()
            time.sleep(OUTAGE_SECONDS)
            _until(lambda: _enough(load.between(redis_down, time.monotonic())), 10)
        finally:
            redis_up = time.monotonic()
            services.redis.start()
        time.sleep(2)

        postgres_down = postgres_starting = 0.0
        try:
            services.postgres.stop()
            postgres_down = time.monotonic()
            time.sleep(OUTAGE_SECONDS)
            _until(lambda: _enough(load.between(postgres_down, time.monotonic())), 10)
        finally:
            postgres_starting = time.monotonic()
            services.postgres.start()
        postgres_up = time.monotonic()

        # Back without restarting anything: wait until every kind of request answers again,
        # and keep the load on a little longer.
        _until(
            lambda: (
                _enough(load.after(time.monotonic() - 3))
                and all(o.status in OK for o in load.after(time.monotonic() - 3))
            ),
            RECOVERY_SECONDS,
        )
        time.sleep(3)
        end = time.monotonic()

    everything = load.after(0)
    log = services.log.read_text()
    first_error = log.find("Traceback")
    context = f"\n{_describe(everything)}\ngunicorn's log" + (
        f" (first error):\n{log[first_error : first_error + 4000]}"
        if first_error >= 0
        else f" (tail):\n{log[-2000:]}"
    )

    # Never a 500, never a request left without an answer.
    broken = [o for o in everything if o.status is None or (o.status >= 500 and o.status != 503)]
    assert not broken, f"{broken[:5]}{context}"
    # Every 503 says when to come back.
    unavailable = [o for o in everything if o.status == 503]
    assert all(o.retry_after and o.retry_after.isdigit() for o in unavailable), context

    before = load.between(0, before_end)
    assert before and all(o.status in OK for o in before), f"before: {_describe(before)}"

    # Redis away: the pages and the comments go on (cache and limits in the process).
    without_redis = load.between(redis_down, redis_up)
    assert _enough(without_redis), f"too few requests met the outage{context}"
    assert all(o.status in OK for o in without_redis), f"Redis away: {_describe(without_redis)}"

    # PostgreSQL down: what needs it is 503 with Retry-After (pages too: a cached page is
    # served only under the content version the database holds). A page a worker answered
    # just before may still come from its memory until that copy is PAGE_MEMORY_SECONDS old
    # (hublet/hot_pages.py, like nginx's proxy_cache_use_stale): a 200 then, never a 500.
    without_database = load.between(postgres_down, postgres_starting)
    assert _enough(without_database), f"too few requests met the outage{context}"
    # (Half a second more for a page whose request was under way as the database stopped.)
    remembered_until = postgres_down + hot_pages.DEFAULT_SECONDS + 0.5
    needs_database = [
        o for o in without_database if o.kind == "comment" or o.started >= remembered_until
    ]
    assert _enough(needs_database), f"too few requests met the outage{context}"
    assert all(o.status == 503 for o in needs_database), (
        f"PostgreSQL down: {_describe(needs_database)}{context}"
    )
    assert all(o.status in (200, 503) for o in without_database), _describe(without_database)

    # Recovered: from the end of the last request that failed, every request answers.
    failed = [o.ended for o in load.after(postgres_starting) if o.status not in OK]
    recovered = max(failed, default=postgres_up)
    assert recovered - postgres_up <= RECOVERY_SECONDS, f"slow to recover{context}"
    after = load.between(recovered, end)
    assert _enough(after) and all(o.status in OK for o in after), f"after: {_describe(after)}"
    assert "Traceback" not in log, context
    # The cache and the limits are back in Redis (which came back empty): nothing restarted.
    import redis

    keys = [key.decode() for key in redis.Redis.from_url(services.redis.url).keys("*")]
    assert any(key.startswith("hublet:page:") for key in keys), keys[:20]
    assert any("LIMITER/hublet/" in key for key in keys), keys[:20]
    # The same workers throughout: nothing crashed, nothing was restarted.
    assert services.gunicorn.poll() is None
    assert _workers(services.gunicorn.pid) == workers, f"workers replaced{context}"

    # Every comment answered as stored is stored, once; none twice; none of those refused
    # while the database was away.
    stored = _stored_markers(services)
    twice = {marker for marker in stored if stored.count(marker) > 1}
    assert not twice, f"stored twice: {sorted(twice)[:5]}"
    posted = [o for o in everything if o.kind == "comment"]
    accepted = {o.marker for o in posted if o.status == 303}
    assert accepted and accepted <= set(stored), f"lost: {sorted(accepted - set(stored))[:5]}"
    refused = {o.marker for o in without_database if o.kind == "comment"}
    assert refused and not refused & set(stored), "a comment refused with 503 was stored"
    for name, phase in (("before", before), ("Redis away", without_redis), ("after", after)):
        assert any(o.kind == "comment" and o.status == 303 for o in phase), (
            f"no comment stored {name}: {_describe(phase)}"
        )


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """For the in-process test below: a Redis that nobody listens at."""
    return {**app_config, "REDIS_URL": f"redis://127.0.0.1:{_free_port()}/0"}


def test_pages_and_comments_go_on_when_redis_cannot_be_reached(app, client, ctx, caplog):
    """The same fallback in every run, without servers: the cache misses, the limits count in
    the process, and the log says so once, not once per request."""
    from tests.builders import make_article
    from tests.comments.helpers import comment_count, post

    assert app.config["CACHE_TYPE"] == "RedisCache"
    make_article("Breaking story")
    for _ in range(2):
        response = client.get("/")
        assert response.status_code == 200 and "Breaking story" in response.get_data(as_text=True)
        assert response.headers["X-Hublet-Cache"] == "miss"  # nothing could be kept
    assert client.get("/article/breaking-story").status_code == 200
    assert post(client, "breaking-story").status_code == 303
    assert comment_count() == 1
    from hublet.caching import SurvivingCache
    from hublet.extensions import cache

    shared = app.extensions["cache"][cache]
    assert isinstance(shared, SurvivingCache) and shared.away
    # One line when Redis went away (as the app was made), not one per request since.
    unreachable = [r for r in caplog.records if "shared cache unreachable" in r.getMessage()]
    assert len(unreachable) <= 1, [r.getMessage() for r in caplog.records]
