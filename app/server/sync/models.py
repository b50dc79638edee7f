"""The append-only change log tablets pull, how far it has been pruned, and which customers each
tablet holds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, Integer, Text, text
from sqlmodel import Field, SQLModel

from app.server.db import utcnow


class ChangeLog(SQLModel, table=True):
    """One row per changed entity. `id` is the order rows were written in; `seq`, the feed's
    position, is strictly increasing in commit order and given once the row is committed
    (None until then on PostgreSQL; see sync/changelog.py for why and how)."""

    id: int | None = Field(
        default=None,
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
        ),
    )
    seq: int | None = Field(
        default=None, sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"))
    )
    entity: str = Field(max_length=24)
    entity_id: str = Field(max_length=64)
    op: str = Field(default="upsert", max_length=8)  # upsert | delete
    location_id: int | None = Field(default=None)  # stock rows: the location they belong to
    customer_id: int | None = Field(default=None)  # customer-scoped rows
    payload: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        Index("ux_changelog_seq", "seq", unique=True),
        Index("ix_changelog_location_seq", "location_id", "seq"),
        # The rows still to be numbered, found without walking the log.
        Index(
            "ix_changelog_unnumbered",
            "id",
            postgresql_where=text("seq IS NULL"),
            sqlite_where=text("seq IS NULL"),
        ),
        # Never reuse an id on SQLite, even after the newest rows are pruned: there `seq` is
        # the id (one writer commits at a time).
        {"sqlite_autoincrement": True},
    )


class SyncHorizon(SQLModel, table=True):
    """One row (id 1): the highest change-log seq housekeeping has pruned. A tablet whose cursor
    is below it has missed changes for good and must take a fresh snapshot. Kept apart from the
    log, not read off min(seq): PostgreSQL sequences leave gaps after rollbacks, so the oldest
    row left says nothing about what was deleted before it."""

    id: int = Field(default=1, primary_key=True, sa_column_kwargs={"autoincrement": False})
    pruned_through: int = Field(sa_type=BigInteger)
    pruned_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (CheckConstraint("id = 1", name="ck_synchorizon_one_row"),)


class DeviceCustomer(SQLModel, table=True):
    """The customers a tablet (by the device id it logged in with) holds in its offline cache:
    those it opened in the single customer view or identified by QR code. Customer-scoped
    changes go only to these tablets; housekeeping forgets pairs not opened for a while."""

    device_id: str = Field(primary_key=True, max_length=64)
    customer_id: int = Field(primary_key=True, foreign_key="customer.id")
    last_opened_at: datetime = Field(default_factory=utcnow, index=True)
