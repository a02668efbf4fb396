"""Path tricks get 404 or 400 and never a file's content: test client, dev server, gunicorn."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET

SECRET_FILE_TEXT = "instance-secret-do-not-serve"
GIT_CONFIG_TEXT = "[core]\n\trepositoryformatversion = 0\n"
ENV_TEXT = "SECRET_KEY=env-secret-do-not-serve\n"

TRICKS = [
    "/static/../instance/secret_key",
    "/static/%2e%2e/instance/secret_key",
    "/static/%2E%2E/%2E%2E/instance/secret_key",
    "/static/..%2finstance%2fsecret_key",
    "/static/..%2f..%2fhublet%2fconfig.py",
    "/static/%252e%252e/instance/secret_key",
    "/static/%252e%252e%252finstance%252fsecret_key",
    "/static/..\\instance\\secret_key",
    "/static/..%5cinstance%5csecret_key",
    "/static/css/hublet.css%00.txt",
    "/static/%00../instance/secret_key",
    "/static//etc/passwd",
    "/static/../../../../../../etc/passwd",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/.git/config",
    "/.git/HEAD",
    "/.env",
    "/%2eenv",
    "/instance/secret_key",
    "/app.py",
    "/pyproject.toml",
    "/static/../app.py",
    "/static/.%2e/app.py",
    "/article/..%2f..%2fapp.py",
]
LEAKS = (
    SECRET_FILE_TEXT,
    "repositoryformatversion",
    "env-secret",
    "root:x:0:0",
    "create_app",
    "[project]",
)


@pytest.fixture
def planted(app) -> Path:  # type: ignore[no-untyped-def]
    """Files an attacker would love to read, where a naive server would serve them."""
    root = Path(app.root_path).parent
    instance = Path(app.instance_path)
    (instance / "secret_key").write_text(SECRET_FILE_TEXT)
    return root


def assert_refused(path: str, status: int, body: bytes) -> None:
    assert status in (400, 404), f"{path} gave {status}"
    text = body.decode("utf-8", "replace")
    for leak in LEAKS:
        assert leak not in text, f"{path} leaked {leak!r}"


def test_the_test_client_refuses_every_trick(client, planted):
    for path in TRICKS:
        response = client.get(path)
        if response.status_code == 308:  # werkzeug merges "//": follow it, on this site only
            location = response.headers["Location"]
            assert location.startswith(("/", "http://localhost/")), location
            response = client.get(location)
        assert_refused(path, response.status_code, response.data)


def raw_get(host: str, port: int, path: str) -> tuple[int, bytes, dict[str, str]]:
    """Send the path byte for byte: http.client does not normalise it."""
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def follow_on_site(host: str, port: int, location: str) -> tuple[int, bytes, dict[str, str]]:
    """Follow a redirect, which must stay on this site."""
    prefix = f"http://{host}:{port}"
    assert location.startswith(("/", prefix)) and not location.startswith("//"), location
    return raw_get(host, port, location.removeprefix(prefix))


def raw_socket_get(host: str, port: int, path: str) -> tuple[int, bytes]:
    """Even rawer: a request line a client library might refuse to send."""
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("latin-1")
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 400
    return status, body


def test_a_real_http_server_refuses_every_trick(live_server, planted):
    host, port = "127.0.0.1", live_server.server.server_port
    assert raw_get(host, port, "/static/css/hublet.css")[0] == 200, "the harness itself works"
    for path in TRICKS:
        status, body, headers = raw_get(host, port, path)
        if status == 308:
            status, body, headers = follow_on_site(host, port, headers["Location"])
        assert_refused(path, status, body)
        assert "Content-Security-Policy" in headers
    for path in ("/static/..\\..\\instance\\secret_key", "/static/\\..\\instance/secret_key"):
        status, body = raw_socket_get(host, port, path)
        assert_refused(path, status, body)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def gunicorn_server(app_config: dict, planted: Path, tmp_path: Path) -> Iterator[str]:
    """The production server (gunicorn) on the test's database."""
    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=app_config["SQLALCHEMY_DATABASE_URI"],
        HUBLET_SECRET_KEY=f'"{TEST_SECRET}"',
        HUBLET_INSTANCE_PATH=app_config["INSTANCE_PATH"],
    )
    gunicorn = Path(sys.executable).parent / "gunicorn"
    process = subprocess.Popen(
        [str(gunicorn), "--workers", "1", "--bind", f"127.0.0.1:{port}", "app:app"],
        cwd=planted,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode()) from None
                time.sleep(0.1)
        yield f"127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_gunicorn_refuses_every_trick_and_names_no_version(gunicorn_server):
    host, port = gunicorn_server.split(":")
    status, _, headers = raw_get(host, int(port), "/")
    assert status == 200
    assert headers.get("Server") == "gunicorn", "no version number in the Server header"
    assert "X-Powered-By" not in headers
    assert headers["Content-Security-Policy"].startswith("default-src 'self'")
    for path in TRICKS:
        status, body, headers = raw_get(host, int(port), path)
        if status == 308:
            status, body, headers = follow_on_site(host, int(port), headers["Location"])
        assert_refused(path, status, body)
