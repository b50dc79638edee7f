"""The append-only change log tablets pull, and the idempotency records behind safe retries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.server.db import utcnow


class ChangeLog(SQLModel, table=True):
    """One row per changed entity. `seq` is strictly increasing in commit order (see
    sync/changelog.py for how that holds with several writers on PostgreSQL)."""

    seq: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    entity: str = Field(max_length=24)
    entity_id: str = Field(max_length=64)
    op: str = Field(default="upsert", max_length=8)  # upsert | delete
    location_id: int | None = Field(default=None)  # stock rows: the location they belong to
    customer_id: int | None = Field(default=None)  # customer-scoped rows
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        Index("ix_changelog_location_seq", "location_id", "seq"),
        # Never reuse a sequence number on SQLite, even after the newest rows are pruned.
        {"sqlite_autoincrement": True},
    )


class IdempotencyRecord(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=64)  # who: the associate, so keys of two people never collide
    key: str = Field(max_length=200)
    method: str = Field(max_length=8)
    path: str = Field(max_length=200)
    fingerprint: str = Field(max_length=64)
    state: str = Field(default="running", max_length=8)  # running | done
    response_status: int | None = None
    response_body: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, index=True)
    locked_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (UniqueConstraint("scope", "key", name="uq_idempotency_scope_key"),)
