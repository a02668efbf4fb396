"""The pipeline alone: what it refuses, and what it keeps of what it takes."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from hublet.media.processing import MAX_PIXELS, Refused, process
from tests.media import pictures


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def _rgb(image: Image.Image, x: int, y: int) -> tuple[int, int, int]:
    pixel = image.getpixel((x, y))
    assert isinstance(pixel, tuple)
    return pixel[0], pixel[1], pixel[2]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (pictures.POLYGLOT, "script"),
        (pictures.SVG_WITH_SCRIPT, "script"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><rect/></svg>", "SVG"),
        (b"GIF89a but not really a picture at all", "not a picture"),
        (b"%PDF-1.7\n" + b"x" * 200, "not a picture"),
        (pictures.photo()[:2000], "truncated"),
        (pictures.png_bomb(), "decompression bomb"),
        (pictures.many_frame_gif(10_000), "10000 frames"),
        (b"", "empty"),
    ],
    ids=[
        "php-html-polyglot",
        "svg-script",
        "svg",
        "junk",
        "pdf",
        "truncated-jpeg",
        "png-bomb",
        "gif-10000-frames",
        "empty",
    ],
)
def test_hostile_files_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(Refused) as refused:
        process(data)
    assert reason.lower() in str(refused.value).lower()
    assert time.monotonic() - started < 5  # refused without decoding billions of pixels


def test_a_picture_just_over_the_pixel_limit_is_refused_before_decoding() -> None:
    side = int(MAX_PIXELS**0.5) + 10
    with pytest.raises(Refused, match="too many pixels"):
        process(pictures.png_bomb(side, side))


def test_over_the_size_limit_is_refused() -> None:
    data = pictures.photo()
    with pytest.raises(Refused, match="larger than"):
        process(data, max_bytes=len(data) - 1)


def test_gps_and_camera_exif_are_stripped_from_every_stored_file() -> None:
    source = pictures.with_gps_exif()
    assert _open(source).getexif().get_ifd(0x8825)  # the upload does carry a position
    processed = process(source)
    assert processed.renditions
    for rendition in processed.renditions:
        stored = _open(rendition.data)
        assert not stored.getexif(), rendition
        assert "exif" not in stored.info
        assert b"PhoneMaker" not in rendition.data and b"Exif" not in rendition.data


def test_a_phone_photo_with_orientation_6_comes_out_upright() -> None:
    # Stored 800 x 400 with the blue square top left; orientation 6 means "turn 90 degrees
    # clockwise to view", so upright it is 400 x 800 with the blue square top right.
    processed = process(pictures.with_gps_exif(orientation=6))
    assert (processed.width, processed.height) == (400, 800)
    largest = max((r for r in processed.renditions if r.format == "jpg"), key=lambda r: r.width)
    upright = _open(largest.data).convert("RGB")
    assert upright.size == (400, 800)
    red, _, blue = _rgb(upright, 400 - 20, 20)
    assert blue > 150 and red < 100  # the square: top right
    red, _, blue = _rgb(upright, 20, 20)
    assert red > 150 and blue < 100  # the rest stays red
    assert not upright.getexif()


def test_widths_are_never_upscaled_and_the_original_width_is_kept() -> None:
    processed = process(pictures.photo(1000, 600))
    by_format: dict[str, list[int]] = {}
    for rendition in processed.renditions:
        by_format.setdefault(rendition.format, []).append(rendition.width)
        assert _open(rendition.data).size == (rendition.width, rendition.height)
    assert by_format == {"webp": [400, 800, 1000], "jpg": [400, 800, 1000]}

    small = process(pictures.png(300, 200))
    assert sorted((r.format, r.width) for r in small.renditions) == [("png", 300), ("webp", 300)]


@pytest.mark.parametrize(
    ("fmt", "extension"),
    [("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif"), ("AVIF", "avif")],
)
def test_each_accepted_format_is_kept_in_its_own_format_and_as_webp(
    fmt: str, extension: str
) -> None:
    if fmt not in Image.SAVE:
        pytest.skip(f"this Pillow cannot write {fmt}")
    data = pictures.encoded(Image.new("RGB", (500, 300), (10, 200, 90)), fmt)
    processed = process(data)
    assert processed.format == extension
    assert {r.format for r in processed.renditions} == {"webp", extension}
    for rendition in processed.renditions:
        assert rendition.key.endswith("." + rendition.format)
        assert _open(rendition.data).format == Image.registered_extensions()[f".{rendition.format}"]


def test_a_polyglot_is_not_stored_even_when_it_decodes() -> None:
    assert _open(pictures.POLYGLOT).format == "JPEG"  # a picture to Pillow ...
    with pytest.raises(Refused):
        process(pictures.POLYGLOT)  # ... but not to Hublet


def test_a_short_animation_keeps_a_still_first_frame() -> None:
    processed = process(pictures.many_frame_gif(20))
    assert processed.format == "gif"
    for rendition in processed.renditions:
        assert getattr(_open(rendition.data), "n_frames", 1) == 1


def test_the_drawn_demo_pictures_go_through_the_pipeline() -> None:
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "tools" / "make_demo_pictures.py"
    spec = importlib.util.spec_from_file_location("make_demo_pictures", path)
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    first = tool.draw_picture("sports-highlights", 1)
    assert first == tool.draw_picture("sports-highlights", 1)  # the same every run
    assert first != tool.draw_picture("business-finance", 1)
    processed = process(first)
    assert (processed.width, processed.height, processed.format) == (1600, 900, "jpg")
    webp = {r.width: len(r.data) for r in processed.renditions if r.format == "webp"}
    assert sorted(webp) == [400, 800, 1200, 1600]
    assert webp[400] < webp[1600] / 3  # a phone fetches a fraction of the bytes
