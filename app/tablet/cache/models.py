"""The cache's tables. They live in their own SQLModel registry: the central API's tables
share SQLModel's default metadata, and a tablet must never create those."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, LargeBinary, Text, text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class CacheModel(SQLModel, registry=registry()):
    pass


class CachedProduct(CacheModel, table=True):
    __tablename__ = "product"

    id: int = Field(primary_key=True)
    style_code: str = Field(index=True)
    detail: str = Field(sa_column=Column(Text, nullable=False))  # ProductDetail JSON
    search_text: str = Field(sa_column=Column(Text, nullable=False))  # folded, for FTS


class CachedVariant(CacheModel, table=True):
    __tablename__ = "variant"

    id: int = Field(primary_key=True)
    product_id: int = Field(index=True)
    sku: str = Field(unique=True)
    ean13: str = Field(index=True)


class CachedStock(CacheModel, table=True):
    __tablename__ = "stock"

    variant_id: int = Field(primary_key=True)
    location_id: int = Field(primary_key=True)
    on_hand: int
    reserved: int


class CachedLocation(CacheModel, table=True):
    __tablename__ = "location"

    id: int = Field(primary_key=True)
    code: str
    detail: str = Field(sa_column=Column(Text, nullable=False))  # LocationOut JSON


class CachedCustomer(CacheModel, table=True):
    """A customer this tablet opened with their consent or their QR: the single customer view
    as last seen, purged after the retention period (personal data only as long as needed)."""

    __tablename__ = "customer"

    id: int = Field(primary_key=True)
    view: str = Field(sa_column=Column(Text, nullable=False))  # CustomerView JSON
    opened_at: datetime
    stale: bool = False  # the feed says it changed: refetch when online


class KnownAssociate(CacheModel, table=True):
    """Someone who logged in on this tablet before, for offline log-in: a slow salted hash of
    the PIN (never the PIN), the failures counted here, and their last session."""

    __tablename__ = "associate"

    store_code: str = Field(primary_key=True)
    associate_code: str = Field(primary_key=True)
    pin_hash: str
    failed_pins: int = 0
    failed_window_started_at: datetime | None = None
    locked_until: datetime | None = None
    session: str = Field(sa_column=Column(Text, nullable=False))  # LoginResponse JSON
    last_login_at: datetime


class CachedPicture(CacheModel, table=True):
    """A product picture this tablet has shown, by its URL (the URL names the picture and its
    version: a kept one is never stale). Bounded in bytes; the least recently shown go first."""

    __tablename__ = "picture"

    url: str = Field(primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    size: int
    shown_at: datetime = Field(index=True)


class SyncState(CacheModel, table=True):
    """Small named values: the feed cursor, the followed locations, the last sync time. The
    cursor is written in the same transaction as the rows it covers."""

    __tablename__ = "sync_state"

    name: str = Field(primary_key=True)
    value: str


class OutboxCommand(CacheModel, table=True):
    """One write the tablet made, waiting for the central API, in the order it was made."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # the Idempotency-Key, made when the associate tapped
    kind: str  # order | try_on | wishlist | note | redemption | ...
    method: str
    path: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    associate_code: str  # whose session sends it: an order names its associate
    store_code: str
    customer_id: int | None = None
    label: str = ""  # what the associate sees in the queue
    till_id: str | None = None  # a redemption: the till it was made at
    amount_kurus: int | None = None  # a redemption: the discount given at the till
    status: str = "pending"  # pending | sending | sent | failed
    attempts: int = 0
    next_attempt_at: datetime
    claimed_by: str | None = None  # the process sending it now
    claimed_until: datetime | None = None
    error_kind: str | None = None  # the API's problem type when it refused
    error_detail: str | None = None
    response: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime
    sent_at: datetime | None = None

    __table_args__ = (
        Index("ix_outbox_status_id", "status", "id"),
        # The queue still to send, in order: what every claim walks (partial, so it stays
        # small however many sent commands the outbox keeps).
        Index(
            "ix_outbox_open",
            "id",
            sqlite_where=text("status IN ('pending', 'sending')"),
        ),
    )
