"""Transfers of units between locations, and their lines (app/domain/transfers.py has the rules).

The counters on a line are backed by CHECK constraints, so no interleaving of requests can send
more than was asked for or receive more than was sent, whatever the code path."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.domain.transfers import TransferReason, TransferStatus
from app.server.db import EnumText, utcnow


class Transfer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    from_location_id: int = Field(foreign_key="location.id")
    to_location_id: int = Field(foreign_key="location.id")
    status: TransferStatus = Field(sa_type=EnumText(TransferStatus, 16))
    reason: TransferReason = Field(sa_type=EnumText(TransferReason, 16))
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    note: str = Field(default="", max_length=200)
    requested_by: int = Field(foreign_key="associate.id")
    requested_at: datetime = Field(default_factory=utcnow)
    sent_by: int | None = Field(default=None, foreign_key="associate.id")
    sent_at: datetime | None = None
    received_by: int | None = Field(default=None, foreign_key="associate.id")
    received_at: datetime | None = None
    closed_by: int | None = Field(default=None, foreign_key="associate.id")
    closed_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("from_location_id <> to_location_id", name="ck_transfer_locations"),
        CheckConstraint(
            "status in ('requested', 'sent', 'received', 'partly_received', 'cancelled', "
            "'refused')",
            name="ck_transfer_status",
        ),
        CheckConstraint("reason in ('customer', 'shelf')", name="ck_transfer_reason"),
        CheckConstraint("reason = 'shelf' OR customer_id IS NOT NULL", name="ck_transfer_customer"),
        # The sender's task list and the receiver's incoming list, oldest first.
        Index("ix_transfer_outgoing", "from_location_id", "status", "requested_at"),
        Index("ix_transfer_incoming", "to_location_id", "status", "requested_at"),
    )


class TransferLine(SQLModel, table=True):
    """One item of a transfer: asked for, sent, on the way, received sound or damaged. The
    units held at the sender until it sends are the reservation `reservation_id`; the units on
    the way are also counted in the receiver's StockLevel.incoming (in the same transaction),
    which is what availability reads."""

    id: int | None = Field(default=None, primary_key=True)
    transfer_id: int = Field(foreign_key="transfer.id")
    variant_id: int = Field(foreign_key="variant.id")
    sku: str = Field(max_length=40)
    quantity: int
    reservation_id: int | None = Field(default=None, foreign_key="reservation.id")
    sent: int = 0
    in_transit: int = 0
    received: int = 0
    damaged: int = 0

    __table_args__ = (
        UniqueConstraint("transfer_id", "variant_id"),
        CheckConstraint("quantity > 0", name="ck_transferline_quantity"),
        CheckConstraint("sent >= 0 AND sent <= quantity", name="ck_transferline_sent"),
        CheckConstraint("in_transit >= 0 AND in_transit <= sent", name="ck_transferline_transit"),
        CheckConstraint(
            "received >= 0 AND damaged >= 0 AND received + damaged <= sent",
            name="ck_transferline_received",
        ),
    )
