"""Snapshots for a tablet's first sync (and for starting over after `must_refetch`): the
catalogue, and the stock of the locations the tablet follows, page by page.

Every page carries `cursor`, the change-log head read *before* the page's rows, so the rows
are at least as new as the cursor. A tablet keeps the cursor of its first page and, after the
last page, follows the change feed from there: whatever changed while it paged comes again
through the feed (changes are upserts, so seeing one twice is harmless).
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from sqlalchemy import ColumnElement, Integer, Select, any_, cast, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, col

from app.contracts.sync import CatalogSnapshotPage
from app.server.catalog.models import Product, Variant
from app.server.catalog.service import product_details
from app.server.db import core_table
from app.server.inventory.models import StockLevel
from app.server.sync.service import head

CATALOG_MAX_PAGE = 500
STOCK_MAX_PAGE = 5000
_VARIANT = core_table(Variant)
_STOCK = core_table(StockLevel)


def catalog_page(*, db_session: Session, after: int, limit: int) -> CatalogSnapshotPage:
    """Active products with id > `after` in id order, each as GET /v1/products/{id} shows it;
    three queries whatever the page size (head, products, their variants)."""
    s = db_session
    limit = max(1, min(limit, CATALOG_MAX_PAGE))
    cursor = head(s)
    products = product_details(s, col(Product.id) > after, limit=limit + 1)
    more = len(products) > limit
    products = products[:limit]
    return CatalogSnapshotPage.model_validate(
        {
            "cursor": cursor,
            "products": products,
            "next_after": products[-1]["id"] if more else None,
        }
    )


def stock_page_json(
    *, db_session: Session, location_ids: Sequence[int], after: int, limit: int
) -> bytes:
    """The JSON of a `StockSnapshotPage`: the stock rows at `location_ids` of the `limit`
    variants after `after` (in variant id order, whether or not they have stock there), in
    (variant, location) order. Pages are cut between variants, never inside one, so a page
    holds a variant's rows at every followed location.

    Variants missing from the page's rows have no stock row at those locations (none yet, so
    nothing on hand). Four small queries whatever the page size: head, the page's last variant
    id, whether any follow, and the stock rows, found by primary key (variant, location) for
    each variant of the page, so the time does not grow with the locations not followed."""
    s = db_session
    limit = max(1, min(limit, STOCK_MAX_PAGE))
    locations = sorted(set(location_ids))
    cursor = head(s)
    by_id = select(_VARIANT.c.id).where(_VARIANT.c.id > after).order_by(_VARIANT.c.id)
    last = s.execute(by_id.offset(limit - 1).limit(1)).scalar()
    more = last is not None and (
        s.execute(select(_VARIANT.c.id).where(_VARIANT.c.id > last).limit(1)).first() is not None
    )
    next_after = last if more else None
    if not locations:
        return orjson.dumps({"cursor": cursor, "rows": [], "next_after": next_after})
    in_page = select(_VARIANT.c.id).where(_VARIANT.c.id > after)
    if last is not None:
        in_page = in_page.where(_VARIANT.c.id <= last)
    rows = s.execute(
        select(_STOCK.c.variant_id, _STOCK.c.location_id, _STOCK.c.on_hand, _STOCK.c.reserved)
        .where(_in_page(s, in_page), _STOCK.c.location_id.in_(locations))
        .order_by(_STOCK.c.variant_id, _STOCK.c.location_id)
    ).all()
    # Plain rows to orjson, not 6,000 pydantic models a page: they would double the time of
    # the whole request. Tests validate every page against `StockSnapshotPage`.
    return orjson.dumps(
        {
            "cursor": cursor,
            "rows": [
                {"variant_id": v, "location_id": loc, "on_hand": on_hand, "reserved": reserved}
                for v, loc, on_hand, reserved in rows
            ],
            "next_after": next_after,
        }
    )


def _in_page(session: Session, in_page: Select[tuple[int]]) -> ColumnElement[bool]:
    """stock.variant_id among the page's variants, said so that each database looks every
    (variant, followed location) up in the stock primary key. Left to plan a join or a range,
    SQLite reads all rows of the followed locations through the location index and PostgreSQL
    hashes them: ten times slower on the bench catalogue of 200 locations."""
    if session.get_bind().dialect.name == "sqlite":
        return _STOCK.c.variant_id.in_(in_page)
    # = ANY(array) lets the index scan take both columns; `IN (subquery)` becomes a join.
    ids = in_page.with_only_columns(func.array_agg(_VARIANT.c.id)).scalar_subquery()
    return _STOCK.c.variant_id == any_(cast(ids, ARRAY(Integer)))
