"""``--media-dir``: uploads added to the media library (checked by decoding), served immutable."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hublet.editorial.wp_media import WordPressMedia
from hublet.extensions import db
from hublet.media_files import media_folder
from hublet.models import Picture, PictureVariant

OLD = "https://old.example/wp-content/uploads/"


def picture(path: Path, size: tuple[int, int], fmt: str, colour: str = "red") -> bytes:
    """A real picture file, made here, so the check has something true to decode."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


@pytest.fixture
def uploads(tmp_path: Path) -> Path:
    root = tmp_path / "uploads"
    picture(root / "2024/05/harbour.jpg", (600, 400), "JPEG")
    picture(root / "2024/05/harbour-300x200.jpg", (300, 200), "JPEG")
    picture(root / "2024/05/chart.png", (40, 30), "PNG", "blue")
    (root / "2024/05/copy-of-chart.png").write_bytes((root / "2024/05/chart.png").read_bytes())
    (root / "2024/05/notes.jpg").write_text("#!/bin/sh\necho this is no picture\n")
    (root / "2024/05/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    (tmp_path / "secret.jpg").write_bytes((root / "2024/05/harbour.jpg").read_bytes())
    return root


def _media(app, uploads: Path) -> WordPressMedia:  # type: ignore[no-untyped-def]
    return WordPressMedia(uploads, media_folder(app), upload_prefixes=[OLD])


def _stored_picture(address: str) -> Picture:
    key = address.removeprefix("/media/")
    return db.session.scalars(
        select(Picture)
        .join(PictureVariant)
        .where(PictureVariant.key == key)
        .options(selectinload(Picture.variants))
    ).one()


def test_body_pictures_go_into_the_library_by_content_and_are_rewritten(
    app, ctx, uploads: Path
) -> None:
    media = _media(app, uploads)
    body = (
        f'<img src="{OLD}2024/05/harbour.jpg" srcset="{OLD}2024/05/harbour-300x200.jpg 300w">'
        f'<img src="http://www.old.example/wp-content/uploads/2024/05/chart.png">'
        f'<img src="{OLD}2024/05/copy-of-chart.png">'
        '<img src="https://elsewhere.example/wp-content/uploads/2024/05/harbour.jpg">'
    )
    rewritten = media.rewrite(body)
    harbour = re.search(r'src="(/media/[0-9a-f]{64}\.jpg)"', rewritten).group(1)
    # WordPress's 300x200 copy is the same picture: the library makes its own widths.
    assert f'srcset="{harbour} 300w"' in rewritten
    chart = re.findall(r"/media/[0-9a-f]{64}\.png", rewritten)
    assert len(chart) == 2 and chart[0] == chart[1]  # the same bytes twice: one picture
    assert "https://elsewhere.example/wp-content/uploads/2024/05/harbour.jpg" in rewritten
    assert "old.example" not in rewritten
    assert db.session.scalar(select(func.count()).select_from(Picture)) == 2
    stored = _stored_picture(harbour)
    assert (stored.width, stored.height) == (600, 400)
    assert {(v.format, v.width) for v in stored.variants} == {
        ("webp", 400), ("jpg", 400), ("webp", 600), ("jpg", 600)
    }  # fmt: skip
    assert all((media_folder(app) / v.key).is_file() for v in stored.variants)
    # harbour-300x200 (its original) and copy-of-chart were stored already.
    assert media.report.copied == 2 and media.report.reused == 2
    assert media.report.missing == [] and media.report.refused == []


def test_missing_files_are_reported_by_name_and_keep_their_address(app, ctx, uploads: Path) -> None:
    media = _media(app, uploads)
    body = f'<img src="{OLD}2023/01/gone.jpg">'
    assert media.rewrite(body) == body
    assert media.report.missing == ["2023/01/gone.jpg"]


def test_a_missing_size_variant_is_served_by_its_original(app, ctx, uploads: Path) -> None:
    media = _media(app, uploads)
    original = media.local_url(f"{OLD}2024/05/harbour.jpg")
    assert media.local_url(f"{OLD}2024/05/harbour-1024x683.jpg") == original
    assert media.report.missing == []


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("2024/05/notes.jpg", "not a picture Hublet takes"),
        ("2024/05/logo.svg", "carries a script or markup (SVG, HTML or PHP)"),
    ],
)
def test_files_that_do_not_decode_as_pictures_are_refused(
    app, ctx, uploads: Path, name: str, reason: str
) -> None:
    media = _media(app, uploads)
    assert media.local_url(OLD + name) is None
    assert len(media.report.refused) == 1
    assert media.report.refused[0].startswith(f"{name}: {reason}")
    assert not media_folder(app).exists() or not any(media_folder(app).iterdir())
    assert db.session.scalar(select(func.count()).select_from(Picture)) == 0


def test_a_path_out_of_the_uploads_folder_is_refused(app, ctx, uploads: Path) -> None:
    media = _media(app, uploads)
    os.symlink(uploads.parent / "secret.jpg", uploads / "2024/05/link.jpg")
    assert media.local_url(f"{OLD}../secret.jpg") is None
    assert media.local_url(f"{OLD}2024/05/link.jpg") is None
    assert media.report.refused == [
        "../secret.jpg: outside the uploads folder",
        "2024/05/link.jpg: outside the uploads folder",
    ]


def test_stored_pictures_are_served_for_a_year_and_old_upload_links_move(
    app, client, uploads: Path
) -> None:
    with app.app_context():
        media = _media(app, uploads)
        address = media.local_url(f"{OLD}2024/05/chart.png")
        db.session.commit()
        media.save_index()
    response = client.get(address)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # The library's re-encoded pixels, not the upload's bytes: the same picture, nothing else.
    assert Image.open(io.BytesIO(response.data)).size == (40, 30)

    moved = client.get("/wp-content/uploads/2024/05/chart.png")
    assert moved.status_code == 301 and moved.headers["Location"] == address
    assert client.get("/wp-content/uploads/2024/05/never.png").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/media/../hublet.sqlite",
        "/media/..%2Fhublet.sqlite",
        "/media/secret_key",
        "/media/" + "0" * 64 + ".svg",
        "/media/" + "0" * 64 + ".jpg",  # well formed, not stored
        "/wp-content/uploads/../../hublet.sqlite",
    ],
)
def test_media_paths_cannot_reach_other_files(app, client, path: str) -> None:
    (media_folder(app)).mkdir(parents=True, exist_ok=True)
    assert client.get(path).status_code == 404
