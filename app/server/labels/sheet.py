"""Printable shelf labels: an A4 sheet of 3 x 8 labels (70 x 37 mm, the common self-adhesive
sheet), each with the product name, its size range, its price with KDV and a QR code of the
product's storefront URL for this store (app/qr/shelf.py), so a scan credits the store."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from sqlalchemy import func, select
from sqlmodel import Session, col

from app.domain.money import format_try
from app.qr.images import render_png
from app.qr.keys import KeyRing
from app.qr.shelf import ShelfRef, shelf_url
from app.server.catalog.models import Product, Variant
from app.server.catalog.service import location_by_code, size_key
from app.server.inventory.models import StockLevel

FONTS = Path(__file__).resolve().parents[3] / "assets" / "fonts"
COLUMNS, ROWS = 3, 8
LABEL_W, LABEL_H = 70.0, 37.125  # mm: 3 x 70 = 210 (A4 width), 8 x 37.125 = 297 (A4 height)
QR_MM = 30.0


class LabelError(ValueError):
    """Bad input for a label sheet: unknown store, nothing to print."""


@dataclass(frozen=True)
class Label:
    product_id: int
    name: str
    brand: str
    sizes: str  # "S–XL", or the one size
    price: str  # "1.234,50 TL", the lowest price, "… TL'den" when sizes differ
    url: str


def labels_for_store(
    session: Session,
    *,
    store_code: str,
    ring: KeyRing,
    base_url: str,
    category: str | None = None,
) -> list[Label]:
    """A label for every active product the store holds stock of (on hand, any variant)."""
    store = location_by_code(session, store_code)
    if store is None or store.kind != "store" or not store.active:
        raise LabelError(f"no active store {store_code!r}")
    stocked = (
        select(col(Variant.product_id))
        .join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
        .where(col(StockLevel.location_id) == store.id, col(StockLevel.on_hand) > 0)
        .distinct()
    )
    query = select(Product).where(col(Product.id).in_(stocked), col(Product.active).is_(True))
    if category:
        query = query.where(func.lower(col(Product.category)) == category.strip().lower())
    products = list(
        session.execute(query.order_by(col(Product.category), col(Product.id))).scalars()
    )
    variants: dict[int, list[Variant]] = {}
    if products:
        rows = session.execute(
            select(Variant).where(
                col(Variant.product_id).in_([p.id for p in products]),
                col(Variant.active).is_(True),
            )
        ).scalars()
        for v in rows:
            variants.setdefault(v.product_id, []).append(v)
    labels = []
    for p in products:
        assert p.id is not None
        vs = variants.get(p.id)
        if not vs:
            continue
        sizes = sorted({v.size for v in vs}, key=size_key)
        prices = {v.price_kurus for v in vs}
        price = format_try(min(prices)) + ("'den" if len(prices) > 1 else "")
        labels.append(
            Label(
                product_id=p.id,
                name=p.name_tr,
                brand=p.brand,
                sizes=sizes[0] if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}",
                price=price,
                url=shelf_url(ring, base_url, ShelfRef(p.id, store.code)),
            )
        )
    return labels


def _pages(labels: list[Label]) -> Iterator[list[Label]]:
    per_page = COLUMNS * ROWS
    for start in range(0, len(labels), per_page):
        yield labels[start : start + per_page]


def render_pdf(
    labels: list[Label], out: Path, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Write the sheet(s) to `out` (atomically: a half-written PDF never replaces a good one).
    Returns the number of pages."""
    if not labels:
        raise LabelError("nothing to print: no stocked products match")
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_title("Reyon shelf labels")
    pdf.set_creator("Reyon")
    done = 0
    for page in _pages(labels):
        pdf.add_page()
        for i, label in enumerate(page):
            x = (i % COLUMNS) * LABEL_W
            y = (i // COLUMNS) * LABEL_H
            _draw(pdf, label, x, y)
            done += 1
            if progress:
                progress(done, len(labels))
    tmp = out.with_name(out.name + ".part")
    pdf.output(str(tmp))
    tmp.replace(out)
    return int(pdf.page_no())


def _draw(pdf: FPDF, label: Label, x: float, y: float) -> None:
    pad = 3.0
    # A high-resolution PNG (8 px per module) keeps module edges sharp on a 300 dpi printer.
    pdf.image(BytesIO(render_png(label.url, scale=8, border=2)), x=x + pad, y=y + 3.5, w=QR_MM)
    text_x = x + pad + QR_MM + 2
    width = LABEL_W - (text_x - x) - pad
    pdf.set_xy(text_x, y + 4)
    pdf.set_font("DejaVu", "", 6.5)
    pdf.cell(width, 3, _fit(pdf, label.brand.upper(), width))
    pdf.set_xy(text_x, y + 8)
    pdf.set_font("DejaVu", "B", 8)
    # At most three lines, so the name never runs into the size line below it.
    pdf.multi_cell(width, 3.6, _fit(pdf, label.name, width * 2.6), align="L", new_x="LEFT")
    pdf.set_xy(text_x, y + 20)
    pdf.set_font("DejaVu", "", 7)
    pdf.cell(width, 3.5, f"Beden / Size: {label.sizes}")
    pdf.set_xy(text_x, y + 25)
    pdf.set_font("DejaVu", "B", 11)
    pdf.cell(width, 5, _fit(pdf, label.price, width))
    pdf.set_xy(text_x, y + 30.5)
    pdf.set_font("DejaVu", "", 5.5)
    pdf.cell(width, 2.5, "KDV dahil · Tara, online gör")


def _fit(pdf: FPDF, text: str, width: float) -> str:
    while text and pdf.get_string_width(text) > width:
        text = text[:-2] + "…"
    return text
