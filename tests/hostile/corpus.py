"""The hostile corpora: the Big List of Naughty Strings and the project's own lists.

See README.md beside this file for where each list comes from and its licence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
TEXT_LISTS = ("xss.txt", "sql.txt", "fulltext.txt")


@dataclass(frozen=True)
class Line:
    """One hostile string and where it came from (``xss.txt:12``)."""

    source: str
    text: str

    def __str__(self) -> str:
        return f"{self.source}: {self.text!r}"


def _text_list(name: str) -> list[Line]:
    lines = []
    for number, raw in enumerate((DATA / name).read_text("utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("# "):
            continue
        lines.append(Line(f"{name}:{number}", raw))
    return lines


def _blns() -> list[Line]:
    strings = json.loads((DATA / "blns.json").read_text("utf-8"))
    lines = []
    for index, text in enumerate(strings):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate cannot travel in a UTF-8 request
            continue
        lines.append(Line(f"blns.json[{index}]", text))
    return lines


def _nul_lines() -> list[Line]:
    """NUL bytes in the places a driver would choke on them."""
    return [
        Line("nul:1", "\x00"),
        Line("nul:2", "before\x00after"),
        Line("nul:3", "<script>\x00alert(1)</script>"),
        Line("nul:4", "java\x00script:alert(1)"),
        Line("nul:5", "' OR 1=1 --\x00"),
    ]


@cache
def every_line() -> tuple[Line, ...]:
    """Every hostile line, in a stable order."""
    lines = _blns()
    for name in TEXT_LISTS:
        lines.extend(_text_list(name))
    lines.extend(_nul_lines())
    return tuple(lines)


def markup_lines() -> tuple[Line, ...]:
    """The lines that try to plant markup (for the browser pass)."""
    return tuple(
        line
        for line in every_line()
        if "\x00" not in line.text
        and any(mark in line.text.lower() for mark in ("<", "javascript:", "hx-", "on"))
    )


def lines_for(backend: str) -> tuple[Line, ...]:
    """Every line on SQLite; on PostgreSQL the SQL, full-text and NUL lists whole and every
    third line of the others (escaping is the same code on both; the drivers are not)."""
    if backend == "sqlite":
        return every_line()
    kept = []
    for number, line in enumerate(every_line()):
        whole = line.source.startswith(("sql.txt", "fulltext.txt", "nul"))
        if whole or number % 3 == 0:
            kept.append(line)
    return tuple(kept)
