"""Stock per variant and location, and the reservations that hold it for orders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from app.server.db import utcnow


class StockLevel(SQLModel, table=True):
    """Units at one location. Available = on_hand - reserved, never below zero (a CHECK
    constraint backs the conditional update that reserves)."""

    variant_id: int = Field(foreign_key="variant.id", primary_key=True)
    location_id: int = Field(foreign_key="location.id", primary_key=True, index=True)
    on_hand: int = 0
    reserved: int = 0
    # Units sent here by transfer, on their way: kept with the row so availability reads it free.
    incoming: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Returned units in this store's damaged bin: counted, never on hand, never sold.
    damaged: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("on_hand >= 0", name="ck_stock_on_hand"),
        CheckConstraint("reserved >= 0", name="ck_stock_reserved"),
        CheckConstraint("reserved <= on_hand", name="ck_stock_available"),
        CheckConstraint("incoming >= 0", name="ck_stock_incoming"),
        CheckConstraint("damaged >= 0", name="ck_stock_damaged"),
    )


class Reservation(SQLModel, table=True):
    """Units promised at a named location to one order line (or a hold), until released,
    fulfilled, or expired."""

    id: int | None = Field(default=None, primary_key=True)
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True)
    order_line_id: int | None = Field(default=None, foreign_key="orderline.id")
    variant_id: int = Field(foreign_key="variant.id")
    location_id: int = Field(foreign_key="location.id")
    quantity: int
    status: str = Field(default="held", max_length=16)  # held | released | fulfilled | expired
    expires_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None

    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_reservation_quantity"),
        CheckConstraint(
            "status in ('held', 'released', 'fulfilled', 'expired')", name="ck_reservation_status"
        ),
        Index("ix_reservation_open", "status", "expires_at"),
        Index("ix_reservation_stock", "variant_id", "location_id", "status"),
    )
