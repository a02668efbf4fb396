"""Every ``flask`` command of the site: each feature owns its commands, this only registers them."""

from __future__ import annotations

from flask import Flask

from hublet.articles.commands import COMMANDS as ARTICLE_COMMANDS
from hublet.demo.commands import COMMANDS as DEMO_COMMANDS
from hublet.editorial.commands import COMMANDS as EDITORIAL_COMMANDS
from hublet.maintenance.commands import COMMANDS as MAINTENANCE_COMMANDS
from hublet.media.commands import COMMANDS as MEDIA_COMMANDS
from hublet.moderation.commands import COMMANDS as MODERATION_COMMANDS
from hublet.newsroom.commands import COMMANDS as NEWSROOM_COMMANDS
from hublet.search.commands import reindex_command


def register_commands(app: Flask) -> None:
    """Attach the commands to the app's CLI."""
    for command in (
        *ARTICLE_COMMANDS,
        *DEMO_COMMANDS,
        *MAINTENANCE_COMMANDS,
        reindex_command,
        *EDITORIAL_COMMANDS,
        *MODERATION_COMMANDS,
        *MEDIA_COMMANDS,
        *NEWSROOM_COMMANDS,
    ):
        app.cli.add_command(command)
