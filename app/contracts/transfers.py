"""Transfers of units between stores (and from the online warehouse): the request, the sender's
task list, sending, receiving by scanning, and the differences found on arrival."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.contracts.common import EntityId, LocationId, Quantity, Request, Sku
from app.contracts.fulfilment import Barcode
from app.domain.transfers import TransferReason, TransferStatus

Units = Annotated[int, Field(ge=0, le=999)]
Scans = Annotated[list[Barcode], Field(max_length=2000)]


class TransferLineIn(Request):
    sku: Sku
    quantity: Quantity


class TransferCreate(Request):
    """Ask `from_location_id` (another store or the online warehouse) for units, sent to your
    own store: for a customer (`customer_id`) or for the shelf."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "from_location_id": 2,
                    "reason": "shelf",
                    "lines": [{"sku": "RY-10001-GRI-STD", "quantity": 2}],
                }
            ]
        },
    )

    from_location_id: LocationId
    reason: TransferReason
    customer_id: EntityId | None = None
    lines: Annotated[list[TransferLineIn], Field(min_length=1, max_length=50)]
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""

    @model_validator(mode="after")
    def _consistent(self) -> TransferCreate:
        skus = [line.sku for line in self.lines]
        if len(skus) != len(set(skus)):
            raise ValueError("each SKU may appear once; raise its quantity instead")
        if self.reason == TransferReason.CUSTOMER and self.customer_id is None:
            raise ValueError("a transfer for a customer names the customer (customer_id)")
        if self.reason == TransferReason.SHELF and self.customer_id is not None:
            raise ValueError("a transfer for the shelf names no customer")
        return self


class CountedLine(Request):
    """Units of one item counted by the number on a scanner rather than one scan each."""

    barcode: Barcode
    quantity: Units = 0
    damaged: Units = 0


class SendRequest(Request):
    """What went into the box, by scanning (`scans`: one code per unit, EAN-13 or SKU) and/or
    counted `lines`. Left out altogether: everything asked for was sent."""

    scans: Scans = Field(default_factory=list)
    lines: Annotated[list[CountedLine], Field(max_length=50)] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> SendRequest:
        if any(line.damaged for line in self.lines):
            raise ValueError("damaged units are counted by the receiver, not the sender")
        if not self.scans and not any(line.quantity for line in self.lines):
            raise ValueError("count at least one unit, or send no body to send everything")
        return self


class ReceiveRequest(Request):
    """What came out of the box, by scanning each unit (`scans` sound, `damaged` not sellable)
    and/or counted `lines`. What was sent and is not counted here is recorded as short."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"scans": ["8690000000017", "8690000000017"]}]},
    )

    scans: Scans = Field(default_factory=list)
    damaged: Scans = Field(default_factory=list)
    lines: Annotated[list[CountedLine], Field(max_length=50)] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something(self) -> ReceiveRequest:
        counted = any(line.quantity or line.damaged for line in self.lines)
        if not self.scans and not self.damaged and not counted:
            raise ValueError("scan at least one unit")
        return self


class TransferLineOut(BaseModel):
    line_id: int
    sku: str
    ean13: str | None
    product_id: int
    name_tr: str
    name_en: str
    size: str
    colour: str
    colour_en: str
    quantity: int  # asked for
    sent: int  # left the sender
    in_transit: int  # on the way now
    received: int  # arrived sound
    damaged: int  # arrived, not sellable
    not_sent: int  # asked for, never sent (known once sent)
    short: int  # sent, never arrived (known once received)


class TransferOut(BaseModel):
    id: int
    status: TransferStatus
    reason: TransferReason
    customer_id: int | None
    from_location_id: int
    from_code: str
    from_name: str
    to_location_id: int
    to_code: str
    to_name: str
    requested_by: int
    note: str
    requested_at: datetime
    sent_at: datetime | None
    received_at: datetime | None
    closed_at: datetime | None  # received, cancelled or refused
    lines: list[TransferLineOut]


class TransferList(BaseModel):
    location_id: int
    direction: Literal["outgoing", "incoming"]
    transfers: list[TransferOut]  # oldest first
