"""The demo publication's pictures: raster pictures drawn here with Pillow, never copied photos.

The demo needs photographs' weight and shape (JPEG, 1600 x 900, detail at every width) to show
the media pipeline at work: ``flask seed`` stores each through the media library
(:func:`hublet.media.library.add_picture`: checked, stripped, kept at 400/800/1200/1600 as WebP
and JPEG) and makes them the demo stories' heroes and body figures. Each category has a palette
and a motif (circles for world news, bars for business, a circuit grid for technology, soft
blobs for health, stage lights for entertainment, a pitch for sport), arranged by the
picture's number: every run draws the same bytes, so a rerun finds the pictures it stored
(the library knows an upload by the hash of its bytes) instead of storing them again.

``tools/make_demo_pictures.py`` writes the same pictures to files.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 1600, 900
#: Pictures per category: a story's hero and its body figure can differ.
PER_CATEGORY = 2
#: Who the demo's pictures are credited to.
CREDIT = "Hublet Studio"

Colour = tuple[int, int, int]
#: Category slug -> (background top, background bottom, accent colours).
PALETTES: dict[str, tuple[Colour, Colour, list[Colour]]] = {
    "global-national-news": (
        (18, 38, 74),
        (52, 98, 160),
        [(240, 196, 64), (230, 90, 60), (245, 245, 240)],
    ),
    "business-finance": (
        (14, 52, 44),
        (40, 120, 96),
        [(250, 210, 90), (200, 240, 220), (30, 30, 30)],
    ),
    "technology-innovation": (
        (10, 12, 30),
        (50, 30, 110),
        [(0, 220, 255), (180, 80, 255), (120, 255, 160)],
    ),
    "health-wellness-lifestyle": (
        (250, 228, 214),
        (180, 220, 200),
        [(240, 120, 110), (90, 170, 140), (255, 250, 240)],
    ),
    "entertainment-celebrity": (
        (40, 6, 40),
        (120, 20, 70),
        [(255, 210, 80), (255, 90, 160), (255, 255, 255)],
    ),
    "sports-highlights": (
        (20, 90, 40),
        (60, 150, 70),
        [(255, 255, 255), (250, 200, 40), (220, 40, 40)],
    ),
}


def _gradient(top: Colour, bottom: Colour) -> Image.Image:
    column = Image.new("RGB", (1, HEIGHT))
    for y in range(HEIGHT):
        t = y / (HEIGHT - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    return column.resize((WIDTH, HEIGHT))


def _circles(draw: ImageDraw.ImageDraw, rng: random.Random, accents: list[Colour]) -> None:
    for _ in range(14):
        x, y, r = rng.randint(0, WIDTH), rng.randint(0, HEIGHT), rng.randint(40, 260)
        draw.ellipse(
            (x - r, y - r, x + r, y + r), outline=rng.choice(accents), width=rng.randint(4, 18)
        )


def _bars(draw: ImageDraw.ImageDraw, rng: random.Random, accents: list[Colour]) -> None:
    count = 16
    step = WIDTH // count
    level = HEIGHT * 0.6
    for i in range(count):
        level = max(120, min(HEIGHT - 80, level + rng.randint(-90, 70)))
        draw.rectangle((i * step + 12, level, (i + 1) * step - 12, HEIGHT), fill=accents[i % 2])
    points = [
        (i * step + step // 2, HEIGHT * 0.5 + 150 * math.sin(i / 2 + rng.random()))
        for i in range(count)
    ]
    draw.line(points, fill=accents[2], width=10, joint="curve")


def _circuit(draw: ImageDraw.ImageDraw, rng: random.Random, accents: list[Colour]) -> None:
    for _ in range(60):
        x, y = rng.randrange(0, WIDTH, 40), rng.randrange(0, HEIGHT, 40)
        colour = rng.choice(accents)
        for _ in range(rng.randint(2, 6)):
            dx, dy = rng.choice([(1, 0), (0, 1), (-1, 0), (0, -1)])
            length = rng.randrange(40, 240, 40)
            draw.line((x, y, x + dx * length, y + dy * length), fill=colour, width=5)
            x, y = x + dx * length, y + dy * length
        draw.ellipse((x - 10, y - 10, x + 10, y + 10), fill=colour)


def _blobs(draw: ImageDraw.ImageDraw, rng: random.Random, accents: list[Colour]) -> None:
    for _ in range(9):
        x, y, r = rng.randint(0, WIDTH), rng.randint(0, HEIGHT), rng.randint(120, 340)
        draw.ellipse((x - r, y - r * 0.8, x + r, y + r * 0.8), fill=rng.choice(accents))


def _lights(draw: ImageDraw.ImageDraw, rng: random.Random, accents: list[Colour]) -> None:
    for _ in range(7):
        x = rng.randint(0, WIDTH)
        spread = rng.randint(120, 320)
        draw.polygon([(x, 0), (x - spread, HEIGHT), (x + spread, HEIGHT)], fill=rng.choice(accents))
    for _ in range(40):
        x, y, r = rng.randint(0, WIDTH), rng.randint(0, HEIGHT // 3), rng.randint(3, 9)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255))


def _pitch(draw: ImageDraw.ImageDraw, rng: random.Random, accents: list[Colour]) -> None:
    for i in range(0, WIDTH, 200):
        draw.rectangle((i, 0, i + 100, HEIGHT), fill=(40, 120, 55))
    white = accents[0]
    draw.rectangle((60, 60, WIDTH - 60, HEIGHT - 60), outline=white, width=8)
    draw.line((WIDTH // 2, 60, WIDTH // 2, HEIGHT - 60), fill=white, width=8)
    draw.ellipse(
        (WIDTH // 2 - 140, HEIGHT // 2 - 140, WIDTH // 2 + 140, HEIGHT // 2 + 140),
        outline=white,
        width=8,
    )
    x, y = rng.randint(300, WIDTH - 300), rng.randint(200, HEIGHT - 200)
    draw.ellipse((x - 34, y - 34, x + 34, y + 34), fill=accents[1], outline=(20, 20, 20), width=4)


MOTIFS: dict[str, Callable[[ImageDraw.ImageDraw, random.Random, list[Colour]], None]] = {
    "global-national-news": _circles,
    "business-finance": _bars,
    "technology-innovation": _circuit,
    "health-wellness-lifestyle": _blobs,
    "entertainment-celebrity": _lights,
    "sports-highlights": _pitch,
}


@lru_cache(maxsize=PER_CATEGORY * 6)
def draw_picture(category: str, number: int) -> bytes:
    """One demo picture as JPEG bytes: the category's palette and motif, arranged by ``number``.

    Kept per process: a test session seeds many times, and the bytes never change.
    """
    top, bottom, accents = PALETTES[category]
    image = _gradient(top, bottom)
    MOTIFS[category](ImageDraw.Draw(image), random.Random(f"{category}-{number}"), accents)
    # A touch of grain, as a photo has: the encoder has detail to keep at every width.
    noise = random.Random(number).randbytes(WIDTH * HEIGHT)
    grain = Image.frombytes("L", image.size, noise).convert("RGB")
    image = Image.blend(image, grain, 0.04).filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, optimize=True, progressive=True)
    return out.getvalue()


#: Category slug -> what its motif shows, for alt text (what a reader who cannot see it misses).
DESCRIPTIONS = {
    "global-national-news": "Gold, coral and white rings of many sizes over a deep blue sky",
    "business-finance": "Gold and mint bars rising and falling like a chart, crossed by a dark "
    "line, on green",
    "technology-innovation": "Cyan, violet and green circuit traces ending in round pads, on a "
    "dark indigo background",
    "health-wellness-lifestyle": "Soft coral, green and cream shapes on a pale peach-to-mint "
    "background",
    "entertainment-celebrity": "Beams of gold, pink and white stage light under small white "
    "lights, on dark plum",
    "sports-highlights": "A striped green pitch from above, its white lines and centre circle, "
    "and a yellow ball",
}


@dataclass(frozen=True)
class DemoPicture:
    """One picture of the demo: what it is drawn from and what the library records about it."""

    category: str
    number: int

    @property
    def alt(self) -> str:
        return f"{DESCRIPTIONS[self.category]}."

    @property
    def caption(self) -> str:
        return "An illustration drawn for Global Hublet's demo stories."

    def draw(self) -> bytes:
        return draw_picture(self.category, self.number)


#: Every demo picture, two per category, in a fixed order (stories name them by position).
DEMO_PICTURES = [
    DemoPicture(category, number) for category in PALETTES for number in range(1, PER_CATEGORY + 1)
]


def pictures_of(category: str) -> list[int]:
    """The positions in :data:`DEMO_PICTURES` of a category's pictures."""
    return [i for i, picture in enumerate(DEMO_PICTURES) if picture.category == category]
