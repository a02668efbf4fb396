"""Pictures made in memory for the media tests: honest ones and hostile ones."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **options)
    return out.getvalue()


def photo(
    width: int = 1000, height: int = 600, colour: tuple[int, int, int] = (200, 40, 40)
) -> bytes:
    """A JPEG with a red left half and a blue right half, so orientation can be checked."""
    image = Image.new("RGB", (width, height), colour)
    image.paste((30, 60, 220), (width // 2, 0, width, height))
    return encoded(image, "JPEG", quality=90)


def png(width: int = 640, height: int = 480) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 128, 0, 255))
    image.paste((255, 255, 0, 128), (0, 0, width // 3, height // 3))
    return encoded(image, "PNG")


def with_gps_exif(orientation: int | None = None) -> bytes:
    """A phone's JPEG: camera make and model, a GPS position, and maybe an orientation."""
    image = Image.new("RGB", (800, 400), (200, 40, 40))
    image.paste((30, 60, 220), (0, 0, 100, 100))  # a blue square at the top left
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    if orientation is not None:
        exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (52.0, 22.0, 12.5)
    gps[3] = "E"
    gps[4] = (4.0, 53.0, 30.0)
    return encoded(image, "JPEG", exif=exif, quality=95)


def png_bomb(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = (b"\x00" + b"\x00" * width) * 4  # the first rows; the rest never arrive
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def many_frame_gif(frames: int = 10_000) -> bytes:
    """A small GIF of ``frames`` one-pixel frames, written by hand (cheap at any count)."""
    out = bytearray(
        b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    )
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop forever
    frame = (
        b"\x21\xf9\x04\x00\x01\x00\x00\x00"  # graphic control: 10 ms
        + b"\x2c"
        + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
        + b"\x02\x02\x44\x01\x00"  # LZW min code 2, one pixel of colour 0
    )
    out += frame * frames
    out += b"\x3b"
    return bytes(out)


POLYGLOT = photo(64, 64) + b"<?php system($_GET['c']); ?><script>alert(1)</script>"

SVG_WITH_SCRIPT = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">
  <script>alert(document.cookie)</script>
  <rect width="100" height="100" fill="red"/>
</svg>"""


def noisy_photo(width: int = 1200, height: int = 800) -> bytes:
    """A JPEG as heavy as a real photo (noise keeps every pixel's detail)."""
    image = Image.merge("RGB", [Image.effect_noise((width, height), 60 + 10 * i) for i in range(3)])
    return encoded(image, "JPEG", quality=90)
