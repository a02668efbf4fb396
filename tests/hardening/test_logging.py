"""One log line per request, and security events at warning level on ``hublet.security``."""

from __future__ import annotations

import logging

from hublet.security import log_security_event
from tests.conftest import csrf_token


def request_lines(caplog) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.getMessage() for r in caplog.records if r.name == "hublet.request"]


def test_every_request_logs_method_path_status_and_duration(client, caplog):
    caplog.set_level(logging.INFO, logger="hublet.request")
    client.get("/")
    client.get("/static/css/hublet.css")
    client.get("/no-such-page")
    client.post("/contact-us", data={})
    lines = request_lines(caplog)
    assert len(lines) == 4
    method, path, status, duration = lines[0].split(" ")
    assert (method, path, status) == ("GET", "/", "200")
    assert duration.endswith("ms") and float(duration[:-2]) >= 0
    assert lines[1].startswith("GET /static/css/hublet.css 200 ")
    assert lines[2].startswith("GET /no-such-page 404 ")
    assert lines[3].startswith("POST /contact-us 400 ")


def test_a_log_line_cannot_be_forged_through_the_path(client, caplog):
    caplog.set_level(logging.INFO, logger="hublet.request")
    client.get("/x%0d%0aGET%20/admin%20200")
    (line,) = request_lines(caplog)
    assert "\n" not in line and "\r" not in line
    assert line.startswith("GET /x%0D%0AGET%20/admin%20200 404 ")


def test_a_csrf_failure_is_a_security_warning(client, caplog):
    caplog.set_level(logging.WARNING, logger="hublet.security")
    client.post("/contact-us", data={"name": "x"})
    (record,) = [r for r in caplog.records if r.name == "hublet.security"]
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("csrf_failure client=127.0.0.1 path=/contact-us ")


def test_a_valid_form_logs_no_security_event(client, caplog):
    token = csrf_token(client, "/contact-us")
    caplog.set_level(logging.WARNING, logger="hublet.security")
    client.post("/contact-us", data={"csrf_token": token, "name": "A"})
    assert not [r for r in caplog.records if r.name == "hublet.security"]


def test_others_log_events_through_the_helper_with_quoted_values(app, caplog):
    caplog.set_level(logging.WARNING, logger="hublet.security")
    with app.test_request_context("/moderation/login", environ_base={"REMOTE_ADDR": "10.0.0.9"}):
        log_security_event("login_failed", username="eve\nINFO forged line")
    (record,) = caplog.records
    assert record.getMessage() == (
        "login_failed client=10.0.0.9 path=/moderation/login username='eve\\nINFO forged line'"
    )
