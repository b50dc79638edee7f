"""Returns taken back in a store: the return, its lines, and the store credit a customer may
take instead of money. The units a line may still give back are counted on the order line itself
(OrderLine.returned, with a CHECK), so no interleaving of requests can refund a line twice."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.domain.returns import Condition, RefundMethod, ReturnReason
from app.server.db import EnumText, utcnow


class OrderReturn(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    location_id: int = Field(foreign_key="location.id")  # the store that took the items back
    associate_id: int = Field(foreign_key="associate.id")
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    refund_method: RefundMethod = Field(sa_type=EnumText(RefundMethod, 20))
    refund_kurus: int
    currency: str = Field(default="TRY", max_length=3)
    refund_provider: str | None = Field(default=None, max_length=32)
    # The provider's refund id, or the store credit's: one refund is one return.
    refund_reference: str = Field(max_length=80, unique=True)
    points_reversed: int = 0
    note: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    # An exchange (exchanges.py): the order the returned value paid for. Its refund_kurus is
    # still the value taken back (points and later returns of the order count it), while only
    # the difference moved money: refund_reference names that charge, refund or credit.
    exchange_order_id: int | None = Field(default=None, foreign_key="order.id")

    __table_args__ = (
        CheckConstraint("refund_kurus >= 0", name="ck_orderreturn_refund"),
        CheckConstraint("points_reversed >= 0", name="ck_orderreturn_points"),
        # A new order pays for one exchange only; the index also finds it from the order.
        Index("uq_orderreturn_exchange_order", "exchange_order_id", unique=True),
    )


class ReturnLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    return_id: int = Field(foreign_key="orderreturn.id", index=True)
    order_line_id: int = Field(foreign_key="orderline.id", index=True)
    variant_id: int = Field(foreign_key="variant.id")
    quantity: int
    reason: ReturnReason = Field(sa_type=EnumText(ReturnReason, 20))
    condition: Condition = Field(sa_type=EnumText(Condition, 12))
    refund_kurus: int

    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_returnline_quantity"),
        CheckConstraint("refund_kurus >= 0", name="ck_returnline_refund"),
        UniqueConstraint("return_id", "order_line_id"),
    )


class StoreCredit(SQLModel, table=True):
    """Money a customer took as credit for a return instead of a refund to their card, for a
    later purchase. One row per return (unique), so a replayed return never credits twice."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    return_id: int = Field(foreign_key="orderreturn.id", unique=True)
    amount_kurus: int
    currency: str = Field(default="TRY", max_length=3)
    location_id: int = Field(foreign_key="location.id")
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (CheckConstraint("amount_kurus > 0", name="ck_storecredit_amount"),)
