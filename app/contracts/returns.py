"""Returns from any channel in any store: finding the order and what of it may come back,
taking lines back with a reason and the item's condition, and the refund that follows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.contracts.common import EntityId, Quantity, Request
from app.domain.channels import Channel
from app.domain.orders import OrderStatus
from app.domain.returns import Condition, RefundMethod, ReturnReason, StockPlace

Note = Annotated[str, StringConstraints(max_length=200, strip_whitespace=True)]


class ReturnLineIn(Request):
    order_line_id: EntityId
    quantity: Quantity
    reason: ReturnReason
    condition: Condition = Condition.SELLABLE


class ReturnCreate(Request):
    """The lines brought back and how the customer is paid back. Send it with an
    Idempotency-Key made when the associate confirmed: a queued or retried return is taken
    once."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "lines": [
                        {
                            "order_line_id": 1,
                            "quantity": 1,
                            "reason": "wrong_size",
                            "condition": "sellable",
                        }
                    ],
                    "refund_method": "original_payment",
                }
            ]
        },
    )

    lines: Annotated[list[ReturnLineIn], Field(min_length=1, max_length=50)]
    refund_method: RefundMethod = RefundMethod.ORIGINAL_PAYMENT
    note: Note = ""

    @model_validator(mode="after")
    def _one_entry_per_line(self) -> ReturnCreate:
        ids = [line.order_line_id for line in self.lines]
        if len(ids) != len(set(ids)):
            raise ValueError("each order line may appear once; raise its quantity instead")
        return self


class ReturnedLine(BaseModel):
    order_line_id: int
    sku: str
    quantity: int
    reason: ReturnReason
    condition: Condition
    refund_kurus: int
    stock: StockPlace  # where the units are counted now, at the returning store


class ReturnOut(BaseModel):
    id: int
    order_id: int
    order_number: str
    location_id: int  # the store that took the items back
    location_code: str
    associate_id: int
    lines: list[ReturnedLine]
    refund_kurus: int
    currency: str
    refund_method: RefundMethod
    refund_reference: str  # the provider's refund id, or the store credit's reference
    points_reversed: int
    order_fully_returned: bool
    note: str
    created_at: datetime
    # An exchange's return: the order its value paid for (refund_kurus is that value; only the
    # difference moved money, see the exchange's settlement). None for a plain return.
    exchange_order_id: int | None = None


class ReturnList(BaseModel):
    returns: list[ReturnOut]


class ReturnableLine(BaseModel):
    order_line_id: int
    sku: str
    ean13: str | None  # the barcode on the item, to find its line by scanning
    product_id: int  # for the line's picture
    name_tr: str
    name_en: str
    size: str
    colour: str
    colour_en: str
    quantity: int  # bought
    returned: int
    returnable: int
    line_total_kurus: int  # paid for the whole line, after the coupon's share
    next_unit_refund_kurus: int  # what returning one more unit would refund (0 when none left)


class ReturnableOrder(BaseModel):
    order_id: int
    number: str
    channel: Channel
    status: OrderStatus
    customer_id: int | None
    total_kurus: int
    currency: str
    placed_at: datetime
    received_at: datetime | None  # collected or delivered; None while it has not arrived
    last_day: date | None  # the last local day of the return window
    # None when it may be returned now; else the problem type a return would be refused with.
    refusal: str | None
    refund_methods: list[RefundMethod]
    lines: list[ReturnableLine]


class ReturnLookup(BaseModel):
    orders: list[ReturnableOrder]
