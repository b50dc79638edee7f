"""The loyalty ledger: every earn and burn, from every channel. Customer.points is the sum of its
spendable kinds; a placed order's points wait as a pending row (app/domain/loyalty.py, EntryKind)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.server.db import utcnow


class LoyaltyEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    kind: str = Field(max_length=16)  # an EntryKind: earn | burn | reversal | adjust | pending ...
    points: int  # signed: burns and reversals are negative
    channel: str = Field(max_length=16)
    order_id: int | None = Field(default=None, foreign_key="order.id")
    location_id: int | None = Field(default=None, foreign_key="location.id")
    note: str = Field(default="", max_length=200)
    at: datetime = Field(default_factory=utcnow)

    __table_args__ = (Index("ix_loyalty_customer", "customer_id", "at"),)
