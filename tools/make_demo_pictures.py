"""Write the demo publication's pictures to files: ``python tools/make_demo_pictures.py [OUT]``.

``flask seed`` draws and stores them itself (``hublet/demo/pictures.py``); this writes the
same JPEGs (1600 x 900, two per category) as ``demo-<category>-<n>.jpg`` into OUT (default
``instance/demo-pictures``), to look at them or to add them by hand with
``flask media add OUT/*.jpg --credit "Hublet Studio"``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hublet.demo.pictures import DEMO_PICTURES, draw_picture

__all__ = ["draw_picture", "main"]  # draw_picture(category, number) -> JPEG bytes, as before

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else ROOT / "instance" / "demo-pictures"
    out.mkdir(parents=True, exist_ok=True)
    for picture in DEMO_PICTURES:
        path = out / f"demo-{picture.category}-{picture.number}.jpg"
        path.write_bytes(picture.draw())
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
