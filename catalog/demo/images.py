"""Demo product images drawn with Pillow, so the demo needs no network and no binary files in the repo."""

import io
from functools import cache

from PIL import Image, ImageDraw, ImageFont

PRODUCT_IMAGE_SIZE = 1000  # Amazon zooms from 1000 px; Google wants 100+
SWATCH_SIZE = 240

# Outlines in a unit square (x, y from 0 to 1), one per product type's `shape`.
SHAPES: dict[str, list[tuple[float, float]]] = {
    "shirt": [
        (0.3, 0.2),
        (0.42, 0.16),
        (0.5, 0.22),
        (0.58, 0.16),
        (0.7, 0.2),
        (0.86, 0.36),
        (0.76, 0.46),
        (0.7, 0.4),
        (0.7, 0.84),
        (0.3, 0.84),
        (0.3, 0.4),
        (0.24, 0.46),
        (0.14, 0.36),
    ],
    "jacket": [
        (0.3, 0.16),
        (0.5, 0.24),
        (0.7, 0.16),
        (0.86, 0.3),
        (0.9, 0.78),
        (0.78, 0.8),
        (0.74, 0.44),
        (0.72, 0.86),
        (0.28, 0.86),
        (0.26, 0.44),
        (0.22, 0.8),
        (0.1, 0.78),
        (0.14, 0.3),
    ],
    "shoe": [(0.12, 0.42), (0.3, 0.44), (0.42, 0.5), (0.62, 0.58), (0.86, 0.62), (0.9, 0.72), (0.12, 0.72)],
    "mug": [(0.28, 0.24), (0.64, 0.24), (0.64, 0.38), (0.78, 0.4), (0.8, 0.6), (0.64, 0.64), (0.62, 0.8), (0.3, 0.8)],
    "pan": [
        (0.1, 0.46),
        (0.2, 0.38),
        (0.5, 0.36),
        (0.6, 0.42),
        (0.92, 0.44),
        (0.92, 0.5),
        (0.6, 0.52),
        (0.5, 0.6),
        (0.2, 0.6),
    ],
    "textile": [(0.14, 0.3), (0.86, 0.3), (0.86, 0.7), (0.14, 0.7)],
    "backpack": [(0.32, 0.2), (0.68, 0.2), (0.76, 0.32), (0.76, 0.84), (0.24, 0.84), (0.24, 0.32)],
    "tent": [(0.5, 0.2), (0.9, 0.78), (0.1, 0.78)],
    "gear": [(0.5, 0.18), (0.78, 0.3), (0.82, 0.62), (0.5, 0.84), (0.2, 0.62), (0.22, 0.3)],
}
BACKGROUNDS = ("#f6f4ef", "#eef2f5", "#f3efe9", "#eef3ee")


def initials(title: str) -> str:
    """Up to three capitals from the title's words, e.g. 'Storm Shell Rain Jacket' → 'SSR'."""
    letters = [word[0] for word in title.replace("-", " ").split() if word[:1].isalnum()]
    return "".join(letters[:3]).upper()


def draw_product_image(title: str, colour: str, shape: str, *, view: int = 0) -> bytes:
    """A studio shot: the product's outline in its colour on a light ground; `view` mirrors and shifts it."""
    size = PRODUCT_IMAGE_SIZE
    image = Image.new("RGB", (size, size), BACKGROUNDS[view % len(BACKGROUNDS)])
    draw = ImageDraw.Draw(image)
    draw.ellipse(_box(0.12, 0.8, 0.88, 0.92, size), fill="#e2ded6")  # a soft floor shadow
    draw.polygon(_outline(shape, size, mirrored=view % 2 == 1), fill=colour, outline="#333333", width=4)
    _label(draw, initials(title), size)
    return _encode(image, "JPEG")


def draw_lifestyle_image(title: str, colour: str, shape: str) -> bytes:
    """A 'scene': sky and ground behind a smaller product, for the lifestyle gallery role."""
    size = PRODUCT_IMAGE_SIZE
    image = Image.new("RGB", (size, size), "#a9cfe8")
    draw = ImageDraw.Draw(image)
    draw.rectangle(_box(0, 0.62, 1, 1, size), fill="#7fa36b")
    draw.ellipse(_box(0.7, 0.08, 0.86, 0.24, size), fill="#ffe27a")
    small = [(size * 0.2 + x * 0.6, size * 0.3 + y * 0.6) for x, y in _outline(shape, size)]
    draw.polygon(small, fill=colour, outline="#222222", width=3)
    _label(draw, initials(title), size)
    return _encode(image, "JPEG")


def draw_swatch(colour: str) -> bytes:
    """A flat colour chip for the swatch gallery role."""
    return _encode(Image.new("RGB", (SWATCH_SIZE, SWATCH_SIZE), colour), "PNG")


def _outline(shape: str, size: int, *, mirrored: bool = False) -> list[tuple[float, float]]:
    points = SHAPES.get(shape, SHAPES["gear"])
    return [((1 - x) * size if mirrored else x * size, y * size) for x, y in points]


def _box(x0: float, y0: float, x1: float, y1: float, size: int) -> tuple[float, float, float, float]:
    return (x0 * size, y0 * size, x1 * size, y1 * size)


def _label(draw: ImageDraw.ImageDraw, text: str, size: int) -> None:
    draw.text((size * 0.06, size * 0.04), text, fill="#555555", font=_font(size // 10))


@cache
def _font(pixels: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    # Pillow's bundled font, so drawing works on machines without system fonts.
    return ImageFont.load_default(size=pixels)


def _encode(image: Image.Image, image_format: str) -> bytes:
    buffer = io.BytesIO()
    options = {"quality": 85} if image_format == "JPEG" else {}
    image.save(buffer, image_format, **options)
    return buffer.getvalue()
