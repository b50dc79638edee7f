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
    failed_pins: int = 0
    failed_window_started_at: datetime | None = None
    locked_until: datetime | None = None

    __table_args__ = (
        CheckConstraint("role in ('associate', 'cashier', 'manager')", name="ck_associate_role"),
    )
