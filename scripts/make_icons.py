"""Draw the installable app's icons (the favicon's house on the theme green) into static/icons/.
Run once after changing them: `.venv/bin/python scripts/make_icons.py`; the PNGs are committed."""

from pathlib import Path

from PIL import Image, ImageDraw

GREEN, WHITE = (11, 110, 79), (255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def icon(size: int) -> Image.Image:
    """Full-bleed green (so it also works as a maskable icon) with the house inside the safe zone."""
    scale = size / 32
    image = Image.new("RGB", (size, size), GREEN)
    house = [(8, 16), (16, 9), (24, 16), (24, 24), (19, 24), (19, 19), (13, 19), (13, 24), (8, 24)]
    # The favicon's house, shrunk towards the centre to stay within the middle 80 %.
    points = [((x - 16) * 0.8 * scale + size / 2, (y - 16.5) * 0.8 * scale + size / 2) for x, y in house]
    ImageDraw.Draw(image).polygon(points, fill=WHITE)
    return image


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        icon(size).save(OUT / f"icon-{size}.png", optimize=True)
