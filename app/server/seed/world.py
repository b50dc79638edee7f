"""The generated rows of one data set, written table by table in foreign-key order."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import SQLModel

import app.server.models  # noqa: F401  (registers every table on the metadata)
from app.server.seed.activity import (
    CART_COLUMNS,
    CARTLINE_COLUMNS,
    SHELFSCAN_COLUMNS,
    TRYON_COLUMNS,
    WISHLIST_COLUMNS,
)
from app.server.seed.bulk import BulkWriter
from app.server.seed.catalog import (
    LOCATION_COLUMNS,
    PRODUCT_COLUMNS,
    STOCK_COLUMNS,
    STOCK_CONSTANTS,
    VARIANT_COLUMNS,
)
from app.server.seed.coupons import COUPON_COLUMNS, REDEMPTION_COLUMNS
from app.server.seed.orders import EVENT_COLUMNS, LINE_COLUMNS, LOYALTY_COLUMNS, ORDER_COLUMNS
from app.server.seed.people import ADDRESS_COLUMNS, ASSOCIATE_COLUMNS, CUSTOMER_COLUMNS

Rows = Sequence[Sequence[Any]]
FAST_ROWS = 50_000  # larger tables take the bulk writer's fast path

# Parents before children. Stock goes last: it is by far the largest table.
ORDER = (
    ("location", LOCATION_COLUMNS),
    ("product", PRODUCT_COLUMNS),
    ("variant", VARIANT_COLUMNS),
    ("customer", CUSTOMER_COLUMNS),
    ("customeraddress", ADDRESS_COLUMNS),
    ("associate", ASSOCIATE_COLUMNS),
    ("coupon", COUPON_COLUMNS),
    ("order", ORDER_COLUMNS),
    ("orderline", LINE_COLUMNS),
    ("orderstatusevent", EVENT_COLUMNS),
    ("redemption", REDEMPTION_COLUMNS),
    ("loyaltyentry", LOYALTY_COLUMNS),
    ("wishlistentry", WISHLIST_COLUMNS),
    ("tryon", TRYON_COLUMNS),
    ("cart", CART_COLUMNS),
    ("cartline", CARTLINE_COLUMNS),
    ("shelfscan", SHELFSCAN_COLUMNS),
    ("stocklevel", STOCK_COLUMNS),
)


@dataclass
class World:
    rows: dict[str, Rows] = field(default_factory=dict)
    stock: Iterable[Sequence[Any]] = ()
    stock_total: int = 0

    def write(self, writer: BulkWriter, progress: Callable[[str], None]) -> dict[str, int]:
        tables = SQLModel.metadata.tables
        for name, columns in ORDER:
            table = tables[name]
            if name == "stocklevel":
                progress(f"stocklevel: {self.stock_total:,} rows")
                writer.write(
                    table,
                    columns,
                    self.stock,
                    total=self.stock_total,
                    fast=True,
                    constants=STOCK_CONSTANTS,
                )
            else:
                rows = self.rows.get(name, ())
                writer.write(table, columns, rows, total=len(rows), fast=len(rows) > FAST_ROWS)
                progress(f"{name}: {len(rows):,} rows")
        writer.finish()
        return {name: writer.counts.get(name, 0) for name, _ in ORDER}
