"""Every ``flask`` command of the site."""

from __future__ import annotations

import click
from flask import Flask


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    app.cli.add_command(seed_command)


@click.command("seed")
@click.option(
    "--articles",
    "synthetic",
    type=click.IntRange(min=1, max=5_000_000),
    default=None,
    help="Also add this many synthetic articles (for scale tests and benchmarks).",
)
def seed_command(synthetic: int | None) -> None:
    """Fill the database with the demo publication (safe to run again)."""
    from hublet.demo.seed import seed_demo, seed_synthetic

    report = seed_demo()
    if report.added_anything:
        click.echo(
            f"Seeded {report.categories} categories, {report.authors} authors, "
            f"{report.tags} tags, {report.pages} pages and {report.articles} articles."
        )
    else:
        click.echo("The demo content is already seeded; nothing changed.")
    if synthetic:
        with click.progressbar(length=synthetic, label="Synthetic articles") as bar:
            added = seed_synthetic(synthetic, progress=bar.update)
        click.echo(f"Added {added} synthetic articles.")
