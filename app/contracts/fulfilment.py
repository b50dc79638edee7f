"""Preparing and handing over orders at the pickup store (click & collect, reserve in store):
the store's queue, picking by scan, marking ready, the hand-over, overdue pickups, and the
pickup code the brand app shows; and parcels a store sends home (pack, ship)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.contracts.common import EntityId, Quantity, Request
from app.domain.channels import Channel
from app.domain.consent import Lang
from app.domain.contact import Channel as ContactChannel
from app.domain.fulfilment import HandOverProof, NoticeStatus, Overdue, ShipmentStatus, Step
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType

# An EAN-13 from the product's barcode, or the SKU a hang tag's Code 128 carries.
Barcode = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$"
    ),
]
# The customer's identity QR code or the order's pickup code, as scanned.
ScannedCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]


class PickRequest(Request):
    """One scan at the shelf: `quantity` units of the scanned item put aside for the order."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"barcode": "8690000000017"}]}
    )

    barcode: Barcode
    quantity: Quantity = 1


class ReadyRequest(Request):
    """Mark an order ready; the customer is told in `lang` (their language)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"lang": "tr"}]})

    lang: Lang = "tr"


class HandOverLineIn(Request):
    line_id: EntityId
    quantity: Quantity


class HandOverRequest(Request):
    """The customer's proof (`code`: their app's identity QR code, or the order's pickup code)
    and what they take now: `lines`, or, when left out, everything ready."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"code": "RY1HA...", "lines": None}]},
    )

    code: ScannedCode
    lines: Annotated[list[HandOverLineIn], Field(min_length=1, max_length=50)] | None = None

    @model_validator(mode="after")
    def _one_entry_per_line(self) -> HandOverRequest:
        ids = [line.line_id for line in self.lines or ()]
        if len(ids) != len(set(ids)):
            raise ValueError("each line may appear once; raise its quantity instead")
        return self


class PackRequest(Request):
    """The store's parcel is packed: how many boxes and, when weighed, their weight."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"parcels": 1, "weight_grams": 850}]}
    )

    parcels: Annotated[int, Field(ge=1, le=20)] = 1
    weight_grams: Annotated[int, Field(ge=1, le=70_000)] | None = None


class ShipRequest(Request):
    """Book the carrier and ship the packed parcel; the customer is told in `lang`."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"lang": "tr"}]})

    lang: Lang = "tr"


class ParcelOut(BaseModel):
    """The parcel this store sends home for the order: packed, then shipped with a carrier."""

    status: ShipmentStatus
    parcels: int
    weight_grams: int | None
    packed_at: datetime
    carrier: str | None = None
    tracking_number: str | None = None
    label_url: str | None = None
    shipped_at: datetime | None = None


class PickupLine(BaseModel):
    line_id: int
    sku: str
    ean13: str | None
    product_id: int
    name_tr: str
    name_en: str
    size: str
    colour: str
    colour_en: str
    quantity: int
    picked: int
    collected: int


class PickupOrder(BaseModel):
    """An order as the store prepares it: what to do next (`step`), when it is due (`due_on`,
    the day the customer was promised) and until when it is held (`held_until`, the earliest
    end of its holds), with every line's progress.

    A parcel sent home from this store (`fulfilment_type` ship_to_home) steps through pick,
    pack, ship, done; its `lines` are only those sourced at this store, `pickup_location_id`
    is the store that sends it, and `parcel` says how far packing and shipping have come."""

    order_id: int
    number: str
    status: OrderStatus
    fulfilment_type: FulfilmentType
    channel: Channel
    step: Step
    pickup_location_id: int
    customer_id: int | None
    customer_name: str  # masked ("A*** Y***") unless you may see the customer
    placed_at: datetime
    due_on: date | None
    held_until: datetime | None
    lines: list[PickupLine]
    parcel: ParcelOut | None = None  # a parcel this store packed; None for pickups


class PickupQueue(BaseModel):
    location_id: int
    orders: list[PickupOrder]  # oldest first


class PickOut(BaseModel):
    order: PickupOrder
    line_id: int
    sku: str
    quantity: int  # counted by this scan


class NoticeOut(BaseModel):
    """The customer's notice that the order is ready: `channel` one they consented to (None:
    none can take it now); `status` pending until sent (a worker retries what is pending)."""

    id: int
    channel: ContactChannel | None
    status: NoticeStatus
    lang: Lang


class ReadyOut(BaseModel):
    order: PickupOrder
    notice: NoticeOut | None  # None for an order without a customer
    last_day: date | None  # the hold's last day, in the store's calendar


class PackOut(BaseModel):
    order: PickupOrder
    parcel: ParcelOut


class ShipOut(BaseModel):
    order: PickupOrder
    parcel: ParcelOut
    notice: NoticeOut | None  # None for an order without a customer


class HandedOverLine(BaseModel):
    line_id: int
    sku: str
    quantity: int


class HandOverOut(BaseModel):
    order: PickupOrder
    handed_over: list[HandedOverLine]
    proof: HandOverProof
    complete: bool  # every unit collected: the order is collected


class OverduePickup(BaseModel):
    order: PickupOrder
    reason: Overdue
    deadline: datetime | None


class OverduePickups(BaseModel):
    location_id: int
    as_of: datetime
    orders: list[OverduePickup]  # oldest first


class PickupCodeOut(BaseModel):
    """What the brand app shows the customer to collect the order: the code as text and as a
    QR code (SVG)."""

    order_id: int
    number: str
    payload: str
    expires_at: datetime
    pickup_location_id: int
    qr_svg: str
