"""Exchanges: lines of a received order taken back and a replacement given for them in one
step, from this store's shelf or ordered from elsewhere, with only the difference paid."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.contracts.common import Quantity, Request, Sku
from app.contracts.orders import Fulfilment, OrderOut
from app.contracts.returns import ReturnCreate, ReturnOut
from app.domain.exchanges import Direction, ReplacementSource
from app.domain.returns import RefundMethod
from app.domain.sourcing import FulfilmentType

# What an exchange may order from elsewhere: a hold in a store is this store's shelf
# (from_shelf) or a click & collect elsewhere; the customer does not come back to pay.
ORDERED_FULFILMENTS = (FulfilmentType.SHIP_TO_HOME, FulfilmentType.CLICK_COLLECT)


class ReplacementIn(Request):
    sku: Sku
    quantity: Quantity


class ExchangeCreate(ReturnCreate):
    """The lines going back, as for a return, and what the customer takes instead. Empty
    `replacements` is refused (422 `exchange-no-replacement`): that is a return. `refund_method`
    says how a negative difference goes back. Send it with an Idempotency-Key made when the
    associate confirmed."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "lines": [
                        {"order_line_id": 1, "quantity": 1, "reason": "wrong_size",
                         "condition": "sellable"}
                    ],
                    "replacements": [{"sku": "RY-10001-GRI-L", "quantity": 1}],
                    "source": "from_shelf",
                    "refund_method": "original_payment",
                },
                {
                    "lines": [{"order_line_id": 1, "quantity": 1, "reason": "wrong_size"}],
                    "replacements": [{"sku": "RY-10001-GRI-XL", "quantity": 1}],
                    "source": "order",
                    "fulfilment": {"type": "click_collect"},
                },
            ]
        },
    )  # fmt: skip

    replacements: Annotated[list[ReplacementIn], Field(max_length=50)]
    source: ReplacementSource
    fulfilment: Fulfilment | None = Field(
        default=None, description="Only for source `order`: delivery home or click & collect"
    )

    @model_validator(mode="after")
    def _source_and_fulfilment(self) -> ExchangeCreate:
        skus = [r.sku for r in self.replacements]
        if len(skus) != len(set(skus)):
            raise ValueError("each sku may be replaced once; raise its quantity instead")
        if self.source == ReplacementSource.FROM_SHELF:
            if self.fulfilment is not None:
                raise ValueError("from_shelf takes no fulfilment: it is handed over here, now")
        elif self.fulfilment is None or self.fulfilment.type not in ORDERED_FULFILMENTS:
            raise ValueError("an ordered replacement is sent home (ship_to_home) or collected "
                             "in a store (click_collect)")  # fmt: skip
        return self


class Settlement(BaseModel):
    # The new order's total less the value taken back: positive paid by the customer,
    # negative paid back to them.
    difference_kurus: int
    direction: Direction
    amount_kurus: int  # what moved, whichever way (0 for none)
    currency: str
    method: RefundMethod | None  # how a refund went back; None when nothing was refunded
    provider: str | None  # the payment provider that charged or refunded; None otherwise
    # The provider's charge or refund id, the store credit's reference, or ours when nothing
    # moved: one per exchange.
    reference: str


class ExchangeOut(BaseModel):
    returned: ReturnOut  # the return, its `exchange_order_id` the new order
    order: OrderOut
    settlement: Settlement
