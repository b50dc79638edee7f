"""Orders from every channel (web, app, store, endless aisle), their lines and status history;
what the pickup store picked and handed over, the parcels stores send home, and the notices
that tell the customer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, text
from sqlmodel import Field, SQLModel

from app.domain.channels import Channel
from app.domain.fulfilment import HandOverProof, NoticeKind, NoticeStatus, ShipmentStatus
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
    # At the pickup store: units put aside for the customer, and units handed over to them.
    picked: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    collected: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Units the customer brought back (app/server/returns): never more than bought.
    returned: int = Field(default=0, sa_column_kwargs={"server_default": "0"})

    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_orderline_quantity"),
        # The database, not only the conditional updates, refuses picking more than ordered
        # and handing over more than picked.
        CheckConstraint("picked >= 0 AND picked <= quantity", name="ck_orderline_picked"),
        CheckConstraint("collected >= 0 AND collected <= picked", name="ck_orderline_collected"),
        # However many tablets take the same line back at once, the database itself refuses
        # the unit that would make a line refunded twice.
        CheckConstraint("returned >= 0 AND returned <= quantity", name="ck_orderline_returned"),
    )


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


class OrderHandover(SQLModel, table=True):
    """Units of one line handed over at the pickup store: by whom, how the customer proved the
    order theirs, when. A partial pickup leaves a row per line and visit."""

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    order_line_id: int = Field(foreign_key="orderline.id")
    quantity: int
    location_id: int = Field(foreign_key="location.id")
    associate_id: int = Field(foreign_key="associate.id")
    proof: HandOverProof = Field(sa_type=EnumText(HandOverProof, 16))
    # Who showed their identity QR code; None for a pickup code (whoever holds it).
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    at: datetime = Field(default_factory=utcnow)

    __table_args__ = (CheckConstraint("quantity > 0", name="ck_orderhandover_quantity"),)


class Shipment(SQLModel, table=True):
    """The parcel a store sends to the customer's home with the order's lines sourced there:
    packed, then booked with a carrier and shipped. One per order and store: the unique index,
    not only the order row's lock, refuses a second parcel for the same lines."""

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    location_id: int = Field(foreign_key="location.id")  # the store it leaves from
    status: ShipmentStatus = Field(sa_type=EnumText(ShipmentStatus, 12))
    parcels: int = 1
    weight_grams: int | None = None
    packed_by: int = Field(foreign_key="associate.id")
    packed_at: datetime = Field(default_factory=utcnow)
    carrier: str | None = Field(default=None, max_length=32)
    tracking_number: str | None = Field(default=None, max_length=64)
    label_url: str | None = Field(default=None, max_length=500)
    shipped_by: int | None = Field(default=None, foreign_key="associate.id")
    shipped_at: datetime | None = None

    __table_args__ = (
        CheckConstraint("status in ('packed', 'shipped')", name="ck_shipment_status"),
        CheckConstraint("parcels >= 1", name="ck_shipment_parcels"),
        CheckConstraint("weight_grams IS NULL OR weight_grams > 0", name="ck_shipment_weight"),
        # Shipped means booked: a shipped row always says with whom and how to follow it.
        CheckConstraint(
            "status = 'packed' OR (carrier IS NOT NULL AND tracking_number IS NOT NULL)",
            name="ck_shipment_booked",
        ),
        Index("uq_shipment_order_location", "order_id", "location_id", unique=True),
    )


class CustomerNotice(SQLModel, table=True):
    """A message to a customer about their order (ready to collect), written in the same
    transaction as its cause; sent at once when a channel they consented to can take it,
    otherwise kept pending for a worker. The address is read from the customer when sending,
    so a changed phone number is used and no copy of it is kept here."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True)
    kind: NoticeKind = Field(sa_type=EnumText(NoticeKind, 24))
    channel: str | None = Field(default=None, max_length=8)  # sms | email; None: none yet
    lang: str = Field(default="tr", max_length=2)
    subject: str = Field(max_length=200)
    text: str = Field(max_length=1000)
    status: NoticeStatus = Field(sa_type=EnumText(NoticeStatus, 12))
    attempts: int = 0
    created_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None  # a sender's lease on it (status sending)
    sent_at: datetime | None = None

    __table_args__ = (
        CheckConstraint("channel in ('sms', 'email')", name="ck_customernotice_channel"),
        CheckConstraint("lang in ('tr', 'en')", name="ck_customernotice_lang"),
        Index("ix_customernotice_status", "status", "created_at"),
    )
