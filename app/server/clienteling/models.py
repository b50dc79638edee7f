"""Who looks after which client, and the follow-up tasks that keep the relationship."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.domain.clienteling import TaskKind, TaskStatus
from app.server.db import EnumText, utcnow


class ClientAssignment(SQLModel, table=True):
    """A manager gave this client to this associate at their store. One per customer and
    store (the unique key, not a check in code, holds it when two managers act at once);
    moving a client rewrites the row."""

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    store_id: int = Field(foreign_key="location.id")
    associate_id: int = Field(foreign_key="associate.id")
    assigned_by: int = Field(foreign_key="associate.id")
    at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        UniqueConstraint("customer_id", "store_id", name="uq_clientassignment_store"),
        Index("ix_clientassignment_associate", "associate_id", "store_id"),
    )


class FollowUpTask(SQLModel, table=True):
    """Something an associate should do for a client by a local day. Automatic tasks carry
    `source_ref` (the order, cart, hold, wishlist entry or year they came from): the unique key
    (kind, customer, source_ref) makes each once, however many workers run the generation."""

    id: int | None = Field(default=None, primary_key=True)
    associate_id: int | None = Field(default=None, foreign_key="associate.id")  # None: managers'
    customer_id: int = Field(foreign_key="customer.id", index=True)
    store_id: int = Field(foreign_key="location.id")
    kind: TaskKind = Field(sa_type=EnumText(TaskKind, 16))
    due_on: date  # the store's local day
    status: TaskStatus = Field(default=TaskStatus.OPEN, sa_type=EnumText(TaskStatus, 8))
    snoozed_until: date | None = None
    done_at: datetime | None = None
    done_by: int | None = Field(default=None, foreign_key="associate.id")
    note: str = Field(default="", max_length=500)
    source_ref: str | None = Field(default=None, max_length=80)
    created_by: int | None = Field(default=None, foreign_key="associate.id")  # None: automatic
    handed_from: int | None = Field(default=None, foreign_key="associate.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        UniqueConstraint("kind", "customer_id", "source_ref", name="uq_followuptask_source"),
        CheckConstraint(
            "kind in ('after_purchase', 'birthday', 'abandoned_cart', 'back_in_stock', "
            "'hold_expiring', 'lapsed', 'manual')",
            name="ck_followuptask_kind",
        ),
        CheckConstraint("status in ('open', 'done', 'snoozed')", name="ck_followuptask_status"),
        CheckConstraint("kind = 'manual' OR source_ref IS NOT NULL", name="ck_followuptask_ref"),
        CheckConstraint("(status = 'done') = (done_at IS NOT NULL)", name="ck_followuptask_done"),
        CheckConstraint(
            "status <> 'snoozed' OR snoozed_until IS NOT NULL", name="ck_followuptask_snoozed"
        ),
        Index("ix_followuptask_associate", "associate_id", "status", "due_on"),
        Index("ix_followuptask_store", "store_id", "status", "due_on"),
    )
