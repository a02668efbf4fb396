"""``flask flush-views``: write the view counts waiting in Redis to the database now."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from hublet.articles.view_counter import flush_views


@click.command("flush-views")
@with_appcontext
def flush_views_command() -> None:
    """Write the view counts waiting in Redis (REDIS_URL) to the database.

    Requests flush by themselves every few seconds; this is for a deploy or a cron job, so that
    the counts of a quiet site do not wait for its next reader.
    """
    click.echo(f"Flushed {flush_views()} views.")


COMMANDS = [flush_views_command]
