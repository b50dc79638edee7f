"""Associates (shop-floor staff, cashiers, managers) who log in on the tablets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

import app.server.db  # noqa: F401  (sets the constraint naming convention first)


class Associate(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=120)
    role: str = Field(max_length=16)  # associate | cashier | manager
    home_location_id: int = Field(foreign_key="location.id", index=True)
    pin_hash: str = Field(max_length=200)
    active: bool = True

    __table_args__ = (
        CheckConstraint("role in ('associate', 'cashier', 'manager')", name="ck_associate_role"),
    )


class AuthSession(SQLModel, table=True):
    """One log-in: its token names this row (`sid`), so log-out, deactivating the associate or
    revoking the tablet ends it before the token expires."""

    id: str = Field(primary_key=True, max_length=32)
    associate_id: int = Field(foreign_key="associate.id", index=True)
    device_id: str = Field(foreign_key="device.id", index=True, max_length=40)
    created_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None


class PinLock(SQLModel, table=True):
    """Wrong PINs counted per associate *and tablet*: a lock-out holds on the tablet where the
    guessing happened, so nobody can lock a colleague out of every tablet in the chain, and a
    guesser needs an enrolled tablet to try at all. A manager lifts it (POST .../unlock)."""

    associate_id: int = Field(foreign_key="associate.id", primary_key=True)
    device_id: str = Field(foreign_key="device.id", primary_key=True, max_length=40)
    failures: int = 0
    window_started_at: datetime | None = None
    locked_until: datetime | None = None
