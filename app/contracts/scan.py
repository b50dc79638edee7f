"""What the tablet scanned, and the server's reading of it: one entry point for every code."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from app.contracts.common import EntityId, Request
from app.contracts.customers import CustomerSummary
from app.domain.coupons import CouponKind

ScanKind = Literal["identity", "coupon", "shelf", "pay_link", "ean13", "sku", "unknown"]
Refusal = Literal["malformed", "wrong_kind", "bad_signature", "expired", "replayed", "unknown_key"]


class ScanRequest(Request):
    # Whatever the camera, a hardware scanner or the associate's typing produced.
    payload: Annotated[str, StringConstraints(min_length=1, max_length=2048)]


class ScannedCoupon(BaseModel):
    coupon_id: int
    code: str
    campaign: str
    kind: CouponKind
    value: int
    expires_at: datetime
    customer_id: int | None


class ScannedProduct(BaseModel):
    product_id: int
    sku: str | None
    store_code: str | None


class ScanResult(BaseModel):
    """`kind` says what was scanned; `valid` whether it may be acted on, and when not,
    `reason` (machine) and `detail` (for the associate) say why. For an identity code the
    customer is identified (the code is used up); coupons are only read, never redeemed."""

    kind: ScanKind
    valid: bool
    reason: Refusal | Literal["not_found"] | None = None
    detail: str | None = None
    customer: CustomerSummary | None = None
    access_until: datetime | None = None
    coupon: ScannedCoupon | None = None
    product: ScannedProduct | None = None
    order_id: int | None = None


class QrKeys(BaseModel):
    """What a tablet caches to check coupon codes offline: key id -> base64 raw Ed25519."""

    coupon_keys: dict[str, str]
    active_key: str
    identity_step_seconds: int


class DeviceKeyCreate(Request):
    customer_id: EntityId
    public_key: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    label: Annotated[str, StringConstraints(max_length=80)] = ""


class DeviceKeyOut(BaseModel):
    # A string: 63-bit ids do not survive JavaScript's numbers in the brand app.
    key_id: str
    customer_id: int
    created_at: datetime


class CouponCodeOut(BaseModel):
    code: str
    campaign: str
    payload: str  # what the brand app renders as the coupon's QR code
