"""Shelf-QR scans: a customer's phone opened a product page from a label in a store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.server.db import utcnow


class ShelfScan(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    product_id: int = Field(foreign_key="product.id")
    variant_id: int | None = Field(default=None, foreign_key="variant.id")
    location_id: int = Field(foreign_key="location.id")
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    visitor_ref: str | None = Field(default=None, max_length=64)
    scanned_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        Index("ix_shelfscan_location", "location_id", "scanned_at"),
        Index("ix_shelfscan_visitor", "visitor_ref", "scanned_at"),
    )
