"""Reading the catalogue: locations, product search, products with variants, variants by code."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, column, func, select, table
from sqlmodel import Session, col

from app.contracts.catalog import (
    LocationOut,
    ProductDetail,
    ProductPage,
    ProductQuery,
    ProductSummary,
    VariantDetail,
    VariantOut,
)
from app.domain.errors import NotFound, UnusableInput
from app.domain.text import like_escape, search_terms
from app.server.catalog.models import Location, Product, Variant

MAX_PAGE = 100
SIZE_ORDER = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL"]


def location_out(loc: Location) -> LocationOut:
    return LocationOut.model_validate(loc, from_attributes=True)


def location_by_code(session: Session, code: str) -> Location | None:
    """A location by its code, typed in any case and with stray spaces ("ist01 ")."""
    return session.execute(
        select(Location).where(col(Location.code) == code.strip().upper())
    ).scalar_one_or_none()


def list_locations(*, db_session: Session) -> list[LocationOut]:
    rows = db_session.execute(
        select(Location).where(col(Location.active).is_(True)).order_by(col(Location.code))
    ).scalars()
    return [location_out(loc) for loc in rows]


def _encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"p:{last_id}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, value = raw.partition(":")
        if prefix != "p":
            raise ValueError
        last_id = int(value)
        if last_id < 0 or last_id > 2**31:
            raise ValueError
        return last_id
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise UnusableInput(
            "bad-cursor", "Invalid cursor", "Use next_cursor from a previous page."
        ) from None


def _price_ranges(session: Session, product_ids: list[int]) -> dict[int, tuple[int, int]]:
    if not product_ids:
        return {}
    rows = session.execute(
        select(
            col(Variant.product_id), func.min(Variant.price_kurus), func.max(Variant.price_kurus)
        )
        .where(col(Variant.product_id).in_(product_ids), col(Variant.active).is_(True))
        .group_by(col(Variant.product_id))
    ).all()
    return {pid: (lo, hi) for pid, lo, hi in rows}


def summaries(session: Session, product_ids: list[int]) -> dict[int, ProductSummary]:
    """The active ones of these products as lists show them, with their price ranges."""
    if not product_ids:
        return {}
    rows = session.execute(
        select(Product).where(col(Product.id).in_(product_ids), col(Product.active).is_(True))
    ).scalars()
    products = list(rows)
    ranges = _price_ranges(session, [p.id for p in products if p.id is not None])
    return {p.id: summary(p, ranges.get(p.id)) for p in products if p.id is not None}


def summary(product: Product, price_range: tuple[int, int] | None) -> ProductSummary:
    lo, hi = price_range or (0, 0)
    return ProductSummary(
        id=product.id,
        style_code=product.style_code,
        name_tr=product.name_tr,
        name_en=product.name_en,
        brand=product.brand,
        category=product.category,
        kdv_rate=product.kdv_rate,
        price_min_kurus=lo,
        price_max_kurus=hi,
    )


# Stock is the inventory package's table, and inventory reads the catalogue: naming the four
# columns the search filters on keeps the two packages from importing each other.
_STOCK = table(
    "stocklevel", column("variant_id"), column("location_id"), column("on_hand"), column("reserved")
)


def _made_in(size: str | None, in_stock_at: int | None) -> ColumnElement[bool] | None:
    """Products with one variant that is both in `size` and available at `in_stock_at` (an
    associate asking for "M, in stock here" means one garment, not an M somewhere and another
    size here)."""
    if size is None and in_stock_at is None:
        return None
    # The ids that qualify, gathered once (not a subquery per product): correlated per
    # product, SQLite walked the location's whole stock for each one (1.4 s for 300 shirts).
    variants = select(col(Variant.product_id)).where(col(Variant.active).is_(True))
    if size is not None:
        variants = variants.where(col(Variant.size) == size)
    if in_stock_at is not None:
        variants = variants.join(_STOCK, _STOCK.c.variant_id == col(Variant.id)).where(
            _STOCK.c.location_id == in_stock_at,
            _STOCK.c.on_hand - _STOCK.c.reserved > 0,
        )
    return col(Product.id).in_(variants)


def search_products(*, db_session: Session, query: ProductQuery) -> ProductPage:
    """One page of the matching products in id order, and how many match in all."""
    matching: list[ColumnElement[bool]] = [col(Product.active).is_(True)]
    for term in search_terms(query.q or "")[:8]:
        matching.append(col(Product.search_text).like(f"%{like_escape(term)}%", escape="\\"))
    if query.category:
        matching.append(col(Product.category) == query.category)
    made_in = _made_in(query.size or None, query.in_stock_at)
    if made_in is not None:
        matching.append(made_in)
    total = db_session.execute(
        select(func.count()).select_from(Product).where(*matching)
    ).scalar_one()
    stmt = select(Product).where(*matching)
    if query.cursor:
        stmt = stmt.where(col(Product.id) > _decode_cursor(query.cursor))
    limit = max(1, min(query.limit, MAX_PAGE))
    rows = list(db_session.execute(stmt.order_by(col(Product.id)).limit(limit + 1)).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    ranges = _price_ranges(db_session, [p.id for p in rows])
    return ProductPage(
        items=[summary(p, ranges.get(p.id)) for p in rows],
        next_cursor=_encode_cursor(rows[-1].id) if more and rows else None,
        total=total,
    )


def size_key(size: str) -> tuple[int, str]:
    return (SIZE_ORDER.index(size), "") if size in SIZE_ORDER else (len(SIZE_ORDER), size.zfill(4))


def variant_out(v: Variant, kdv_rate: int) -> VariantOut:
    assert v.id is not None
    return VariantOut(
        variant_id=v.id,
        sku=v.sku,
        ean13=v.ean13,
        product_id=v.product_id,
        size=v.size,
        colour=v.colour,
        colour_en=v.colour_en,
        price_kurus=v.price_kurus,
        currency=v.currency,
        kdv_rate=kdv_rate,
    )


_DETAIL_PRODUCT: tuple[Any, ...] = (
    col(Product.id),
    col(Product.style_code),
    col(Product.name_tr),
    col(Product.name_en),
    col(Product.brand),
    col(Product.category),
    col(Product.kdv_rate),
    col(Product.description_tr),
    col(Product.description_en),
)
_DETAIL_VARIANT: tuple[Any, ...] = (
    col(Variant.id).label("variant_id"),
    col(Variant.product_id),
    col(Variant.sku),
    col(Variant.ean13),
    col(Variant.size),
    col(Variant.colour),
    col(Variant.colour_en),
    col(Variant.price_kurus),
    col(Variant.currency),
)


def product_detail(
    product: Mapping[Any, Any], variants: Sequence[Mapping[Any, Any]]
) -> dict[str, Any]:
    """The `ProductDetail` fields of a product row and its active variant rows (columns as
    `_DETAIL_PRODUCT`, `_DETAIL_VARIANT`): variants by colour, then size."""
    ordered = sorted(variants, key=lambda v: (v["colour"], size_key(v["size"])))
    prices = [v["price_kurus"] for v in ordered]
    kdv_rate = product["kdv_rate"]
    return {
        **product,
        "price_min_kurus": min(prices, default=0),
        "price_max_kurus": max(prices, default=0),
        "sizes": sorted({v["size"] for v in ordered}, key=size_key),
        "colours": sorted({v["colour"] for v in ordered}),
        "variants": [{**v, "kdv_rate": kdv_rate} for v in ordered],
    }


def product_details(
    session: Session, *where: ColumnElement[bool], limit: int | None = None
) -> list[dict[str, Any]]:
    """`product_detail` of the active products matching `where`, in id order: one query for
    the products and one for all their variants, column rows rather than ORM instances (the
    catalogue snapshot builds hundreds at a time)."""
    products = (
        session.execute(
            select(*_DETAIL_PRODUCT)
            .where(col(Product.active).is_(True), *where)
            .order_by(col(Product.id))
            .limit(limit)
        )
        .mappings()
        .all()
    )
    by_product: dict[int, list[Mapping[Any, Any]]] = {p["id"]: [] for p in products}
    if by_product:
        for v in session.execute(
            select(*_DETAIL_VARIANT).where(
                col(Variant.product_id).in_(list(by_product)), col(Variant.active).is_(True)
            )
        ).mappings():
            by_product[v["product_id"]].append(v)
    return [product_detail(p, by_product[p["id"]]) for p in products]


def get_product(*, db_session: Session, product_id: int) -> ProductDetail:
    found = product_details(db_session, col(Product.id) == product_id)
    if not found:
        raise NotFound("Product", product_id)
    return ProductDetail.model_validate(found[0])


def _variant_details(session: Session, variants: list[Variant]) -> list[VariantDetail]:
    product_ids = sorted({v.product_id for v in variants})
    products = {
        p.id: p
        for p in session.execute(select(Product).where(col(Product.id).in_(product_ids))).scalars()
    }
    ranges = _price_ranges(session, product_ids)
    out = []
    for v in variants:
        p = products[v.product_id]
        out.append(
            VariantDetail(
                **variant_out(v, p.kdv_rate).model_dump(),
                product=summary(p, ranges.get(p.id)),
            )
        )
    return out


def get_variant(*, db_session: Session, sku: str) -> VariantDetail:
    v = db_session.execute(select(Variant).where(col(Variant.sku) == sku)).scalar_one_or_none()
    if v is None:
        raise NotFound("Variant", sku)
    return _variant_details(db_session, [v])[0]


def find_variants(*, db_session: Session, barcode: str) -> list[VariantDetail]:
    rows = list(db_session.execute(select(Variant).where(col(Variant.ean13) == barcode)).scalars())
    return _variant_details(db_session, rows)


def variants_by_sku(session: Session, skus: list[str]) -> dict[str, tuple[Variant, Product]]:
    """Variants with their products for pricing a basket; unknown SKUs are simply absent."""
    if not skus:
        return {}
    rows = session.execute(
        select(Variant, Product)
        .join(Product, col(Product.id) == col(Variant.product_id))
        .where(col(Variant.sku).in_(skus))
    ).all()
    return {v.sku: (v, p) for v, p in rows}


# `ItemRef` fields, as a customer's lists show a variant: a query that joins Variant and Product
# selects ITEM_COLUMNS and hands those values to item_ref.
ITEM_FIELDS = ("sku", "product_id", "name_tr", "name_en", "brand", "size", "colour",
               "price_kurus", "colour_en")  # fmt: skip
ITEM_COLUMNS = (
    col(Variant.sku),
    col(Product.id),
    col(Product.name_tr),
    col(Product.name_en),
    col(Product.brand),
    col(Variant.size),
    col(Variant.colour),
    col(Variant.price_kurus),
    col(Variant.colour_en),
)


def item_ref(values: Sequence[Any]) -> dict[str, Any]:
    return dict(zip(ITEM_FIELDS, values, strict=True))


def item_refs(session: Session, variant_ids: set[int]) -> dict[int, dict[str, Any]]:
    """Variants as shown in a customer's lists (`ItemRef` fields), one query for all of them.

    Plain column rows, not ORM instances: a customer view holds hundreds of them."""
    if not variant_ids:
        return {}
    rows = session.execute(
        select(col(Variant.id), *ITEM_COLUMNS)
        .join(Product, col(Product.id) == col(Variant.product_id))
        .where(col(Variant.id).in_(sorted(variant_ids)))
    ).all()
    return {row[0]: item_ref(row[1:]) for row in rows}
