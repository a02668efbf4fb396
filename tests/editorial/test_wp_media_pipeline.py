"""`import-wordpress --media-dir` on real exports: every picture goes through the media library.

The uploads copies are made here: a phone photo with GPS and camera EXIF lying on its side
(orientation 6), and hostile files where the export expects a picture. What is checked is what
a reader and an editor see: the story's hero is a library picture in every width, upright and
without metadata, the body shows the stored file, the old uploads address moves there, a hostile
file is refused by name while the rest of the export is imported, and a second run stores
nothing new.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hublet.extensions import db
from hublet.media_files import UPLOADS_INDEX, media_folder, read_uploads_index
from hublet.models import Article, Picture, PictureVariant

DATA = Path(__file__).parent.parent / "data" / "wordpress"
GPS_IFD, ORIENTATION, MAKE, MODEL = 0x8825, 0x0112, 0x010F, 0x0110


def phone_photo(path: Path, size: tuple[int, int] = (1800, 1200), orientation: int = 6) -> None:
    """A JPEG as a phone writes it: pixels stored sideways, the turn in EXIF, and where and
    with what it was taken."""
    image = Image.new("RGB", size, (40, 90, 160))
    # A bright band along the stored top edge: after the quarter turn it is the right edge.
    image.paste((250, 200, 40), (0, 0, size[0], size[1] // 6))
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "Phonemaker"
    exif[MODEL] = "Pocket 12"
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", exif=exif, quality=90)


def php_polyglot() -> bytes:
    """A real JPEG with PHP after its end: it decodes, and a careless server would run it."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(out, "JPEG")
    return out.getvalue() + b"<?php system($_GET['c']); ?>"


def truncated_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), "red").save(out, "JPEG", quality=95)
    return out.getvalue()[:1500]


