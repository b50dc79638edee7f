"""What a customer has under way in the stores, as the single customer view shows it: orders
waiting at their pickup store, what they brought back, and units moved between locations for
them. Codes, counts and states only: no pickup code (whoever holds it collects the order), no
associate's note, nothing the associate needs no more than the customer's own view gives."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.domain.fulfilment import Step
from app.domain.orders import OrderStatus
from app.domain.returns import RefundMethod
from app.domain.sourcing import FulfilmentType
from app.domain.transfers import TransferStatus


class PickupWaiting(BaseModel):
    """A click & collect or reserve-in-store order not collected yet (nor cancelled): still to
    pick, to mark ready, or ready and waiting for the customer. Also a parcel a store shipped
    home, on its way until delivered: `fulfilment_type` ship_to_home, step `done`, the store it
    left from as `pickup_location_code`, and its `carrier` and `tracking_number`."""

    order_id: int
    number: str
    status: OrderStatus
    fulfilment_type: FulfilmentType
    step: Step = Field(description="What the pickup store does next (as its queue says)")
    pickup_location_code: str
    placed_at: datetime
    due_on: date | None = Field(description="The day the customer was promised, store calendar")
    held_until: datetime | None = Field(description="The earliest end of its holds, if any")
    units: int
    units_waiting: int = Field(
        description="What the customer can take now: picked, not handed over, order ready"
    )
    # A shipped parcel's only; None for pickups and in views cached before parcels were shown.
    carrier: str | None = Field(default=None, description="Who carries the shipped parcel")
    tracking_number: str | None = Field(default=None, description="The carrier's tracking number")
    shipped_at: datetime | None = None


# A return is refunded (or credited) in the transaction that takes it: there is no pending
# return. What changes afterwards is how much of the order has come back.
ReturnState = Literal["part_of_order", "whole_order"]


class ReturnSummary(BaseModel):
    id: int
    order_id: int
    order_number: str
    location_code: str = Field(description="The store that took the items back")
    units: int
    refund_kurus: int
    currency: str
    refund_method: RefundMethod
    state: ReturnState = Field(
        description="The order now: `whole_order` once every unit bought has come back"
    )
    created_at: datetime


class TransferSummary(BaseModel):
    """A transfer asked for this customer (reason `customer`)."""

    id: int
    status: TransferStatus
    from_code: str
    to_code: str
    units: int = Field(description="Asked for")
    units_received: int = Field(description="Arrived sound at the receiving store")
    requested_at: datetime
    updated_at: datetime
