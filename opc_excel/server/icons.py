"""The ribbon's icons, drawn in code (Pillow comes with python-pptx), shipped as PNG files.

Run ``python -m opc_excel.server.icons`` to draw them again into the project's static folder.
Each icon is a rounded square in the project's blue with a white sign, readable at 16 px.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

ICON_DIR = Path(__file__).resolve().parent / "project" / "static" / "images" / "icons"
SIZES = (16, 32, 64, 80)
BLUE, ORANGE, WHITE = (31, 56, 100, 255), (197, 90, 17, 255), (255, 255, 255, 255)
SCALE = 8  # drawn large, then reduced: smooth edges at every size


def _check(draw: ImageDraw.ImageDraw, s: float) -> None:
    draw.line([(0.24 * s, 0.52 * s), (0.43 * s, 0.71 * s), (0.77 * s, 0.31 * s)], fill=WHITE,
              width=round(0.12 * s), joint="curve")


def _alert(draw: ImageDraw.ImageDraw, s: float) -> None:
    draw.polygon([(0.5 * s, 0.18 * s), (0.84 * s, 0.80 * s), (0.16 * s, 0.80 * s)], fill=WHITE)
    draw.rectangle([0.455 * s, 0.38 * s, 0.545 * s, 0.60 * s], fill=ORANGE)
    draw.rectangle([0.455 * s, 0.66 * s, 0.545 * s, 0.74 * s], fill=ORANGE)


def _deck(draw: ImageDraw.ImageDraw, s: float) -> None:
    draw.rectangle([0.18 * s, 0.22 * s, 0.82 * s, 0.64 * s], fill=WHITE)
    draw.line([(0.5 * s, 0.64 * s), (0.5 * s, 0.80 * s)], fill=WHITE, width=round(0.07 * s))
    draw.line([(0.34 * s, 0.82 * s), (0.66 * s, 0.82 * s)], fill=WHITE, width=round(0.07 * s))
    for i, height in enumerate((0.14, 0.22, 0.30)):
        left = (0.30 + 0.14 * i) * s
        draw.rectangle([left, (0.58 - height) * s, left + 0.10 * s, 0.58 * s], fill=BLUE)


def _pane(draw: ImageDraw.ImageDraw, s: float) -> None:
    draw.rectangle([0.18 * s, 0.20 * s, 0.82 * s, 0.80 * s], outline=WHITE, width=round(0.07 * s))
    draw.rectangle([0.56 * s, 0.20 * s, 0.82 * s, 0.80 * s], fill=WHITE)


def _project(draw: ImageDraw.ImageDraw, s: float) -> None:
    # three buildings of a district
    for left, top, right in ((0.16, 0.42, 0.36), (0.40, 0.22, 0.60), (0.64, 0.34, 0.84)):
        draw.rectangle([left * s, top * s, right * s, 0.80 * s], fill=WHITE)


ICONS: dict[str, tuple[tuple[int, int, int, int], Callable[[ImageDraw.ImageDraw, float], None]]] = {
    "opc": (BLUE, _project),
    "controler": (BLUE, _check),
    "actualiser": (ORANGE, _alert),
    "diaporama": (BLUE, _deck),
    "volet": (BLUE, _pane),
}


def draw_icon(name: str, size: int) -> Image.Image:
    """Return the icon ``name`` as a ``size`` × ``size`` RGBA image."""
    background, sign = ICONS[name]
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([0, 0, big - 1, big - 1], radius=big // 6, fill=background)
    sign(draw, big)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(folder: Path = ICON_DIR) -> list[Path]:
    """Draw every icon at every size into ``folder``; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ICONS:
        for size in SIZES:
            path = folder / f"{name}-{size}.png"
            draw_icon(name, size).save(path, optimize=True)
            written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for path in write_icons(Path(sys.argv[1]) if len(sys.argv) > 1 else ICON_DIR):
        print(path)
