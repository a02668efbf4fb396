"""The library in the app: stored once by content, served for a year, added from the CLI,
rendered as a responsive ``<img>``."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hublet.extensions import db
from hublet.media.library import add_picture
from hublet.media.processing import Refused
from hublet.media_files import media_folder
from hublet.models import Picture, PictureVariant
from tests.media import pictures


def _stored_files(app: Flask) -> list[str]:
    folder = media_folder(app)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_the_same_upload_twice_is_stored_once(app: Flask) -> None:
    data = pictures.photo()
    with app.app_context():
        first = add_picture(data, alt="A red and blue flag", credit="Hublet")
        db.session.commit()
        files = _stored_files(app)
        second = add_picture(data, alt="something else")
        db.session.commit()
        assert first.created and not second.created
        assert second.picture.id == first.picture.id
        assert db.session.scalar(select(func.count()).select_from(Picture)) == 1
        assert _stored_files(app) == files
        keys = db.session.scalars(select(PictureVariant.key)).all()
    assert sorted(keys) == files  # every file recorded, and named after its content
    assert len(files) == 6  # 400, 800, 1000 as WebP and JPEG
    for name in files:
        digest = hashlib.sha256((media_folder(app) / name).read_bytes()).hexdigest()
        assert name.startswith(digest)


def test_a_refused_upload_stores_nothing(app: Flask) -> None:
    with app.app_context():
        for hostile in (pictures.POLYGLOT, pictures.SVG_WITH_SCRIPT, pictures.png_bomb()):
            with pytest.raises(Refused):
                add_picture(hostile)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Picture)) == 0
    assert _stored_files(app) == []


def test_the_upload_limit_is_configurable(app: Flask) -> None:
    app.config["MEDIA_MAX_BYTES"] = 1000
    with app.app_context(), pytest.raises(Refused, match="larger than"):
        add_picture(pictures.photo())


def test_media_is_served_immutable_with_an_etag_and_304s(app: Flask, client) -> None:
    with app.app_context():
        added = add_picture(pictures.with_gps_exif())
        key = next(v.key for v in added.picture.variants if v.format == "webp")
        db.session.commit()
    response = client.get(f"/media/{key}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/webp"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = response.headers["ETag"]
    assert key.split(".")[0] in etag
    served = Image.open(io.BytesIO(response.data))
    assert not served.getexif()  # what readers download carries no position either

    again = client.get(f"/media/{key}", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_flask_media_add_reports_each_file_and_exits_1_on_a_refusal(
    app: Flask, runner, tmp_path: Path
) -> None:
    good = tmp_path / "harbour.jpg"
    good.write_bytes(pictures.photo(1700, 900))
    evil = tmp_path / "innocent.jpg"
    evil.write_bytes(pictures.POLYGLOT)
    svg = tmp_path / "logo.svg"
    svg.write_bytes(pictures.SVG_WITH_SCRIPT)

    result = runner.invoke(
        args=["media", "add", str(good), "--alt", "The harbour", "--credit", "AP"]
    )
    assert result.exit_code == 0, result.output
    assert f"stored {good}: picture 1, 1700x900 jpg, widths 400, 800, 1200, 1600, 1700" in (
        result.output
    )

    result = runner.invoke(args=["media", "add", str(good), str(evil), str(svg)])
    assert result.exit_code == 1
    assert f"already stored {good}: picture 1" in result.output
    assert f"refused {evil}: carries a script" in result.output
    assert f"refused {svg}: carries a script" in result.output

    result = runner.invoke(args=["media", "add", str(tmp_path / "missing.png")])
    assert result.exit_code != 0

    with app.app_context():
        picture = db.session.scalars(select(Picture)).one()
        assert (picture.alt, picture.credit) == ("The harbour", "AP")


def _render(app: Flask, call: str) -> str:
    with app.app_context():
        picture = db.session.scalars(select(Picture).options(selectinload(Picture.variants))).one()
        with app.test_request_context():
            return render_template_string(
                '{% from "media/_picture.html" import picture %}' + call, p=picture
            )


def test_the_picture_macro_renders_a_responsive_img(app: Flask) -> None:
    with app.app_context():
        add_picture(pictures.photo(1700, 900), alt="Boats & nets", caption="The harbour")
        db.session.commit()

    html = _render(app, '{{ picture(p, sizes="(min-width: 800px) 33vw, 100vw") }}')
    img = re.search(r"<img [^>]+>", html)
    assert img is not None
    tag = img.group(0)
    srcset = re.search(r'srcset="([^"]+)"', tag)
    assert srcset is not None
    widths = [int(w) for w in re.findall(r"\.webp (\d+)w", srcset.group(1))]
    assert widths == [400, 800, 1200, 1600, 1700]
    assert re.search(r'src="/media/[0-9a-f]{64}\.jpg"', tag)
    assert 'sizes="(min-width: 800px) 33vw, 100vw"' in tag
    assert 'width="1700"' in tag and 'height="900"' in tag
    assert 'loading="lazy"' in tag and 'decoding="async"' in tag
    assert "fetchpriority" not in tag
    assert 'alt="Boats &amp; nets"' in tag
    assert "<figure" in html and "<figcaption>The harbour</figcaption>" in html

    lead = _render(app, "{{ picture(p, above_fold=True, figure=False) }}")
    assert 'fetchpriority="high"' in lead and 'loading="lazy"' not in lead
    assert "<figure" not in lead


def test_the_credit_is_shown_in_the_caption(app: Flask) -> None:
    with app.app_context():
        add_picture(pictures.png(), alt="Green", credit="AP")
        db.session.commit()
    html = _render(app, "{{ picture(p) }}")
    assert '<span class="credit">Credit: AP</span>' in html
