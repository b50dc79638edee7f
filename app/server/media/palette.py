"""Garment colours as the catalogue names them (Turkish and English), to draw them with."""

from __future__ import annotations

import colorsys
import hashlib

from app.contracts.media import colour_slug

RGB = tuple[int, int, int]

# (Turkish, English, hex): the demo retailer's colours (app/server/seed/vocab.py).
_NAMED = (
    ("Siyah", "Black", "#232323"), ("Beyaz", "White", "#F8F8F6"),
    ("Lacivert", "Navy", "#1F2A44"), ("Gri", "Grey", "#8E9196"),
    ("Antrasit", "Anthracite", "#3B3F45"), ("Bej", "Beige", "#D8C3A5"),
    ("Kahverengi", "Brown", "#6B4A32"), ("Taba", "Tan", "#B07A47"),
    ("Haki", "Khaki", "#7D7A4E"), ("Yeşil", "Green", "#3E7C4A"),
    ("Zümrüt Yeşili", "Emerald", "#1F7A5A"), ("Mavi", "Blue", "#2F5DA8"),
    ("Açık Mavi", "Light Blue", "#9CC3E6"), ("Gök Mavisi", "Sky Blue", "#6FB1E0"),
    ("İndigo", "Indigo", "#33407A"), ("Kırmızı", "Red", "#C0392B"),
    ("Bordo", "Burgundy", "#6D1A2B"), ("Pembe", "Pink", "#E89AB4"),
    ("Pudra", "Powder Pink", "#EBC7C4"), ("Mor", "Purple", "#6A3D8C"),
    ("Lila", "Lilac", "#B9A2D6"), ("Sarı", "Yellow", "#F2C94C"),
    ("Hardal", "Mustard", "#C9962B"), ("Turuncu", "Orange", "#E67E22"),
    ("Ekru", "Ecru", "#EDE6D3"), ("Krem", "Cream", "#F3EBD8"),
    ("Vizon", "Taupe", "#8B7D70"), ("Füme", "Smoke Grey", "#5E6166"),
    ("Çağla Yeşili", "Almond Green", "#B5C99A"), ("Kiremit", "Terracotta", "#B5553A"),
    ("Petrol", "Teal", "#1E5F6B"),
)  # fmt: skip


def _hex(text: str) -> RGB:
    return (int(text[1:3], 16), int(text[3:5], 16), int(text[5:7], 16))


PALETTE: dict[str, RGB] = {
    colour_slug(name): _hex(code) for tr, en, code in _NAMED for name in (tr, en)
}


def rgb(colour: str) -> RGB:
    """The colour to draw `colour` in; a name we do not know gets a steady muted colour of its
    own (the same name, the same colour, in every process)."""
    slug = colour_slug(colour)
    if slug in PALETTE:
        return PALETTE[slug]
    digest = hashlib.sha256(slug.encode()).digest()
    r, g, b = colorsys.hls_to_rgb(digest[0] / 255, 0.45 + digest[1] / 255 * 0.2, 0.35)
    return (round(r * 255), round(g * 255), round(b * 255))
