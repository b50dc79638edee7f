"""Customers as one person across channels: profile, consent, addresses, saved items, try-ons,
carts, notes, and the visit grants that let an associate open a profile."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, CheckConstraint, Column, Index, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from app.domain.loyalty import Tier
from app.server.db import EnumText, utcnow


class Customer(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    loyalty_number: str = Field(max_length=20, unique=True)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    phone: str | None = Field(default=None, max_length=20, index=True)  # +90XXXXXXXXXX
    email: str | None = Field(default=None, max_length=200, index=True)  # lower-case
    tier: Tier = Field(default=Tier.CLASSIC, sa_type=EnumText(Tier, 16))
    points: int = 0  # balance; the loyalty ledger is the source of truth
    preferred_sizes: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON(none_as_null=True))
    )
    birth_date: date | None = None  # for the birthday follow-up (clienteling)
    # KVKK / GDPR consent, each with when and where it was given (a location code or channel).
    consent_clienteling: bool = False
    consent_clienteling_at: datetime | None = None
    consent_clienteling_source: str | None = Field(default=None, max_length=32)
    consent_email: bool = False
    consent_email_at: datetime | None = None
    consent_email_source: str | None = Field(default=None, max_length=32)
    consent_sms: bool = False
    consent_sms_at: datetime | None = None
    consent_sms_source: str | None = Field(default=None, max_length=32)
    consent_whatsapp: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    consent_whatsapp_at: datetime | None = None
    consent_whatsapp_source: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (CheckConstraint("points >= 0", name="ck_customer_points"),)


class CustomerAddress(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    label: str = Field(default="", max_length=40)
    recipient: str = Field(max_length=160)
    line1: str = Field(max_length=240)
    district: str = Field(default="", max_length=60)
    city: str = Field(max_length=60)
    postal_code: str = Field(default="", max_length=10)
    phone: str | None = Field(default=None, max_length=20)
    is_default: bool = False


class WishlistEntry(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    variant_id: int = Field(foreign_key="variant.id")
    channel: str = Field(max_length=16)  # web | app | store
    location_id: int | None = Field(default=None, foreign_key="location.id")
    associate_id: int | None = Field(default=None, foreign_key="associate.id")
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (UniqueConstraint("customer_id", "variant_id", name="uq_wishlist_item"),)


class TryOn(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    variant_id: int = Field(foreign_key="variant.id")
    location_id: int = Field(foreign_key="location.id")
    associate_id: int | None = Field(default=None, foreign_key="associate.id")
    outcome: str = Field(max_length=16)  # bought | did_not_fit | liked | disliked
    note: str = Field(default="", max_length=500)
    tried_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (Index("ix_tryon_customer", "customer_id", "tried_at"),)


class Cart(SQLModel, table=True):
    """An online cart (web or app). The open one is what the customer left behind."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    channel: str = Field(max_length=16)  # web | app
    status: str = Field(default="open", max_length=16)  # open | converted
    updated_at: datetime = Field(default_factory=utcnow)


class CartLine(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cart_id: int = Field(foreign_key="cart.id", index=True)
    variant_id: int = Field(foreign_key="variant.id")
    quantity: int
    added_at: datetime = Field(default_factory=utcnow)


class CustomerNote(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    associate_id: int = Field(foreign_key="associate.id")
    location_id: int = Field(foreign_key="location.id")
    body: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)


class VisitGrant(SQLModel, table=True):
    """A customer identified themselves (scanned their QR) to this associate's store: their
    profile may be shown unmasked there until `expires_at`, even without standing consent."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    location_id: int = Field(foreign_key="location.id")
    associate_id: int = Field(foreign_key="associate.id")
    granted_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime

    __table_args__ = (Index("ix_visitgrant_lookup", "customer_id", "location_id", "expires_at"),)


class DeviceKey(SQLModel, table=True):
    """The public half of a key pair made by the brand app on a customer's phone. Identity QR
    codes are signed with the private half, which never leaves the phone."""

    # Random, not sequential: the id is in every identity code and must not count customers.
    id: int = Field(primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False})
    customer_id: int = Field(foreign_key="customer.id", index=True)
    public_key: str = Field(max_length=64)  # base64 of the raw 32-byte Ed25519 key
    label: str = Field(default="", max_length=80)  # "Ayşe's iPhone", shown when revoking
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None


class IdentityCodeUse(SQLModel, table=True):
    """The replay store: an identity code, once accepted anywhere, is refused everywhere.
    The primary key does the refusing: a second INSERT of (key, step) conflicts, whichever
    API process or till tries it. Rows older than the code's lifetime are purged."""

    device_key_id: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    step: int = Field(
        primary_key=True, sa_type=BigInteger, sa_column_kwargs={"autoincrement": False}
    )
    location_id: int | None = Field(default=None, foreign_key="location.id")
    used_at: datetime = Field(default_factory=utcnow, index=True)


class ConsentChallenge(SQLModel, table=True):
    """A one-time code sent to the customer's phone or e-mail on file, for them to read back to
    the associate as proof of their consent. Only its keyed hash is kept."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    channel: str = Field(max_length=8)  # sms | email
    # HMAC-SHA256 (the server's signing key) of the salt and the code, hex.
    code_salt: str = Field(max_length=32)
    code_hash: str = Field(max_length=64)
    location_id: int = Field(foreign_key="location.id")
    associate_id: int = Field(foreign_key="associate.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    failed_attempts: int = 0
    used_at: datetime | None = None

    __table_args__ = (
        CheckConstraint("channel in ('sms', 'email')", name="ck_consentchallenge_channel"),
        CheckConstraint("failed_attempts >= 0", name="ck_consentchallenge_failed"),
        Index("ix_consentchallenge_customer", "customer_id", "created_at"),
    )


class ConsentEvent(SQLModel, table=True):
    """Every consent given or withdrawn, with who, where, when, how and the text shown: the
    record a retailer shows the data protection authority. The customer's consent_* columns
    hold the current state; this table is its history, never updated."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    purpose: str = Field(max_length=16)  # clienteling | email | sms | whatsapp
    given: bool
    at: datetime = Field(default_factory=utcnow)
    location_id: int | None = Field(default=None, foreign_key="location.id")  # None: the app
    associate_id: int | None = Field(default=None, foreign_key="associate.id")
    method: str = Field(max_length=16)  # qr | sms-code | email-code | app | link
    text_version: str = Field(max_length=20)
    challenge_id: int | None = Field(default=None, foreign_key="consentchallenge.id")
    visit_grant_id: int | None = Field(default=None, foreign_key="visitgrant.id")

    __table_args__ = (
        CheckConstraint(
            "purpose in ('clienteling', 'email', 'sms', 'whatsapp')", name="ck_consentevent_purpose"
        ),
        CheckConstraint(
            "method in ('qr', 'sms-code', 'email-code', 'app', 'link')",
            name="ck_consentevent_method",
        ),
        Index("ix_consentevent_customer", "customer_id", "at"),
    )
