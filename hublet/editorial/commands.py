"""The editorial ``flask`` commands: thin wrappers that parse, call, print and set the exit code.

Every command exits 0 only when everything it was asked to do happened; problems an editor
can fix are printed as one clear line (no traceback) and exit 1.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from hublet.editorial.errors import EditorialError
from hublet.editorial.report import ImportReport


def clear_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run in the app context; turn editorial and database errors into ``Error: ...`` and
    exit code 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except EditorialError as error:
            raise click.ClickException(str(error)) from None
        except SQLAlchemyError as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise click.ClickException(
                f"Database error: {reason} (is the schema up to date? run `flask db upgrade`)"
            ) from None

    return with_appcontext(wrapper)


def _byte_progress(bar: Any) -> Callable[[int], None]:
    """A callback that moves ``bar`` to an absolute byte position."""

    def move(position: int) -> None:
        bar.update(max(0, position - bar.pos))

    return move


def _finish(report: ImportReport, kinds: tuple[str, ...]) -> None:
    report.echo(kinds)
    if not report.ok:
        raise click.exceptions.Exit(1)


@click.command("import-wordpress")
@click.argument("export_files", metavar="EXPORT.xml...", nargs=-1, required=True)
@click.option(
    "--media-url",
    metavar="URL",
    default=None,
    help="Where the old site's wp-content/uploads/ files now live (e.g. /media/uploads/): "
    "featured images and links in bodies are pointed there. Without it they keep the old "
    "site's addresses. The Content-Security-Policy shows images from this site only.",
)
@click.option(
    "--media-dir",
    metavar="PATH",
    default=None,
    type=click.Path(exists=True, file_okay=False, readable=True),
    help="A copy of the old site's wp-content/uploads folder: every attachment and every "
    "uploads address in a body is added to the media library (checked by decoding, stripped, "
    "resized) and pointed there; featured images become heroes. Missing or refused files "
    "are listed by name.",
)
@click.option(
    "--permalinks",
    metavar="STRUCTURE",
    default=None,
    help="The old site's permalink structure in WordPress's tags, e.g. "
    "'/%year%/%monthnum%/%postname%/' (%year% %monthnum% %day% %hour% %minute% %second% "
    "%post_id% %postname% %category% %author%; it must name %postname% or %post_id%). "
    "Without it the structure is read from the posts' links in the export. Old links of "
    "this structure redirect to their stories.",
)
@clear_errors
def import_wordpress_command(
    export_files: tuple[str, ...],
    media_url: str | None,
    media_dir: str | None,
    permalinks: str | None,
) -> None:
    """Import a WordPress export (WXR 1.0 to 1.2, self-hosted or WordPress.com): posts, pages,
    categories, tags, authors, comments. Several files are one export (posts in one, their
    attachments in another).

    Posts keep their WordPress slugs and ids (old /?p=ID links redirect to them); drafts stay
    drafts and scheduled posts appear when their time comes; sticky posts become featured;
    password-protected and private posts are imported as drafts. A post in several categories
    keeps its primary one (Yoast's, else the first) and is listed in the others' archives too.
    Bodies are rendered as WordPress showed them (paragraphs, captions, galleries, embeds as
    link cards; unknown shortcodes removed with their text kept, counted) and sanitized.
    Running it again updates what it imported before and never duplicates. Pingbacks,
    trackbacks, revisions and menu items are skipped and listed.
    """
    from hublet.editorial.wordpress import KINDS, import_wordpress
    from hublet.editorial.wp_media import WordPressMedia
    from hublet.media_files import media_folder

    for export_file in export_files:
        if not os.path.isfile(export_file):
            raise EditorialError(f"No such file: {export_file}")
    size = sum(os.path.getsize(export_file) for export_file in export_files)
    media_url = _media_url(media_url)
    permalinks = _permalinks(permalinks)
    media_files = WordPressMedia(Path(media_dir), media_folder()) if media_dir else None
    try:
        with click.progressbar(length=size, label="Reading the export") as bar:
            report = import_wordpress(
                list(export_files),
                progress=_byte_progress(bar),
                media_url=media_url,
                media_files=media_files,
                permalinks=permalinks,
            )
    except EditorialError as error:
        partial = getattr(error, "report", None)
        if partial is not None and (partial.created or partial.updated or partial.skipped):
            click.echo("Stopped early; what was read before the problem is imported.")
            partial.echo(KINDS)
        raise
    _finish(report, KINDS)


def _media_url(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.startswith(("http://", "https://", "/")):
        raise EditorialError(
            f"--media-url must be an http(s) address or a path starting with '/': {value!r}"
        )
    return value if value.endswith("/") else value + "/"


def _permalinks(value: str | None) -> str | None:
    from hublet.site.permalinks import check_structure

    if value is None:
        return None
    try:
        return check_structure(value)
    except ValueError as error:
        raise EditorialError(str(error)) from None


@click.command("import-markdown")
@click.argument("folder", metavar="DIR")
@clear_errors
def import_markdown_command(folder: str) -> None:
    """Import one article per Markdown file (*.md) in DIR, creating or updating by slug.

    Front matter keys: title, category, author (required); slug (default: the file name),
    tags, published, updated, image, alt, caption, credit, excerpt, featured, hot,
    status (published or draft). A bad file is reported by name and line; the rest import.
    """
    from hublet.editorial.markdown_import import KINDS, import_markdown, markdown_files

    total = len(markdown_files(folder))
    with click.progressbar(length=total, label="Importing Markdown files") as bar:
        report = import_markdown(folder, progress=bar.update)
    _finish(report, KINDS)


@click.command("export")
@click.argument("path")
@clear_errors
def export_command(path: str) -> None:
    """Write all content (articles, pages, categories, tags, authors, comments with their
    statuses, view counts) to PATH as JSON Lines, for backups and moving databases."""
    from hublet.editorial.jsonl import export_jsonl, table_counts

    total = sum(table_counts().values())
    with click.progressbar(length=total, label="Exporting") as bar:
        counts = export_jsonl(path, progress=bar.update)
    click.echo(f"Exported {sum(counts.values())} rows to {path}:")
    for name, count in counts.items():
        click.echo(f"  {name}: {count}")


@click.command("import-jsonl")
@click.argument("path")
@clear_errors
def import_jsonl_command(path: str) -> None:
    """Restore a `flask export` file into this database, which must be empty (all or
    nothing: on any problem nothing is stored)."""
    from hublet.editorial.jsonl import import_jsonl

    if not os.path.isfile(path):
        raise EditorialError(f"No such file: {path}")
    with click.progressbar(length=os.path.getsize(path), label="Restoring") as bar:
        counts = import_jsonl(path, progress=bar.update)
    click.echo(f"Restored {sum(counts.values())} rows from {path}:")
    for name, count in counts.items():
        click.echo(f"  {name}: {count}")


@click.group("article")
def article_group() -> None:
    """Publish, feature and list articles without a web form."""


def _switch_command(action: str, help_text: str) -> click.Command:
    @click.argument("slugs", nargs=-1, required=True, metavar="SLUG...")
    @clear_errors
    def command(slugs: tuple[str, ...], at: datetime | None = None) -> None:
        from hublet.editorial.article_status import switch_articles

        results, unknown = switch_articles(action, list(slugs), at=at)
        for result in results:
            click.echo(f"{result.slug}: {result.message}")
        for slug in unknown:
            click.echo(f"Error: no article with the slug '{slug}'", err=True)
        changed = sum(result.changed for result in results)
        click.echo(
            f"{changed} changed, {len(results) - changed} unchanged, {len(unknown)} unknown."
        )
        if unknown:
            raise click.exceptions.Exit(1)

    command.__doc__ = help_text
    if action == "publish":
        command = click.option(
            "--at",
            type=click.DateTime(["%Y-%m-%d", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M"]),
            default=None,
            help="Publication time in UTC; a future time schedules the article.",
        )(command)
    return click.command(action)(command)


for _action, _help in (
    ("publish", "Publish articles now (or at --at; a past date keeps the order of the archive)."),
    ("unpublish", "Turn articles back into drafts (readers no longer see them)."),
    ("feature", "Show articles in Featured Posts."),
    ("unfeature", "Take articles out of Featured Posts."),
    ("hot", "Put articles in the What's Hot strip."),
    ("unhot", "Take articles out of the What's Hot strip."),
):
    article_group.add_command(_switch_command(_action, _help))


@article_group.command("list")
@click.option(
    "--status",
    type=click.Choice(["all", "published", "scheduled", "draft"]),
    default="all",
    show_default=True,
)
@click.option("--category", metavar="SLUG", help="Only this category.")
@click.option("--author", metavar="SLUG", help="Only this author.")
@click.option("--tag", metavar="SLUG", help="Only this tag.")
@click.option("--featured", is_flag=True, help="Only featured articles.")
@click.option("--hot", is_flag=True, help="Only What's Hot articles.")
@click.option("--search", metavar="TEXT", help="Title or slug contains TEXT.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@clear_errors
def list_command(**filters: Any) -> None:
    """List articles, newest first: status, date, flags (F featured, H hot), slug, title."""
    from hublet.editorial.article_status import describe_status, list_articles

    articles, total = list_articles(**filters)
    for article in articles:
        when = article.published_at or article.updated_at
        flags = ("F" if article.is_featured else "-") + ("H" if article.is_hot else "-")
        click.echo(
            f"{describe_status(article):9}  {when:%Y-%m-%d %H:%M}  {flags}  "
            f"{article.slug}  {article.title}"
        )
    click.echo(f"{len(articles)} of {total} article(s) shown.")


COMMANDS = (
    import_wordpress_command,
    import_markdown_command,
    export_command,
    import_jsonl_command,
    article_group,
)
