"""Flat fashion illustrations of the catalogue: a garment's silhouette by what it is, in its
colour and pattern, on a light ground. No outside download: every picture is drawn here, the
same bytes for the same look in every process.

Shapes are written on a 100 x 125 grid (the pictures are 4:5) and drawn at twice the size,
then scaled down: that is the anti-aliasing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter

from app.server.media.palette import RGB

Point = tuple[float, float]
GROUND: RGB = (246, 243, 238)
SUPERSAMPLE = 2


def mix(a: RGB, b: RGB, t: float) -> RGB:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def luminance(c: RGB) -> float:
    return (0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]) / 255


@dataclass(frozen=True, slots=True)
class Look:
    """What a picture shows; the picture is a function of this and its size alone."""

    shape: str
    pattern: str
    colour: RGB


class Pen:
    """Draws a silhouette (`fill_*`, into the mask) and its details (`line`, `dot`, `band`,
    onto the garment's own layer, so they never spill past its edge)."""

    def __init__(self, width: int, height: int, colour: RGB) -> None:
        self.s = width / 100
        self.colour = colour
        self.mask = Image.new("L", (width, height), 0)
        self.cloth = Image.new("RGB", (width, height), colour)
        self._m = ImageDraw.Draw(self.mask)
        self._c = ImageDraw.Draw(self.cloth)
        dark = luminance(colour) < 0.35
        self.ink = mix(colour, (255, 255, 255), 0.35) if dark else mix(colour, (0, 0, 0), 0.4)
        self.accent = mix(colour, (255, 255, 255), 0.5) if dark else mix(colour, (0, 0, 0), 0.25)

    def _xy(self, points: Sequence[Point]) -> list[tuple[float, float]]:
        return [(x * self.s, y * self.s) for x, y in points]

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        return [x0 * self.s, y0 * self.s, x1 * self.s, y1 * self.s]

    # -- the silhouette --

    def fill_poly(self, *shapes: Sequence[Point]) -> None:
        for points in shapes:
            self._m.polygon(self._xy(points), fill=255)

    def fill_rect(self, x0: float, y0: float, x1: float, y1: float, r: float = 0) -> None:
        self._m.rounded_rectangle(self._box(x0, y0, x1, y1), radius=r * self.s, fill=255)

    def fill_ellipse(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self._m.ellipse(self._box(x0, y0, x1, y1), fill=255)

    def fill_arc(
        self, box: tuple[float, float, float, float], a: float, b: float, w: float
    ) -> None:
        self._m.arc(self._box(*box), a, b, fill=255, width=round(w * self.s))

    # -- details on the cloth --
    def line(self, points: Sequence[Point], w: float = 0.8, colour: RGB | None = None) -> None:
        self._c.line(self._xy(points), fill=colour or self.ink, width=max(1, round(w * self.s)))

    def dot(self, x: float, y: float, r: float = 1.2, colour: RGB | None = None) -> None:
        self._c.ellipse(self._box(x - r, y - r, x + r, y + r), fill=colour or self.ink)

    def band(
        self, x0: float, y0: float, x1: float, y1: float, colour: RGB | None = None, r: float = 0
    ) -> None:
        self._c.rounded_rectangle(
            self._box(x0, y0, x1, y1), radius=r * self.s, fill=colour or self.accent
        )


def mirror(points: Sequence[Point]) -> list[Point]:
    return [(100 - x, y) for x, y in points]


def both(pen: Pen, points: Sequence[Point], w: float = 0.8) -> None:
    pen.line(points, w)
    pen.line(mirror(points), w)


NECK: list[Point] = [(62, 16), (58, 21), (50, 23), (42, 21)]
TSHIRT: list[Point] = [(38, 16), (26, 19), (8, 33), (15, 48), (25, 43), (25, 108),
                       (75, 108), (75, 43), (85, 48), (92, 33), (74, 19), *NECK]  # fmt: skip
LONG: list[Point] = [(38, 16), (26, 19), (14, 30), (5, 92), (16, 95), (25, 50), (25, 110),
                     (75, 110), (75, 50), (84, 95), (95, 92), (86, 30), (74, 19), *NECK]  # fmt: skip
COAT: list[Point] = [(38, 16), (26, 19), (14, 30), (5, 92), (16, 95), (25, 50), (21, 121),
                     (79, 121), (75, 50), (84, 95), (95, 92), (86, 30), (74, 19), *NECK]  # fmt: skip


def _buttons(pen: Pen, x: float, ys: Sequence[float], r: float = 1.1) -> None:
    for y in ys:
        pen.dot(x, y, r)


def _cuffs(pen: Pen) -> None:
    both(pen, [(5.6, 86), (16.6, 89)])


def tshirt(pen: Pen) -> None:
    pen.fill_poly(TSHIRT)
    pen.line([(38, 16), (42, 21), (50, 23), (58, 21), (62, 16)], 1.4)
    both(pen, [(13.5, 44.5), (23.5, 40)])


def polo(pen: Pen) -> None:
    tshirt(pen)
    both(pen, [(38, 16), (50, 26), (40, 25), (38, 16)], 1)
    pen.line([(50, 26), (50, 38)])
    _buttons(pen, 51.5, (30, 35), 0.9)


def tank(pen: Pen) -> None:
    pen.fill_poly([(36, 12), (42, 12), (44, 24), (50, 27), (56, 24), (58, 12), (64, 12),
                   (66, 28), (75, 40), (75, 108), (25, 108), (25, 40), (34, 28)])  # fmt: skip
    pen.line([(42, 12), (44, 24), (50, 27), (56, 24), (58, 12)], 1.2)


def shirt(pen: Pen) -> None:
    pen.fill_poly(LONG)
    both(pen, [(38, 15), (40, 27), (50, 29), (38, 15)], 1)
    pen.line([(50, 29), (50, 110)])
    _buttons(pen, 52, (36, 50, 64, 78, 92))
    pen.line([(58, 40), (68, 40), (68, 52), (58, 52), (58, 40)])
    _cuffs(pen)


def jumper(pen: Pen) -> None:
    pen.fill_poly(LONG)
    pen.line([(38, 16), (42, 21), (50, 23), (58, 21), (62, 16)], 2)
    pen.line([(25, 102), (75, 102)], 0.8)
    for x in range(27, 75, 3):
        pen.line([(x, 103), (x, 110)], 0.4)
    _cuffs(pen)


def cardigan(pen: Pen) -> None:
    jumper(pen)
    both(pen, [(42, 21), (50, 46)], 1)
    pen.line([(50, 46), (50, 110)])
    _buttons(pen, 53, (54, 66, 78, 90))


def jacket(pen: Pen, coat: bool = False) -> None:
    pen.fill_poly(COAT if coat else LONG)
    both(pen, [(40, 17), (43, 38), (36, 42), (50, 62)], 1)
    hem = 121 if coat else 110
    pen.line([(50, 62), (50, hem)])
    if coat:
        _buttons(pen, 44, (70, 84, 98), 1.4)
        _buttons(pen, 56, (70, 84, 98), 1.4)
        pen.line([(24, 64), (76, 64)], 1.6)
    else:
        _buttons(pen, 52.5, (70, 84), 1.4)
    both(pen, [(30, 84), (42, 84)], 1)
    _cuffs(pen)


def puffer(pen: Pen) -> None:
    pen.fill_poly(LONG)
    for y in range(32, 110, 11):
        pen.line([(0, y), (100, y + 3)], 0.8)
    pen.line([(50, 20), (50, 110)], 1.2)
    pen.band(44, 13, 56, 21, r=3)


def gilet(pen: Pen) -> None:
    pen.fill_poly([(38, 16), (30, 18), (31, 30), (24, 44), (25, 110), (75, 110), (76, 44),
                   (69, 30), (70, 18), *NECK])  # fmt: skip
    pen.line([(50, 23), (50, 110)], 1.2)
    for y in range(36, 110, 12):
        pen.line([(20, y), (80, y)], 0.6)


def trousers(pen: Pen, jeans: bool = False, hem: float = 118) -> None:
    inner = 54 if hem > 80 else 55
    pen.fill_poly([(29, 10), (71, 10), (74 + (hem - 118) * -0.05, hem), (inner, hem), (50, 42),
                   (100 - inner, hem), (26 - (hem - 118) * -0.05, hem)])  # fmt: skip
    stitch = (201, 150, 43) if jeans else None
    pen.line([(29.3, 16), (70.7, 16)], 0.8, stitch)
    pen.line([(50, 16), (50, 36), (47, 39)], 0.8, stitch)
    both(pen, [(31, 18), (39, 26)], 0.8)
    if jeans:
        both(pen, [(29.5, 20), (37, 20), (37, 27)], 0.5)
        pen.line([(29.8, 22), (35, 22)], 0.5, stitch)
        pen.dot(50, 13, 1.2, (201, 150, 43))
    elif hem > 80:
        both(pen, [(38, 42), (37, hem)], 0.5)


def skirt(pen: Pen) -> None:
    pen.fill_poly([(32, 18), (68, 18), (82, 100), (18, 100)])
    pen.line([(32.5, 24), (67.5, 24)])
    for x0, x1 in ((42, 36), (50, 50), (58, 64)):
        pen.line([(x0, 24), (x1, 100)], 0.5)


def dress(pen: Pen) -> None:
    pen.fill_poly([(38, 12), (43, 12), (50, 22), (57, 12), (62, 12), (66, 34), (62, 50),
                   (82, 118), (18, 118), (38, 50), (34, 34)])  # fmt: skip
    pen.line([(38, 50), (62, 50)], 1.2)
    pen.line([(43, 12), (50, 22), (57, 12)], 1)
    for x0, x1 in ((45, 36), (55, 64)):
        pen.line([(x0, 52), (x1, 118)], 0.5)


def _sole(pen: Pen, y: float, x0: float = 12, x1: float = 92) -> None:
    pen.band(x0 - 1, y, x1 + 1, y + 8, mix(pen.ink, (0, 0, 0), 0.2))


def shoe(pen: Pen) -> None:
    pen.fill_poly([(12, 56), (24, 52), (36, 56), (52, 60), (72, 64), (86, 69), (92, 75),
                   (92, 82), (12, 82)])  # fmt: skip
    _sole(pen, 78)
    pen.line([(24, 52), (30, 62), (44, 62), (52, 60)], 0.8)


def sneaker(pen: Pen) -> None:
    shoe(pen)
    pen.band(11, 74, 93, 83, (245, 245, 242))
    pen.line([(11, 78), (93, 78)], 0.5, (200, 200, 196))
    for x in (38, 43, 48):
        pen.line([(x, 58), (x + 4, 63)], 1, (245, 245, 242))


def boot(pen: Pen) -> None:
    pen.fill_poly([(18, 26), (42, 26), (44, 56), (62, 62), (82, 68), (90, 74), (90, 84),
                   (16, 84)])  # fmt: skip
    _sole(pen, 80, 16, 90)
    pen.line([(40, 30), (42, 54)], 0.6)


def heel(pen: Pen) -> None:
    pen.fill_poly([(14, 52), (26, 50), (44, 66), (66, 68), (86, 72), (92, 78), (86, 81),
                   (28, 78)], [(16, 56), (24, 56), (22, 92), (18, 92)])  # fmt: skip
    pen.line([(26, 50), (34, 62), (44, 66)], 0.8)


def sandal(pen: Pen) -> None:
    pen.fill_poly([(12, 78), (90, 78), (94, 84), (12, 84)], [(40, 58), (48, 58), (52, 78),
                  (44, 78)], [(60, 62), (68, 62), (70, 78), (62, 78)], [(16, 60), (22, 60),
                  (24, 78), (16, 78)])  # fmt: skip


def bag(pen: Pen) -> None:
    pen.fill_poly([(18, 52), (82, 52), (88, 112), (12, 112)])
    pen.fill_arc((30, 24, 70, 80), 180, 360, 3.5)
    pen.band(44, 56, 56, 64, pen.ink, r=1.5)
    pen.line([(18.5, 60), (81.5, 60)], 0.6)


def backpack(pen: Pen) -> None:
    pen.fill_rect(22, 28, 78, 112, 14)
    pen.fill_arc((40, 16, 60, 36), 180, 360, 3)
    pen.line([(22, 52), (50, 60), (78, 52)], 1)
    pen.line([(32, 74), (68, 74), (68, 104), (32, 104), (32, 74)], 0.8)
    pen.dot(50, 60, 1.8)


def wallet(pen: Pen) -> None:
    pen.fill_rect(14, 44, 86, 92, 6)
    pen.line([(14, 60), (86, 60)], 0.8)
    pen.dot(76, 60, 2.2)


def hat(pen: Pen) -> None:
    pen.fill_ellipse(8, 70, 92, 90)
    pen.fill_poly([(28, 80), (30, 44), (40, 36), (60, 36), (70, 44), (72, 80)])
    pen.band(29, 66, 71, 74, pen.ink)


def beanie(pen: Pen) -> None:
    pen.fill_ellipse(22, 34, 78, 112)
    pen.fill_rect(20, 74, 80, 98, 4)
    pen.fill_ellipse(43, 25, 57, 39)
    for x in range(24, 78, 4):
        pen.line([(x, 76), (x, 96)], 0.5)


def scarf(pen: Pen) -> None:
    pen.fill_poly([(30, 14), (70, 14), (66, 40), (60, 108), (44, 108), (40, 40)])
    pen.fill_poly([(52, 34), (66, 36), (70, 100), (58, 102)])
    for x in range(45, 60, 3):
        pen.line([(x, 108), (x, 116)], 0.6, pen.ink)
    pen.line([(40, 40), (66, 40)], 0.8)


def belt(pen: Pen) -> None:
    pen.fill_rect(6, 56, 94, 70, 3)
    pen.fill_rect(18, 50, 34, 76, 2)
    pen.band(21, 53, 31, 73, GROUND, r=1)
    pen.line([(26, 63), (36, 63)], 1.6, pen.ink)
    for x in (50, 58, 66, 74):
        pen.dot(x, 63, 1)


def gloves(pen: Pen) -> None:
    pen.fill_rect(30, 50, 70, 108, 10)
    for x0, y0 in ((30, 26), (40.5, 20), (51, 22), (61.5, 30)):
        pen.fill_rect(x0, y0, x0 + 8.5, 62, 4.2)
    pen.fill_poly([(31, 72), (17, 56), (12, 60), (26, 86)])
    pen.line([(30, 96), (70, 96)], 1)


def tie(pen: Pen) -> None:
    pen.fill_poly([(44, 12), (56, 12), (54, 24), (46, 24)],
                  [(46, 24), (54, 24), (60, 100), (50, 110), (40, 100)])  # fmt: skip
    pen.line([(46, 24), (54, 24)], 0.8)


SHAPES: dict[str, Callable[[Pen], None]] = {
    "tshirt": tshirt, "polo": polo, "tank": tank, "shirt": shirt, "jumper": jumper,
    "cardigan": cardigan, "jacket": jacket, "coat": lambda p: jacket(p, coat=True),
    "puffer": puffer, "gilet": gilet, "trousers": trousers,
    "jeans": lambda p: trousers(p, jeans=True), "shorts": lambda p: trousers(p, hem=64),
    "skirt": skirt, "dress": dress, "shoe": shoe, "sneaker": sneaker, "boot": boot,
    "heel": heel, "sandal": sandal, "bag": bag, "backpack": backpack, "wallet": wallet,
    "hat": hat, "beanie": beanie, "scarf": scarf, "belt": belt, "gloves": gloves, "tie": tie,
}  # fmt: skip

# The noun in the English name says the shape (first match wins), else the category does.
_BY_NOUN = (
    ("tank top", "tank"), ("polo", "polo"), ("t-shirt", "tshirt"), ("shirt dress", "dress"),
    ("sweater vest", "gilet"), ("cardigan", "cardigan"), ("jumper", "jumper"),
    ("sweatshirt", "jumper"), ("puffer", "puffer"), ("gilet", "gilet"), ("trench", "coat"),
    ("coat", "coat"), ("blazer", "jacket"), ("jacket", "jacket"), ("jeans", "jeans"),
    ("shorts", "shorts"), ("skirt", "skirt"), ("dress", "dress"), ("sneakers", "sneaker"),
    ("boots", "boot"), ("heels", "heel"), ("sandals", "sandal"), ("backpack", "backpack"),
    ("bag", "bag"), ("wallet", "wallet"), ("beanie", "beanie"), ("hat", "hat"),
    ("scarf", "scarf"), ("shawl", "scarf"), ("belt", "belt"), ("gloves", "gloves"),
    ("tie", "tie"), ("shirt", "shirt"), ("trousers", "trousers"), ("chinos", "trousers"),
    ("joggers", "trousers"),
)  # fmt: skip
_BY_CATEGORY = {
    "shirts": "shirt", "tshirts": "tshirt", "trousers": "trousers", "dresses": "dress",
    "knitwear": "jumper", "jackets": "jacket", "shoes": "shoe", "accessories": "bag",
}  # fmt: skip
_PATTERNS = (
    ("striped", "stripes"), ("checked", "checks"), ("patterned", "checks"),
    ("polka dot", "dots"), ("floral", "floral"), ("printed", "print"),
    ("cable knit", "rib"), ("knitted", "rib"), ("knit", "rib"), ("denim", "denim"),
    ("jeans", "denim"), ("stone-washed", "denim"),
)  # fmt: skip


def _has(name: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", name) is not None


def look_for(category: str, name_en: str, colour: RGB) -> Look:
    name = name_en.lower()
    shape = next((s for word, s in _BY_NOUN if _has(name, word)), None)
    shape = shape or _BY_CATEGORY.get(category, "tshirt")
    pattern = next((p for word, p in _PATTERNS if _has(name, word)), "plain")
    return Look(shape=shape, pattern=pattern, colour=colour)


def _pattern(pen: Pen, pattern: str, size: tuple[int, int]) -> None:
    w, h = size
    s = pen.s
    d = ImageDraw.Draw(pen.cloth)
    if pattern == "stripes":
        for y in range(0, 125, 7):
            d.rectangle([0, y * s, w, (y + 2.4) * s], fill=pen.accent)
    elif pattern == "checks":
        layer = Image.new("RGBA", size, (0, 0, 0, 0))
        ld = ImageDraw.Draw(layer)
        for k in range(0, 125, 10):
            ld.rectangle([0, k * s, w, (k + 4) * s], fill=(*pen.accent, 120))
            ld.rectangle([k * s, 0, (k + 4) * s, h], fill=(*pen.accent, 120))
        pen.cloth.paste(layer, (0, 0), layer)
    elif pattern in ("dots", "floral"):
        for row, y in enumerate(range(4, 125, 8 if pattern == "dots" else 12)):
            step = 8 if pattern == "dots" else 12
            for x in range(2 + (row % 2) * step // 2, 100, step):
                if pattern == "dots":
                    pen.dot(x, y, 1.5, pen.accent)
                else:
                    for dx, dy in ((0, -1.8), (1.7, -0.5), (1.1, 1.5), (-1.1, 1.5), (-1.7, -0.5)):
                        pen.dot(x + dx, y + dy, 1.2, pen.accent)
                    pen.dot(x, y, 0.9, (242, 201, 76))
    elif pattern == "rib":
        for x in range(0, 100, 3):
            d.line([x * s, 0, x * s, h], fill=pen.accent, width=max(1, round(0.5 * s)))
    elif pattern == "denim":
        for k in range(-125, 100, 2):
            d.line([k * s, h, (k + 125) * s, 0], fill=mix(pen.colour, pen.accent, 0.35))
    elif pattern == "print":
        pen.band(38, 40, 62, 58, pen.accent, r=3)
        pen.band(42, 44, 58, 54, mix(pen.accent, GROUND, 0.5), r=2)


def draw(look: Look, size: tuple[int, int]) -> bytes:
    """The picture as WebP bytes, `size` (width, height) in pixels."""
    big = (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE)
    pen = Pen(*big, colour=look.colour)
    _pattern(pen, look.pattern, big)
    SHAPES.get(look.shape, tshirt)(pen)
    light = luminance(look.colour) > 0.8
    ground = (232, 228, 221) if light else mix(GROUND, look.colour, 0.1)
    image = Image.new("RGB", big, ground)
    # A soft shadow down and to the right: the garment lies on the ground, not cut out.
    # Blurred at a quarter of the size: a shadow has no detail to lose, and it is 16x cheaper.
    offset = round(2 * pen.s)
    small = ImageChops.offset(pen.mask, offset, offset).reduce(4)
    shadow = small.filter(ImageFilter.BoxBlur(0.6 * pen.s)).resize(big, Image.Resampling.BILINEAR)
    image.paste(mix(ground, (0, 0, 0), 0.18), (0, 0), shadow.point(lambda v: v * 6 // 10))
    image.paste(pen.cloth, (0, 0), pen.mask)
    edge = pen.mask.filter(ImageFilter.FIND_EDGES).filter(ImageFilter.BoxBlur(1))
    edge = edge.point(lambda v: min(255, v * 3))
    image.paste(mix(look.colour, (0, 0, 0), 0.3) if light else pen.ink, (0, 0), edge)
    out = io.BytesIO()
    image.resize(size, Image.Resampling.LANCZOS).save(out, "WEBP", quality=82, method=4)
    return out.getvalue()
