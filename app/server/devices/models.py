"""Tablets enrolled in a store, and the one-time codes a manager makes to enrol one."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

import app.server.db  # noqa: F401  (sets the constraint naming convention first)


class Device(SQLModel, table=True):
    # Made by the server ("IST01-3f9a1c2e"), never chosen by the tablet: it names the till and
    # the change feed, so a claimed id must not reach another tablet's data.
    id: str = Field(primary_key=True, max_length=40)
    store_id: int = Field(foreign_key="location.id", index=True)
    name: str = Field(max_length=80)
    # sha256 of a 256-bit random secret: a slow hash adds nothing to a secret nobody can guess,
    # and every log-in checks it.
    secret_hash: str = Field(max_length=64)
    enrolled_at: datetime
    enrolled_by: int | None = Field(default=None, foreign_key="associate.id")
    revoked_at: datetime | None = None
    revoked_by: int | None = Field(default=None, foreign_key="associate.id")


class DeviceEnrolment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    store_id: int = Field(foreign_key="location.id")
    name: str | None = Field(default=None, max_length=80)
    created_by: int | None = Field(default=None, foreign_key="associate.id")
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    device_id: str | None = Field(default=None, max_length=40)
