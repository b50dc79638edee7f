"""The idempotency records behind safe retries: key, request fingerprint and first response.
The table kept its name when the class moved here from sync/models.py (migrations expect it)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.server.db import utcnow


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
