"""Posting hostile lines and checking what comes back."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import HTMX
from tests.hostile.corpus import Line
from tests.hostile.markup import reader_written


class Findings:
    """What went wrong, gathered over a whole corpus so one run shows every failure."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def check(
        self, line: Line | str, what: str, response: TestResponse, baseline: set[str] | None = None
    ) -> None:
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{what} {line}: {status}")
            return
        text = line.text if isinstance(line, Line) else line
        if "\x00" in text and status != 400:
            self.problems.append(f"{what} {line}: a NUL byte gave {status}, not a clear 400")
        if baseline is not None and response.mimetype == "text/html":
            self.page(line, what, response.get_data(as_text=True), baseline)

    def page(self, line: Line | str, what: str, html: str, baseline: set[str]) -> None:
        planted = reader_written(html, baseline)
        if planted:
            self.problems.append(f"{what} {line}: reader markup {sorted(planted)[:5]}")

    def assert_none(self) -> None:
        shown = "\n".join(self.problems[:40])
        assert not self.problems, f"{len(self.problems)} problem(s):\n{shown}"


def site_baseline(client: FlaskClient) -> set[str]:
    """The site's own constructs on its home, error pages and fragments (harmless input)."""
    from tests.hostile.markup import dangerous_markup

    found: set[str] = set()
    for path, headers in (
        ("/", {}),
        ("/no-such-page", {}),
        ("/no-such-page", HTMX),
        ("/?x=%00", {}),
    ):
        found |= dangerous_markup(client.get(path, headers=headers).get_data(as_text=True))
    return found


def has_endpoint(app: Flask, endpoint: str) -> bool:
    return endpoint in app.view_functions
