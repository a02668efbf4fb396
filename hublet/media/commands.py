"""``flask media add FILES...``: pictures into the library from the command line."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from hublet.extensions import db
from hublet.media.library import Added, add_picture, max_upload_bytes
from hublet.media.processing import Refused

media_group = AppGroup("media", help="The media library: pictures for stories.")


@media_group.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--alt", default="", help="Alt text: what the picture shows, for who cannot see it.")
@click.option("--caption", default="", help="The caption shown under the picture.")
@click.option("--credit", default="", help='Who made it, shown as "Credit: ...".')
def add_command(files: tuple[Path, ...], alt: str, caption: str, credit: str) -> None:
    """Check and store pictures; exits 1 if any file was refused."""
    refused = 0
    limit = max_upload_bytes()
    for path in files:
        try:
            size = path.stat().st_size
            if size > limit:  # refused before reading a huge file into memory
                raise Refused(f"larger than the {limit / (1024 * 1024):.1f} MB limit")
            added = add_picture(path.read_bytes(), alt=alt, caption=caption, credit=credit)
            db.session.flush()
            message = _describe(path, added)
            db.session.commit()
        except Refused as error:
            db.session.rollback()
            refused += 1
            click.echo(f"refused {path}: {error}", err=True)
            continue
        except OSError as error:
            db.session.rollback()
            refused += 1
            click.echo(f"refused {path}: cannot read it ({error.strerror or error})", err=True)
            continue
        click.echo(message)
    if refused:
        raise SystemExit(1)


def _describe(path: Path, added: Added) -> str:
    picture = added.picture
    widths = sorted({v.width for v in picture.variants})
    formats = sorted({v.format for v in picture.variants})
    what = "stored" if added.created else "already stored"
    return (
        f"{what} {path}: picture {picture.id}, {picture.width}x{picture.height} "
        f"{picture.format}, widths {', '.join(map(str, widths))} as {', '.join(formats)}"
    )


COMMANDS = (media_group,)
