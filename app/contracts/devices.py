"""Tablets enrolled in a store: a manager's one-time enrolment code, the device credential the
tablet keeps, and the manager's list of devices (revocable)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, StringConstraints

from app.contracts.common import Request

DeviceName = Annotated[str, StringConstraints(min_length=1, max_length=80, strip_whitespace=True)]


class EnrolmentCodeCreate(Request):
    name: DeviceName | None = None  # what the manager calls the tablet ("Kasa 2"); optional


class EnrolmentCodeOut(BaseModel):
    """Shown once on the manager's screen; the new tablet types or scans it."""

    code: str
    expires_at: datetime


class EnrolRequest(Request):
    code: Annotated[str, StringConstraints(min_length=1, max_length=32, strip_whitespace=True)]
    name: DeviceName | None = None


class DeviceCredential(BaseModel):
    """The tablet keeps both in its own storage; the secret is never shown again."""

    device_id: str
    device_secret: str
    store_code: str
    name: str


class DeviceOut(BaseModel):
    id: str
    name: str
    enrolled_at: datetime
    revoked_at: datetime | None


class DeviceList(BaseModel):
    items: list[DeviceOut]
