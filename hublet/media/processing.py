"""An upload becomes pictures readers may see: checked by decoding, upright, stripped, resized.

Nothing about an upload is trusted but its pixels. Its name and declared type are ignored: the
bytes are decoded with Pillow, limited to the formats a newsroom sends (:data:`FORMATS`), and
refused (:class:`Refused`, whose message says why, with nothing stored) when they are too
large, not a picture, truncated, a decompression bomb, an animation of too many frames, or
carry a script (an SVG, an HTML or PHP polyglot). What is kept is always re-encoded pixels,
never the upload's bytes: orientation applied first (a phone's portrait photo stands
upright), then every EXIF field (camera, GPS location) and text chunk dropped.

Each picture is kept in a few widths (:data:`WIDTHS` below its own, and its own; never
upscaled), as WebP and in its own format, each named after the SHA-256 of its stored bytes.
Animated GIF and WebP keep their first frame: a still, like every other picture.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageOps

#: Pillow's own decompression-bomb limit, set deliberately: a 50-megapixel picture (a big
#: camera's full frame) decodes; more is refused before a single pixel is unpacked.
MAX_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
#: More frames than this is not a picture but a film (or an attack on the decoder).
MAX_FRAMES = 500
#: The default upload limit; the app's ``MEDIA_MAX_BYTES`` wins.
MAX_BYTES = 15 * 1024 * 1024
#: The widths kept of each picture (those below its own), plus its own width.
WIDTHS = (400, 800, 1200, 1600)
#: Pillow format -> the extension its files are stored under; SVG and the rest are refused.
FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp", "AVIF": "avif"}
_SAVE_FORMATS = {extension: name for name, extension in FORMATS.items()}
#: What a browser could run if the file were ever served as a document.
_SCRIPT_MARKERS = re.compile(rb"<\?php|<script|<html|<svg|<!doctype\s+html", re.IGNORECASE)


class Refused(ValueError):
    """An upload that is not kept; ``str()`` is the message for the person who sent it."""


@dataclass(frozen=True)
class Rendition:
    """One file to store: the picture at one width in one format."""

    width: int
    height: int
    format: str  # the extension: "webp", "jpg", ...
    data: bytes = field(repr=False)

    @property
    def key(self) -> str:
        """Its content address: the same bytes, the same name."""
        return f"{hashlib.sha256(self.data).hexdigest()}.{self.format}"


@dataclass(frozen=True)
class Processed:
    """A checked upload: its hash, its upright size and format, and the files to store."""

    source_sha256: str
    width: int
    height: int
    format: str
    renditions: list[Rendition]


def process(data: bytes, *, max_bytes: int = MAX_BYTES) -> Processed:
    """Check ``data`` and make its renditions, or raise :class:`Refused` saying why."""
    if len(data) > max_bytes:
        raise Refused(f"larger than the {_megabytes(max_bytes)} limit ({_megabytes(len(data))})")
    if not data:
        raise Refused("empty file, not a picture")
    if _SCRIPT_MARKERS.search(data):
        raise Refused("carries a script or markup (SVG, HTML or PHP), not only a picture")
    image = _decode(data)
    extension = FORMATS[image.format or ""]
    upright = _upright_pixels(image)
    renditions = [
        rendition
        for width in _widths(upright.width)
        for rendition in _encode(upright, width, extension)
    ]
    return Processed(
        source_sha256=hashlib.sha256(data).hexdigest(),
        width=upright.width,
        height=upright.height,
        format=extension,
        renditions=renditions,
    )


def _decode(data: bytes) -> Image.Image:
    """Open and fully decode the first frame, refusing what Pillow cannot or must not read."""
    Image.init()  # Pillow registers its decoders lazily: before that, OPEN is empty
    allowed = [name for name in FORMATS if name in Image.OPEN]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=allowed)
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise Refused(
                    f"too many pixels ({width} x {height}; at most {MAX_PIXELS:,}): "
                    "a decompression bomb or a picture far larger than a page needs"
                )
            frames = getattr(image, "n_frames", 1)
            if frames > MAX_FRAMES:
                raise Refused(f"an animation of {frames} frames (at most {MAX_FRAMES})")
            image.load()
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused(
            f"too many pixels (at most {MAX_PIXELS:,}): a decompression bomb or a picture far "
            "larger than a page needs"
        ) from None
    except Image.UnidentifiedImageError:
        raise Refused(
            "not a picture Hublet takes (JPEG, PNG, WebP, GIF or AVIF; SVG is refused)"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as error:
        raise Refused(f"a damaged or truncated picture: {error}") from None
    if image.format not in FORMATS:
        raise Refused(f"{image.format} pictures are not taken")
    return image


def _upright_pixels(image: Image.Image) -> Image.Image:
    """The picture turned as its EXIF orientation says, in a mode every output can take,
    carrying no metadata but its colour profile."""
    upright = ImageOps.exif_transpose(image) or image
    # A CMYK profile describes none of the RGB pixels made below: it goes with the mode.
    profile = image.info.get("icc_profile") if image.mode != "CMYK" else None
    if upright.mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = upright.mode in ("P", "PA", "RGBa", "La") and (
            upright.has_transparency_data or upright.mode.endswith(("A", "a"))
        )
        upright = upright.convert("RGBA" if has_alpha else "RGB")
    else:
        upright = upright.copy()
    upright.info = {"icc_profile": profile} if isinstance(profile, bytes) else {}
    return upright


def _widths(width: int) -> list[int]:
    """Every kept width: the standard ones below the picture's own, and its own."""
    return sorted({w for w in WIDTHS if w < width} | {width})


def _encode(image: Image.Image, width: int, extension: str) -> list[Rendition]:
    """The picture at ``width`` as WebP and in its own format (once when that is WebP)."""
    height = max(1, round(image.height * width / image.width))
    sized = image
    if width != image.width:
        sized = image.resize((width, height), Image.Resampling.LANCZOS)
        sized.info = dict(image.info)
    formats = ["webp"] if extension == "webp" else ["webp", extension]
    return [Rendition(width, height, fmt, _save(sized, fmt)) for fmt in formats]


def _save(image: Image.Image, extension: str) -> bytes:
    """Re-encoded pixels; no ``exif`` is passed, so none is written."""
    out = io.BytesIO()
    options: dict[str, object] = {}
    profile = image.info.get("icc_profile")
    if profile and extension in ("jpg", "png", "webp", "avif"):
        options["icc_profile"] = profile
    if extension == "jpg":
        if image.mode != "RGB" and image.mode != "L":
            image = _flatten(image)
        options.update(quality=82, optimize=True, progressive=True)
    elif extension == "webp":
        options.update(quality=80, method=4)
    elif extension == "avif":
        options.update(quality=60)
    elif extension == "png":
        options.update(optimize=False)
    image.save(out, format=_SAVE_FORMATS[extension], **options)
    return out.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    """Transparent pixels on white, for JPEG, which has no transparency."""
    rgba = image.convert("RGBA")
    background = Image.new("RGB", rgba.size, (255, 255, 255))
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
