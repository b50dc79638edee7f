from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.contracts.common import EntityId, LocationId, Moment, Quantity, Request, Sku
from app.domain.channels import Channel
from app.domain.coupons import CouponKind

RedemptionStatus = Literal["reserved", "confirmed", "voided"]


class BasketLine(Request):
    sku: Sku
    quantity: Quantity


class Basket(Request):
    lines: Annotated[list[BasketLine], Field(min_length=1, max_length=100)]
    customer_id: EntityId | None = None
    channel: Channel = Channel.STORE


class CouponRef(Request):
    """A coupon by its printed code or by the signed token in its QR code (one of the two)."""

    code: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    token: Annotated[str, StringConstraints(min_length=1, max_length=2048)] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> CouponRef:
        if (self.code is None) == (self.token is None):
            raise ValueError("give exactly one of code or token")
        return self


class CouponValidateRequest(CouponRef):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "HOSGELDIN10",
                    "basket": {"lines": [{"sku": "RY-10001-GRI-STD", "quantity": 1}]},
                }
            ]
        },
    )

    basket: Basket


class RedemptionCreate(CouponRef):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "HOSGELDIN10",
                    "location_id": 1,
                    "till_id": "KASA-1",
                    "sale_ref": "IST01-2026-000123",
                    "basket": {"lines": [{"sku": "RY-10001-GRI-STD", "quantity": 2}]},
                }
            ]
        },
    )

    location_id: LocationId
    # Recorded as the enrolled tablet that sends it (the server replaces what is sent here).
    till_id: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    sale_ref: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    basket: Basket
    offline_at: Moment | None = Field(
        default=None,
        description="Set by a till that redeemed this coupon while offline, within its store's "
        "offline limit: when the sale happened. The server settles it on arrival; if the coupon "
        "was used up elsewhere meanwhile, the loss is recorded for the store's manager and the "
        "answer is 409 offline-redemption-lost.",
    )


class CouponOut(BaseModel):
    code: str
    campaign: str
    kind: CouponKind
    value: int
    min_basket_kurus: int
    valid_from: datetime
    valid_until: datetime
    channels: list[Channel]
    max_redemptions: int | None
    per_customer_limit: int | None
    redeemed_count: int
    customer_id: int | None


class CouponValidation(BaseModel):
    coupon: CouponOut
    applies: bool
    basket_total_kurus: int
    discount_kurus: int
    reasons: list[str]


class RedemptionOut(BaseModel):
    id: int
    coupon_code: str
    status: RedemptionStatus
    customer_id: int | None
    order_id: int | None
    location_id: int | None
    till_id: str | None
    sale_ref: str | None
    associate_id: int | None
    discount_kurus: int
    basket_total_kurus: int
    created_at: datetime
    voided_at: datetime | None


class OfflineCouponPolicy(BaseModel):
    """How much a store's tills may redeem while offline, per till per local day. Zero (the
    default): no offline redemption at all; every coupon needs the server's word at the till."""

    location_id: int
    max_count_per_till_day: int
    max_value_kurus_per_till_day: int
    updated_at: datetime | None
    updated_by: int | None = Field(description="The manager who set it")


class OfflineCouponPolicyUpdate(Request):
    max_count_per_till_day: Annotated[int, Field(ge=0, le=1000)]
    max_value_kurus_per_till_day: Annotated[int, Field(ge=0, le=10**10)]


class OfflineRedemptionLoss(BaseModel):
    """An offline redemption that lost the race: the sale gave the discount, but the coupon
    was used up (or refused) before the till's redemption reached the server."""

    id: int
    coupon_code: str
    location_id: int
    till_id: str
    sale_ref: str
    associate_id: int | None
    discount_kurus: int
    offline_at: datetime
    arrived_at: datetime
    reason: str
