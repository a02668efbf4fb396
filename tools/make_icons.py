"""Make the favicon set from the logo: ``python tools/make_icons.py`` (needs Pillow).

The logo (static/img/hublet-logo.png) is a red square mark on a dark band; the icons are that
mark with a white "H" drawn from rectangles (no font, so every run gives the same bytes), in the
mark's colour, read from the PNG. The outputs are committed; run this again only when the
logo changes. Writes static/img/icons/: favicon.ico (16, 32, 48), icon.svg, apple-touch-icon.png
(180, full-bleed: iOS rounds the corners) and the web app manifest's 192 and 512 PNGs.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
LOGO = ROOT / "static" / "img" / "hublet-logo.png"
OUT = ROOT / "static" / "img" / "icons"

GRID = 64  # the icon is drawn on a 64-unit square
#: The "H": two uprights and a bar, (left, top, right, bottom) in grid units. It stays inside the
#: central circle of radius 0.4 * GRID, so the 512 icon is also a valid maskable icon.
GLYPH = [(16, 14, 26, 50), (38, 14, 48, 50), (26, 28, 38, 36)]
WHITE = (255, 255, 255)


def logo_mark() -> tuple[int, int, int]:
    """The colour of the logo's mark, the square at its left edge."""
    logo = Image.open(LOGO).convert("RGB")
    return logo.getpixel((0, logo.height // 2))  # type: ignore[return-value]


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def png(size: int, mark: tuple[int, int, int]) -> Image.Image:
    """The icon at ``size`` pixels: drawn 8 times larger, then scaled down smoothly."""
    scale = size * 8 / GRID
    big = Image.new("RGB", (size * 8, size * 8), mark)
    draw = ImageDraw.Draw(big)
    for left, top, right, bottom in GLYPH:
        box = (
            round(left * scale),
            round(top * scale),
            round(right * scale) - 1,
            round(bottom * scale) - 1,
        )
        draw.rectangle(box, fill=WHITE)
    return big.resize((size, size), Image.Resampling.LANCZOS)


def svg(mark: tuple[int, int, int]) -> str:
    rects = "".join(
        f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}"/>'
        for left, top, right, bottom in GLYPH
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {GRID} {GRID}">'
        f'<rect width="{GRID}" height="{GRID}" fill="{hex_colour(mark)}"/>'
        f'<g fill="{hex_colour(WHITE)}">{rects}</g></svg>\n'
    )


def main() -> None:
    mark = logo_mark()
    OUT.mkdir(parents=True, exist_ok=True)
    small = [png(size, mark) for size in (16, 32, 48)]
    small[-1].save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)], append_images=small)
    (OUT / "icon.svg").write_text(svg(mark), encoding="utf-8")
    for name, size in [("apple-touch-icon.png", 180), ("icon-192.png", 192), ("icon-512.png", 512)]:
        png(size, mark).save(OUT / name, optimize=True)
    print(f"icons written to {OUT.relative_to(ROOT)} in {hex_colour(mark)}")


if __name__ == "__main__":
    main()
