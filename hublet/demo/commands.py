"""The seeding commands: ``flask seed`` (the demo publication) and ``flask seed-comments``."""

from __future__ import annotations

import click

from hublet.demo.seed import seed_demo, seed_synthetic, seed_synthetic_comments


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
    report = seed_demo()
    if report.added_anything:
        click.echo(
            f"Seeded {report.categories} categories, {report.authors} authors, "
            f"{report.tags} tags, {report.pages} pages and {report.articles} articles."
        )
    elif not (report.pictures or report.upgraded):
        click.echo("The demo content is already seeded; nothing changed.")
    if report.pictures:
        click.echo(f"Stored {report.pictures} demo pictures in the media library.")
    if report.upgraded:
        click.echo(
            f"Gave {report.upgraded} demo stories seeded before the demo had pictures their "
            "library pictures."
        )
    if synthetic:
        with click.progressbar(length=synthetic, label="Synthetic articles") as bar:
            added = seed_synthetic(synthetic, progress=bar.update)
        click.echo(f"Added {added} synthetic articles.")


@click.command("seed-comments")
@click.option("--comments", "count", type=click.IntRange(min=1, max=10_000_000), required=True)
def seed_comments_command(count: int) -> None:
    """Add approved synthetic comments in bulk (for benchmarks)."""
    with click.progressbar(length=count, label="Synthetic comments") as bar:
        added = seed_synthetic_comments(count, progress=bar.update)
    click.echo(f"Added {added} synthetic comments.")


COMMANDS = (seed_command, seed_comments_command)
