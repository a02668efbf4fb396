"""``flask newsroom purge-trash``: delete the stories left in the trash past 30 days."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from hublet.newsroom.history import TRASH_DAYS, purge_trash

newsroom_group = AppGroup("newsroom", help="The newsroom: stories written in the browser.")


@newsroom_group.command("purge-trash")
def purge_trash_command() -> None:
    """Delete the stories trashed more than 30 days ago, with their revisions and comments.

    For a daily cron job: safe to run again (what is gone stays gone; nothing newer goes)."""
    purged = purge_trash()
    word = "story" if purged == 1 else "stories"
    click.echo(f"Purged {purged} {word} trashed more than {TRASH_DAYS} days ago.")


COMMANDS = (newsroom_group,)
