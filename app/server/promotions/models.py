"""Coupons and their redemptions at tills, on the website and on endless-aisle orders."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.domain.channels import Channel
from app.domain.coupons import CouponKind
from app.qr.coupon import new_public_id
from app.server.db import EnumText, utcnow


class Coupon(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    # The unguessable id carried in the coupon's QR code (base32 of 80 random bits); the
    # printed code may be a shared campaign code, this one never is. A unique index rather
    # than a constraint: SQLite can add one to a table that holds coupons already.
    public_id: str | None = Field(
        default_factory=new_public_id, max_length=16, unique=True, index=True
    )
    campaign: str = Field(max_length=80)
    kind: CouponKind = Field(sa_type=EnumText(CouponKind, 16))  # percent: value in basis points
    value: int
    min_basket_kurus: int = 0
    valid_from: datetime
    valid_until: datetime
    channels: str = Field(default="web,app,store,endless_aisle", max_length=80)
    # None = unlimited; 1 = single use. Claimed atomically with redeemed_count < max_redemptions.
    max_redemptions: int | None = None
    per_customer_limit: int | None = None
    customer_id: int | None = Field(default=None, foreign_key="customer.id", index=True)
    redeemed_count: int = 0
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("kind in ('percent', 'amount')", name="ck_coupon_kind"),
        CheckConstraint("value > 0", name="ck_coupon_value"),
        CheckConstraint("redeemed_count >= 0", name="ck_coupon_count"),
        CheckConstraint(
            "max_redemptions is null or redeemed_count <= max_redemptions",
            name="ck_coupon_limit",
        ),
    )


class Redemption(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    coupon_id: int = Field(foreign_key="coupon.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    order_id: int | None = Field(default=None, foreign_key="order.id", index=True)
    channel: Channel = Field(sa_type=EnumText(Channel, 16))
    location_id: int | None = Field(default=None, foreign_key="location.id")
    till_id: str | None = Field(default=None, max_length=40)
    sale_ref: str | None = Field(default=None, max_length=80)
    associate_id: int | None = Field(default=None, foreign_key="associate.id")
    status: str = Field(max_length=16)  # reserved | confirmed | voided
    discount_kurus: int
    basket_total_kurus: int
    created_at: datetime = Field(default_factory=utcnow)
    voided_at: datetime | None = None
    voided_by: int | None = Field(default=None, foreign_key="associate.id")
    # When the sale happened, for a redemption a till made offline and sent later.
    offline_at: datetime | None = None

    __table_args__ = (
        CheckConstraint(
            "status in ('reserved', 'confirmed', 'voided')", name="ck_redemption_status"
        ),
        Index("ix_redemption_customer", "coupon_id", "customer_id", "status"),
        Index("ix_redemption_location", "location_id", "created_at"),
    )


class OfflineCouponPolicyRow(SQLModel, table=True):
    """A store's offline redemption limit per till per local day; no row means zero (none)."""

    __tablename__ = "offlinecouponpolicy"

    location_id: int = Field(
        foreign_key="location.id", primary_key=True, sa_column_kwargs={"autoincrement": False}
    )
    max_count_per_till_day: int = 0
    # Up to 10**10 kuruş by the contract: beyond a 32-bit integer.
    max_value_kurus_per_till_day: int = Field(default=0, sa_type=BigInteger)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: int | None = Field(default=None, foreign_key="associate.id")

    __table_args__ = (
        CheckConstraint("max_count_per_till_day >= 0", name="ck_offlinecouponpolicy_count"),
        CheckConstraint("max_value_kurus_per_till_day >= 0", name="ck_offlinecouponpolicy_value"),
    )


class OfflineRedemptionLossRow(SQLModel, table=True):
    """An offline redemption the server refused on arrival: the till gave the discount anyway."""

    __tablename__ = "offlineredemptionloss"

    id: int | None = Field(default=None, primary_key=True)
    coupon_id: int = Field(foreign_key="coupon.id")
    location_id: int = Field(foreign_key="location.id")
    till_id: str = Field(max_length=40)
    sale_ref: str = Field(max_length=80)
    associate_id: int | None = Field(default=None, foreign_key="associate.id")
    discount_kurus: int
    basket_total_kurus: int
    offline_at: datetime
    arrived_at: datetime = Field(default_factory=utcnow)
    reason: str = Field(max_length=40)

    __table_args__ = (
        # One sale loses one coupon once, even when the till sends it again under a new key.
        UniqueConstraint(
            "location_id", "sale_ref", "coupon_id", name="uq_offlineredemptionloss_sale"
        ),
        Index("ix_offlineredemptionloss_location", "location_id", "arrived_at"),
    )
