"""What an import did: counts per kind, and every item it skipped with why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import click


@dataclass
class Skipped:
    """One item an import left out."""

    item: str
    reason: str


@dataclass
class ImportReport:
    """Counts of created and updated rows per kind, skipped items and problems."""

    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    # Items that should have been imported and were not (bad file, conflict): exit code 1.
    failed: list[Skipped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, kind: str, created: bool) -> None:
        """Record one row of ``kind`` written."""
        (self.created if created else self.updated)[kind] += 1

    def skip(self, item: str, reason: str) -> None:
        """An item deliberately left out (a revision, a pingback, a trashed post)."""
        self.skipped.append(Skipped(item, reason))

    def fail(self, item: str, reason: str) -> None:
        """An item that could not be imported although it was asked for."""
        self.failed.append(Skipped(item, reason))

    @property
    def ok(self) -> bool:
        return not self.failed

    def echo(self, kinds: tuple[str, ...]) -> None:
        """Print the summary: one line per kind, then what was skipped or failed."""
        click.echo("Summary:")
        for kind in kinds:
            click.echo(f"  {kind}: {self.created[kind]} created, {self.updated[kind]} updated")
        for warning in self.warnings:
            click.echo(f"  warning: {warning}")
        if self.skipped:
            click.echo(f"Skipped {len(self.skipped)} item(s):")
            for entry in self.skipped:
                click.echo(f"  - {entry.item}: {entry.reason}")
        if self.failed:
            click.echo(f"Failed {len(self.failed)} item(s):", err=True)
            for entry in self.failed:
                click.echo(f"  - {entry.item}: {entry.reason}", err=True)
