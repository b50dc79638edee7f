from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from app.contracts.catalog import ProductDetail


class Change(BaseModel):
    seq: int
    entity: str
    entity_id: str
    op: Literal["upsert", "delete"]
    location_id: int | None
    customer_id: int | None
    payload: dict[str, Any]
    at: datetime


class ChangePage(BaseModel):
    changes: list[Change]
    next_cursor: int
    up_to_date: bool
    must_refetch: bool = Field(
        default=False,
        description="The tablet is further behind than the log keeps: take a fresh snapshot "
        "(GET /v1/sync/snapshot/...) and follow the feed from its cursor.",
    )


class CatalogSnapshotPage(BaseModel):
    """A page of the catalogue for a tablet's offline cache: products with their variants,
    in product id order."""

    cursor: int = Field(
        description="The change-log position this snapshot is at least as new as: after the "
        "last page, follow GET /v1/sync/changes from the cursor of the *first* page."
    )
    products: list[ProductDetail]
    next_after: int | None = Field(description="Product id to continue after; null at the end")


class StockRow(BaseModel):
    variant_id: int
    location_id: int
    on_hand: int
    reserved: int


class StockSnapshotPage(BaseModel):
    """A page of stock rows at the locations a tablet follows, in (variant, location) order."""

    cursor: int
    rows: list[StockRow]
    next_after: int | None = Field(description="Variant id to continue after; null at the end")


class Health(BaseModel):
    status: Literal["ok"]
    database: str
    version: str
