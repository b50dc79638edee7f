from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.contracts.common import EntityId, LocationId, Quantity, Request, Sku
from app.domain.channels import Channel
from app.domain.contact import Channel as ContactChannel
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType

Name = Annotated[str, StringConstraints(min_length=1, max_length=160, strip_whitespace=True)]
Line = Annotated[str, StringConstraints(min_length=1, max_length=240, strip_whitespace=True)]
Place = Annotated[str, StringConstraints(max_length=60, strip_whitespace=True)]
City = Annotated[str, StringConstraints(min_length=1, max_length=60, strip_whitespace=True)]


class Address(Request):
    recipient: Name
    line1: Line
    district: Place = ""
    city: City
    postal_code: Annotated[str, StringConstraints(pattern=r"^[0-9]{0,10}$")] = ""
    phone: Annotated[str, StringConstraints(max_length=20)] | None = None


class Fulfilment(Request):
    type: FulfilmentType
    address: Address | None = None
    address_id: EntityId | None = Field(default=None, description="A saved address instead")
    location_id: LocationId | None = Field(
        default=None, description="Pickup or reservation store; defaults to the associate's store"
    )

    @model_validator(mode="after")
    def _address_only_for_shipping(self) -> Fulfilment:
        if self.type == "ship_to_home":
            if self.address is None and self.address_id is None:
                raise ValueError("ship_to_home needs an address or an address_id")
            if self.address is not None and self.address_id is not None:
                raise ValueError("give either an address or an address_id, not both")
        elif self.address is not None or self.address_id is not None:
            raise ValueError(f"{self.type} takes no address")
        return self


class OrderLineIn(Request):
    sku: Sku
    quantity: Quantity
    source_location_id: LocationId | None = None


class OrderCreate(Request):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "customer_id": 1,
                    "lines": [{"sku": "RY-10001-GRI-STD", "quantity": 1}],
                    "fulfilment": {
                        "type": "ship_to_home",
                        "address": {
                            "recipient": "Ayşe Yılmaz",
                            "line1": "Bağdat Cad. No: 12 D: 3",
                            "district": "Kadıköy",
                            "city": "İstanbul",
                            "postal_code": "34710",
                        },
                    },
                }
            ]
        },
    )

    customer_id: EntityId
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=50)]
    fulfilment: Fulfilment
    coupon: Annotated[str, StringConstraints(min_length=1, max_length=2048)] | None = None

    @model_validator(mode="after")
    def _one_line_per_sku(self) -> OrderCreate:
        skus = [line.sku for line in self.lines]
        if len(skus) != len(set(skus)):
            raise ValueError("each sku may appear on one line only; raise its quantity instead")
        return self


class OrderCancel(Request):
    reason: Annotated[str, StringConstraints(max_length=500)] = ""


class OrderLineOut(BaseModel):
    id: int
    sku: str
    # The API always names these; the defaults read answers a tablet cached before them.
    product_id: int | None = None
    name_tr: str
    name_en: str
    size: str
    colour: str
    colour_en: str = ""
    quantity: int
    unit_price_kurus: int
    kdv_rate: int
    discount_kurus: int
    line_total_kurus: int
    source_location_id: int
    source_location_code: str
    source_location_name: str = ""
    # Until when the line's units are held at the source (reserve in store, click & collect);
    # None when nothing is held for it (shipped, collected, released).
    held_until: datetime | None = None


class StatusEventOut(BaseModel):
    status: OrderStatus
    at: datetime
    note: str


class OrderOut(BaseModel):
    id: int
    number: str
    customer_id: int | None
    channel: Channel
    status: OrderStatus
    fulfilment_type: FulfilmentType
    ship_to: dict[str, str | None] | None
    pickup_location_id: int | None
    store_location_id: int | None
    associate_id: int | None
    coupon_code: str | None
    subtotal_kurus: int
    discount_kurus: int
    total_kurus: int
    kdv_kurus: int
    currency: str
    placed_at: datetime
    lines: list[OrderLineOut]
    history: list[StatusEventOut]
    # The day the customer can expect it at home or in the pickup store (a domain rule on
    # where the lines ship from); None where no promise is made.
    expected_on: date | None = None


class OrderSummary(BaseModel):
    id: int
    number: str
    channel: Channel
    status: OrderStatus
    fulfilment_type: FulfilmentType
    store_location_code: str | None
    total_kurus: int
    item_count: int
    placed_at: datetime


class PayLinkOut(BaseModel):
    """What the tablet shows as a QR code after an endless-aisle order: the customer scans it
    and pays on their own phone."""

    order_id: int
    url: str
    expires_at: datetime


class PayLinkSend(Request):
    """Send the order's pay link to its own customer's phone or e-mail address on file (never
    to one typed here), in their language. A transactional message: no marketing consent."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"channel": "sms", "lang": "tr"}]}
    )

    channel: ContactChannel
    lang: Literal["tr", "en"] = "tr"


class PayLinkSent(BaseModel):
    order_id: int
    channel: ContactChannel
    sent_to: str  # masked: "*** *** 45 67", "a***@e***.com"
    expires_at: datetime
