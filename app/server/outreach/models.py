"""A look (the products an associate picked for one client, with a personal line) and the
message that carries it: a row the worker claims, sends once and settles."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.domain.outreach import MessageStatus
from app.server.db import EnumText, utcnow


class Look(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    associate_id: int = Field(foreign_key="associate.id")
    location_id: int = Field(foreign_key="location.id")  # the store whose stock the page shows
    channel: str = Field(max_length=12)  # email | sms | whatsapp
    lang: str = Field(max_length=2)
    template: str = Field(default="", max_length=32)
    line: str = Field(max_length=500)  # the associate's personal words
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("channel in ('email', 'sms', 'whatsapp')", name="ck_look_channel"),
        Index("ix_look_customer", "customer_id", "created_at"),
        Index("ix_look_associate", "associate_id", "created_at"),
    )


class LookItem(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    look_id: int = Field(foreign_key="look.id", index=True)
    variant_id: int = Field(foreign_key="variant.id")
    position: int

    __table_args__ = (UniqueConstraint("look_id", "variant_id", name="uq_lookitem_variant"),)


class OutreachMessage(SQLModel, table=True):
    """One per look, written in the look's transaction. The worker claims it with a conditional
    update and a lease, checks consent and quiet hours again, sends, then settles it; a claim
    left by a killed worker is taken over after the lease."""

    id: int | None = Field(default=None, primary_key=True)
    look_id: int = Field(foreign_key="look.id", unique=True)
    customer_id: int = Field(foreign_key="customer.id")
    channel: str = Field(max_length=12)
    status: MessageStatus = Field(sa_type=EnumText(MessageStatus, 12))
    not_before: datetime = Field(default_factory=utcnow)  # the end of quiet hours, or now
    claimed_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=64)  # the worker, for the log
    attempts: int = 0
    reason: str | None = Field(default=None, max_length=200)  # why it waits or failed (no PII)
    sent_at: datetime | None = None
    opened_at: datetime | None = None  # the e-mail's picture was fetched (first time)
    clicked_at: datetime | None = None  # the look page was opened from the link (first time)
    visits: int = 0
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("attempts >= 0", name="ck_outreachmessage_attempts"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="ck_outreachmessage_sent"),
        Index("ix_outreachmessage_due", "status", "not_before"),
        Index("ix_outreachmessage_customer", "customer_id", "created_at"),
    )
