"""Orders from every channel (web, app, store, endless aisle), their lines and status history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, text
from sqlmodel import Field, SQLModel

from app.domain.channels import Channel
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType
from app.server.db import EnumText, utcnow


class Order(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=32, unique=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    channel: Channel = Field(sa_type=EnumText(Channel, 16))
    status: OrderStatus = Field(sa_type=EnumText(OrderStatus, 16))
    fulfilment_type: FulfilmentType = Field(sa_type=EnumText(FulfilmentType, 20))
    ship_to: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON(none_as_null=True)))
    pickup_location_id: int | None = Field(default=None, foreign_key="location.id")
    # Attribution: the store and associate that made the sale (commission, store credit).
    store_location_id: int | None = Field(default=None, foreign_key="location.id")
    associate_id: int | None = Field(default=None, foreign_key="associate.id")
    coupon_id: int | None = Field(default=None, foreign_key="coupon.id")
    subtotal_kurus: int
    discount_kurus: int = 0
    total_kurus: int
    kdv_kurus: int
    currency: str = Field(default="TRY", max_length=3)
    placed_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        Index("ix_order_customer", "customer_id", "placed_at"),
        Index("ix_order_store", "store_location_id", "placed_at"),
        CheckConstraint("total_kurus >= 0", name="ck_order_total"),
    )


class OrderLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    variant_id: int = Field(foreign_key="variant.id")
    sku: str = Field(max_length=40)
    quantity: int
    unit_price_kurus: int
    kdv_rate: int
    discount_kurus: int = 0
    line_total_kurus: int
    source_location_id: int = Field(foreign_key="location.id")

    __table_args__ = (CheckConstraint("quantity > 0", name="ck_orderline_quantity"),)


class OrderStatusEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    status: OrderStatus = Field(sa_type=EnumText(OrderStatus, 16))
    at: datetime = Field(default_factory=utcnow)
    associate_id: int | None = Field(default=None, foreign_key="associate.id")
    note: str = Field(default="", max_length=500)


class Payment(SQLModel, table=True):
    """A payment taken for an order through a payment provider (the customer's own phone,
    from the pay link). At most one succeeded payment per order: the order's status moves
    from placed to paid with a conditional update in the same transaction."""

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    provider: str = Field(max_length=32)
    provider_ref: str = Field(max_length=80)
    amount_kurus: int
    currency: str = Field(default="TRY", max_length=3)
    status: str = Field(max_length=16)  # succeeded | failed
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("status in ('succeeded', 'failed')", name="ck_payment_status"),
        CheckConstraint("amount_kurus >= 0", name="ck_payment_amount"),
        # The database, not the code path, guarantees one succeeded payment per order.
        Index(
            "uq_payment_order_succeeded",
            "order_id",
            unique=True,
            sqlite_where=text("status = 'succeeded'"),
            postgresql_where=text("status = 'succeeded'"),
        ),
    )