def png_bomb() -> bytes:
    """A few hundred bytes that claim 50,000 x 50,000 pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 50_000, 50_000, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 50_001 * 4)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def import_riverside(runner, uploads: Path):  # type: ignore[no-untyped-def]
    return runner.invoke(
        args=["import-wordpress", str(DATA / "selfhosted-wp6.xml"), "--media-dir", str(uploads)]
    )


def article(wp_id: int) -> Article:
    return db.session.scalars(select(Article).where(Article.wp_post_id == wp_id)).one()


def picture_of(address: str) -> Picture:
    """The library picture one of whose stored files is at ``address``."""
    key = address.removeprefix("/media/")
    return db.session.scalars(
        select(Picture)
        .join(PictureVariant)
        .where(PictureVariant.key == key)
        .options(selectinload(Picture.variants))
    ).one()


def picture_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Picture)) or 0


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    root = tmp_path / "wp-content" / "uploads"
    phone_photo(root / "2024/02/bridge.jpg")  # bridge-1024x683.jpg, in the body, is not there
    return root


def test_featured_and_body_pictures_become_library_pictures(runner, ctx, client, uploads):
    result = import_riverside(runner, uploads)
    assert result.exit_code == 0, result.output
    assert "media files: 1 copied into the media library" in result.output

    bridge = article(10)
    assert bridge.hero_picture_id is not None
    picture = picture_of(bridge.hero_image)
    assert picture.id == bridge.hero_picture_id
    # The attachment's words from the export: alt text and caption.
    assert picture.alt == "The bridge at dawn" and picture.caption == "The bridge at dawn."
    assert bridge.hero_alt == "The bridge at dawn"
    # Upright: the phone's 1800 x 1200 stored sideways is a 1200 x 1800 portrait.
    assert (picture.width, picture.height) == (1200, 1800)
    assert (bridge.hero_width, bridge.hero_height) == (1200, 1800)
    assert {(v.format, v.width) for v in picture.variants} == {
        (f, w) for f in ("webp", "jpg") for w in (400, 800, 1200)
    }  # never upscaled
    for variant in picture.variants:
        with Image.open(media_folder() / variant.key) as stored:
            assert stored.size == (variant.width, variant.height)
            assert not stored.getexif(), variant.key  # no GPS, no camera, no orientation
            right_edge = stored.convert("RGB").getpixel((stored.width - 3, stored.height // 2))
            assert right_edge[0] > 200 and right_edge[2] < 100  # the band turned with it
    # The body's WordPress size (missing from the copy) shows the library picture's file.
    body_images = re.findall(r'<img src="(/media/[0-9a-f]{64}\.(?:jpg|webp))"', bridge.body_html)
    assert body_images and all(picture_of(src).id == picture.id for src in body_images)
    assert "riverside.example/wp-content" not in bridge.body_html
    slug = bridge.slug
    hero_image = bridge.hero_image
    db.session.rollback()

    # Readers get the hero responsive, and old upload links move to the stored file.
    html = client.get(f"/article/{slug}").get_data(as_text=True)
    hero = re.search(r"<img\b[^>]*\bfetchpriority=\"high\"[^>]*>", html).group(0)
    assert re.search(r'srcset="/media/[0-9a-f]{64}\.webp 400w, ', hero)
    assert 'alt="The bridge at dawn"' in hero
    for old in ("2024/02/bridge.jpg", "2024/02/bridge-1024x683.jpg"):
        moved = client.get(f"/wp-content/uploads/{old}")
        assert moved.status_code == 301 and moved.headers["Location"] == hero_image
    served = client.get(hero_image)
    assert served.status_code == 200 and served.mimetype == "image/jpeg"


@pytest.mark.parametrize(
    ("hostile", "reason"),
    [
        (php_polyglot(), "carries a script or markup (SVG, HTML or PHP)"),
        (SVG_WITH_SCRIPT, "carries a script or markup (SVG, HTML or PHP)"),
        (truncated_jpeg(), "a damaged or truncated picture"),
        (png_bomb(), "too many pixels"),
    ],
    ids=["php-polyglot", "svg-script", "truncated-jpeg", "png-bomb"],
)
def test_a_hostile_file_is_refused_by_name_and_the_import_goes_on(
    runner, ctx, uploads, hostile: bytes, reason: str
):
    (uploads / "2024/02/market.jpg").write_bytes(hostile)
    files_before = set(media_folder().iterdir()) if media_folder().exists() else set()
    result = import_riverside(runner, uploads)
    assert result.exit_code == 0, result.output
    assert f"file 2024/02/market.jpg: refused: {reason}" in result.output
    # The bridge is stored once, though met under two names (the body's size and the file).
    summary = "media files: 1 copied into the media library, 1 already there, 0 missing, 1 refused"
    assert summary in result.output
    # Only the bridge is stored; every post is imported, the market's picture keeps its old
    # address (the site's CSP will not show it) and no file of it reached the media folder.
    assert picture_count() == 1
    assert article(10).hero_picture_id is not None
    market = article(11)
    assert market.hero_picture_id is None
    assert "http://riverside.example/wp-content/uploads/2024/02/market.jpg" in market.body_html
    stored = {p.name for p in set(media_folder().iterdir()) - files_before}
    bridge = {v.key for v in picture_of(article(10).hero_image).variants}
    assert stored == bridge | {UPLOADS_INDEX}
    assert "2024/02/market.jpg" not in read_uploads_index(media_folder())
    db.session.rollback()


def test_a_second_import_stores_nothing_new(runner, ctx, uploads):
    first = import_riverside(runner, uploads)
    assert first.exit_code == 0, first.output
    hero, pictures = article(10).hero_image, picture_count()
    files = sorted(p.name for p in media_folder().iterdir())
    db.session.rollback()

    again = import_riverside(runner, uploads)
    assert again.exit_code == 0, again.output
    assert "media files: 0 copied into the media library" in again.output
    assert article(10).hero_image == hero and picture_count() == pictures == 1
    assert sorted(p.name for p in media_folder().iterdir()) == files
    db.session.rollback()


def test_a_featured_picture_from_the_attachments_file_is_the_library_hero(runner, ctx, tmp_path):
    uploads = tmp_path / "uploads"
    phone_photo(uploads / "2024/03/lambs.jpg", size=(1600, 1000), orientation=1)
    result = runner.invoke(
        args=[
            "import-wordpress",
            str(DATA / "split-posts.xml"),
            str(DATA / "split-attachments.xml"),
            "--media-dir",
            str(uploads),
        ]
    )
    assert result.exit_code == 0, result.output
    lambing = article(601)
    picture = picture_of(lambing.hero_image)
    assert lambing.hero_picture_id == picture.id
    assert picture.alt == "Two lambs in straw" and picture.caption == "Twin lambs at Upper Farm."
    assert (lambing.hero_width, lambing.hero_height) == (1600, 1000)
    assert "no alt text" not in result.output
    db.session.rollback()


def test_pictures_without_alt_text_are_named_in_the_report(runner, ctx, tmp_path):
    uploads = tmp_path / "uploads"
    phone_photo(uploads / "2024/02/bridge.jpg", orientation=1)
    phone_photo(uploads / "2024/02/market.jpg", size=(900, 600), orientation=1)
    result = import_riverside(runner, uploads)
    assert result.exit_code == 0, result.output
    # The market attachment has no alt text in the export; the bridge has.
    assert "1 picture(s) have no alt text in the export" in result.output
    market = picture_of(article(11).hero_image)
    assert market.alt == "" and article(11).hero_picture_id == market.id
    db.session.rollback()


def test_the_first_picture_a_fresh_process_reads_is_taken(tmp_path):
    """An import is often the first thing a process does: its first picture is not refused
    because the image library had not yet registered its decoders."""
    phone_photo(tmp_path / "first.jpg", orientation=1)
    script = (
        "import sys; from pathlib import Path; from hublet.media.processing import process; "
        "print(process(Path(sys.argv[1]).read_bytes()).width)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "first.jpg")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1800"
