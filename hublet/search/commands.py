"""``flask reindex``: rebuild the search index from the stored articles."""

from __future__ import annotations

import time

import click

from hublet.database import writing
from hublet.extensions import db
from hublet.search import index


@click.command("reindex")
def reindex_command() -> None:
    """Rebuild the search index from every published article and report the count."""
    started = time.perf_counter()
    with writing():
        count = index.rebuild(db.session.connection())
        db.session.commit()
    seconds = time.perf_counter() - started
    noun = "article" if count == 1 else "articles"
    click.echo(f"Reindexed {count} published {noun} in {seconds:.1f} s.")
