from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
    model_validator,
)

from app.contracts.common import Request, Sku
from app.contracts.media import product_image_url
from app.contracts.orders import OrderSummary
from app.contracts.promotions import CouponOut
from app.contracts.store_side import PickupWaiting, ReturnSummary, TransferSummary
from app.domain import consent
from app.domain.consent import Lang, Method, Purpose
from app.domain.contact import Channel
from app.domain.loyalty import Tier

WishlistChannel = Literal["web", "app", "store"]
TryOnOutcome = Literal["bought", "did_not_fit", "liked", "disliked"]
Access = Literal["consent", "visit", "none"]


class Consent(BaseModel):
    given: bool
    at: datetime | None
    source: str | None


_NOT_GIVEN = Consent(given=False, at=None, source=None)


class Consents(BaseModel):
    clienteling: Consent
    email: Consent
    sms: Consent
    # Later than the others: a tablet's cache may hold consents written before it existed.
    whatsapp: Consent = _NOT_GIVEN


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
    points: int  # spendable
    # Promised on orders not yet paid (or collected, per the retailer's rule): not spendable
    # yet, and gone if the order is cancelled. 0 in views cached before the API said it.
    pending_points: int = 0
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
    colour_en: str = ""  # "" in views cached before the API said it: the Turkish name shows

    @computed_field  # type: ignore[prop-decorator]
    @property
    def thumb_url(self) -> str:
        """The product's picture in this colour, 160 x 200, relative to the API."""
        return product_image_url(self.product_id, self.colour, "thumb")


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
    # Under way in the stores (store_side.py); empty in views cached before the API said them.
    pickups_waiting: list[PickupWaiting] = Field(default_factory=list, description="Oldest first")
    returns: list[ReturnSummary] = Field(default_factory=list, description="Latest first")
    transfers: list[TransferSummary] = Field(default_factory=list, description="Latest first")


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


class ConsentChallengeCreate(Request):
    """Send a one-time code to the customer's phone or e-mail address on file (never to one
    typed here), in their language, for them to read back as proof of their consent."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"channel": "sms", "lang": "tr"}]}
    )

    channel: Channel
    lang: Lang = "tr"


class ConsentChallengeOut(BaseModel):
    id: int
    channel: Channel
    sent_to: str  # masked: "*** *** 45 67", "a***@e***.com"
    expires_at: datetime


# Proofs are plain models: a discriminated union cannot run Request's "before" validators on
# `kind`; their fields are a literal and digits, with no room for NUL or a stray boolean.
class CodeProof(BaseModel):
    """The code the customer received and read back."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["code"]
    challenge_id: Annotated[int, Field(ge=1, le=2**31 - 1, strict=True)]
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class VisitProof(BaseModel):
    """The customer's identity QR code, scanned at this store a moment ago."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["visit"]


ConsentProof = Annotated[CodeProof | VisitProof, Field(discriminator="kind")]


def _known_text(version: str) -> str:
    if not consent.known_version(version):
        raise ValueError(f"unknown consent text version; the current one is {consent.TEXT_VERSION}")
    return version


TextVersion = Annotated[
    str,
    StringConstraints(max_length=20),
    AfterValidator(_known_text),
    Field(json_schema_extra={"enum": sorted(consent.TEXTS)}),  # the versions clients may name
]


class _ConsentChoices(Request):
    """What the customer says yes or no to; unset purposes stay as they are."""

    clienteling: bool | None = None
    email: bool | None = None
    sms: bool | None = None
    whatsapp: bool | None = None
    # The version of the consent text (app/domain/consent.py) the customer was shown.
    text_version: TextVersion

    @model_validator(mode="after")
    def _something(self) -> Self:
        if all(getattr(self, p) is None for p in consent.PURPOSES):
            raise ValueError("give at least one of " + ", ".join(consent.PURPOSES))
        return self

    def choices(self) -> dict[consent.Purpose, bool]:
        return {p: v for p in consent.PURPOSES if (v := getattr(self, p)) is not None}


class ConsentUpdate(_ConsentChoices):
    """Consent the customer gives (or withdraws) in the store, with their proof."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "clienteling": True,
                    "text_version": consent.TEXT_VERSION,
                    "proof": {"kind": "code", "challenge_id": 1, "code": "123456"},
                }
            ]
        },
    )

    # Optional in the schema so that a request without it is told what is missing: 403
    # consent-proof-required, like a proof that does not hold.
    proof: ConsentProof | None = None


class BrandConsentUpdate(_ConsentChoices):
    """Consent the customer gives or withdraws themselves, in the brand app."""


class ConsentEventOut(BaseModel):
    id: int
    purpose: Purpose
    given: bool
    at: datetime
    method: Method
    text_version: str
    location_code: str | None
    associate_name: str | None
    challenge_id: int | None
    visit_grant_id: int | None
