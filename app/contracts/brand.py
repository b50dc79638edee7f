"""What the brand's own web shop and app send Reyon about their customers' orders."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from app.contracts.orders import OrderCreate
from app.domain.channels import Channel

# The random per-phone id of the shelf pages' `reyon_v` cookie (storefront/routes.py).
VisitorRef = Annotated[
    str, StringConstraints(min_length=16, max_length=64, pattern=r"^[A-Za-z0-9]+$")
]


class BrandOrderCreate(OrderCreate):
    """An order the customer placed in the brand's web shop or app: the endless-aisle order's
    contract, plus where it was placed and the phone it came from. A click & collect or
    reserve-in-store order names its store (`fulfilment.location_id`)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer_id": 1,
                    "channel": "web",
                    "visitor_ref": "5f0c8e2a9b7d4c3e1a2b3c4d5e6f7a8b",
                    "lines": [{"sku": "RY-10001-GRI-STD", "quantity": 1}],
                    "fulfilment": {"type": "click_collect", "location_id": 1},
                }
            ]
        },
    )

    channel: Literal[Channel.WEB, Channel.APP]
    visitor_ref: VisitorRef | None = Field(
        default=None,
        description="The phone's `reyon_v` cookie, set by the shelf-label pages: the order is "
        "credited to the store of that phone's last shelf scan in the attribution window.",
    )
