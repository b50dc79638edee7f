from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from app.contracts.common import Request, Sku
from app.contracts.orders import OrderSummary
from app.contracts.promotions import CouponOut

Tier = Literal["classic", "silver", "gold", "platinum"]
WishlistChannel = Literal["web", "app", "store"]
TryOnOutcome = Literal["bought", "did_not_fit", "liked", "disliked"]
Access = Literal["consent", "visit", "none"]


class Consent(BaseModel):
    given: bool
    at: datetime | None
    source: str | None


class Consents(BaseModel):
    clienteling: Consent
    email: Consent
    sms: Consent


class CustomerSummary(BaseModel):
    """What a search shows. `masked` is true when personal data is hidden (no consent yet)."""

    id: int
    loyalty_number: str
    first_name: str
    last_name: str
    phone: str | None
    email: str | None
    tier: Tier
    masked: bool


class CustomerSearchResult(BaseModel):
    items: list[CustomerSummary]


class IdentifyRequest(Request):
    token: Annotated[str, StringConstraints(min_length=1, max_length=2048)]


class IdentifyResponse(BaseModel):
    customer: CustomerSummary
    access_until: datetime


class AddressOut(BaseModel):
    id: int
    label: str
    recipient: str
    line1: str
    district: str
    city: str
    postal_code: str
    phone: str | None
    is_default: bool


class CustomerProfile(BaseModel):
    id: int
    loyalty_number: str
    first_name: str
    last_name: str
    phone: str | None
    email: str | None
    tier: Tier
    points: int
    preferred_sizes: dict[str, str]
    consents: Consents
    addresses: list[AddressOut]
    created_at: datetime


class ItemRef(BaseModel):
    """A variant as shown inside a customer's lists."""

    sku: str
    product_id: int
    name_tr: str
    name_en: str
    brand: str
    size: str
    colour: str
    price_kurus: int


class WishlistItem(BaseModel):
    id: int
    item: ItemRef
    channel: WishlistChannel
    location_code: str | None
    created_at: datetime


class TryOnOut(BaseModel):
    id: int
    item: ItemRef
    outcome: TryOnOutcome
    note: str
    location_code: str
    associate_name: str | None
    tried_at: datetime


class CartLineOut(BaseModel):
    item: ItemRef
    quantity: int


class CartOut(BaseModel):
    id: int
    channel: Literal["web", "app"]
    updated_at: datetime
    lines: list[CartLineOut]
    total_kurus: int


class NoteOut(BaseModel):
    id: int
    body: str
    associate_name: str
    location_code: str
    created_at: datetime


class IdentityKey(BaseModel):
    """A public key of the customer's phone: a tablet that caches the customer keeps these to
    check their identity QR codes offline (public keys are not secret)."""

    key_id: str  # a string: 63-bit ids do not survive JavaScript's numbers
    public_key: str  # base64 of the raw 32-byte Ed25519 key


class CustomerView(BaseModel):
    """The single customer view: one person across web, app and every store."""

    profile: CustomerProfile
    access: Access
    wishlist: list[WishlistItem]
    try_ons: list[TryOnOut]
    cart: CartOut | None
    orders: list[OrderSummary]
    coupons: list[CouponOut]
    notes: list[NoteOut]
    identity_keys: list[IdentityKey] = []


class WishlistAdd(Request):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"sku": "RY-10001-GRI-STD"}]}
    )

    sku: Sku
    channel: WishlistChannel = "store"


class TryOnCreate(Request):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"sku": "RY-10001-GRI-STD", "outcome": "liked"}]},
    )

    sku: Sku
    outcome: TryOnOutcome
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class NoteCreate(Request):
    body: Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


class ConsentUpdate(Request):
    """Consent the customer gives (or withdraws) in the store; unset fields stay as they are."""

    clienteling: bool | None = None
    email: bool | None = None
    sms: bool | None = None
