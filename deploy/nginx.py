"""deploy/nginx.conf filled in, and a throwaway nginx serving it (for the tests and the bench).

The tests and ``make bench --edge`` run the very file an operator copies, so that what they
measure and check is what production gets. ``render`` fills its ``${NAME}`` placeholders;
``serve`` starts nginx in the foreground as an ordinary child process (no system service, no
files outside its own folder), on a free loopback port, and stops it afterwards.

    python -m deploy.nginx LISTEN=80 SERVER_NAME=news.example.com UPSTREAM=127.0.0.1:8000 ...
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
ROOT = TEMPLATE.parent.parent
PLACEHOLDERS = ("LISTEN", "SERVER_NAME", "UPSTREAM", "STATIC_ROOT", "MEDIA_ROOT", "CACHE_DIR")
_PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")
_MIME_TYPES = Path("/etc/nginx/mime.types")


def render(values: dict[str, str], template: Path = TEMPLATE) -> str:
    """The template with every ``${NAME}`` replaced; a missing value is an error, not a gap."""
    missing = set(PLACEHOLDERS) - set(values)
    if missing:
        raise KeyError(f"deploy/nginx.conf needs values for {', '.join(sorted(missing))}")
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template.read_text())


def nginx_binary() -> str | None:
    """nginx's path (Debian installs it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


@dataclass
class Edge:
    """A running nginx: its base URL and its files."""

    url: str
    port: int
    folder: Path

    @property
    def access_log(self) -> Path:
        return self.folder / "access.log"

    @property
    def error_log(self) -> Path:
        return self.folder / "error.log"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _main_config(folder: Path, site: Path, workers: str, access_log: bool) -> str:
    """What /etc/nginx/nginx.conf holds on a server, reduced to this folder."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # else workers run as nobody
    types = f"include {_MIME_TYPES};" if _MIME_TYPES.exists() else "types { text/html html; }"
    temp = "\n".join(
        f"    {kind}_temp_path {folder / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    log = f"access_log {folder / 'access.log'};" if access_log else "access_log off;"
    return f"""{user}worker_processes {workers};
events {{ worker_connections 4096; }}
http {{
    {types}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    {log}
{temp}
    include {site};
}}
"""


@contextmanager
def serve(
    upstream: str,
    folder: Path,
    *,
    static_root: Path = ROOT / "static",
    media_root: Path | None = None,
    server_name: str = "127.0.0.1 localhost",
    workers: str = "1",
    access_log: bool = True,
) -> Iterator[Edge]:
    """nginx on a free loopback port in front of ``upstream`` (host:port), until the block ends."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx; make test does)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "temp").mkdir(exist_ok=True)
    port = free_port()
    site = folder / "hublet.conf"
    site.write_text(
        render(
            {
                "LISTEN": f"127.0.0.1:{port}",
                "SERVER_NAME": server_name,
                "UPSTREAM": upstream,
                "STATIC_ROOT": str(static_root),
                "MEDIA_ROOT": str(media_root or ROOT / "instance" / "media"),
                "CACHE_DIR": str(folder / "cache"),
            }
        )
    )
    config = folder / "nginx.conf"
    config.write_text(_main_config(folder, site, workers, access_log))
    error_log = folder / "error.log"
    process = subprocess.Popen(
        [binary, "-p", str(folder), "-c", str(config), "-e", str(error_log),
         "-g", f"daemon off; pid {folder / 'nginx.pid'}; error_log {error_log} warn;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for_port(port, process)
        yield Edge(f"http://127.0.0.1:{port}", port, folder)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGQUIT)  # graceful: finish what is in flight
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def _wait_for_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx stopped: {process.stderr.read().decode()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nginx did not listen within 10 s")


def main(argv: list[str]) -> int:
    """Print deploy/nginx.conf filled from ``NAME=value`` arguments."""
    values = dict(arg.split("=", 1) for arg in argv)
    try:
        print(render(values), end="")
    except KeyError as error:
        print(error.args[0], file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
