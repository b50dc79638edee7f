"""Enrolling a store's tablets, checking a tablet's credential at log-in, revoking a tablet.

A manager makes a one-time code on their tablet; the new tablet sends it back with
POST /v1/devices/enrol and gets its id and secret, which it keeps in its own storage. The
operator's `reyon enrol-code` and the demo make the first code, when no manager has a tablet."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlmodel import Session, col

from app.contracts.devices import DeviceCredential, DeviceList, DeviceOut, EnrolmentCodeOut
from app.domain.errors import NotFound, Unauthenticated, UnusableInput
from app.server.catalog.models import Location
from app.server.catalog.service import location_by_code
from app.server.db import utcnow
from app.server.devices.models import Device, DeviceEnrolment
from app.server.security_log import security_event

ENROLMENT_MINUTES = 10
# No 0/O, 1/I/L: read off one screen and typed on another. 31^8 codes, alive ten minutes,
# tried at a rate-limited endpoint.
_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _normal_code(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def new_enrolment_code(
    session: Session, *, store_id: int, created_by: int | None, name: str | None = None
) -> EnrolmentCodeOut:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    now = utcnow()
    expires = now + timedelta(minutes=ENROLMENT_MINUTES)
    session.add(
        DeviceEnrolment(
            code_hash=_digest(raw),
            store_id=store_id,
            name=name,
            created_by=created_by,
            created_at=now,
            expires_at=expires,
        )
    )
    return EnrolmentCodeOut(code=f"{raw[:4]}-{raw[4:]}", expires_at=expires)


_BAD_CODE = UnusableInput(
    "enrolment-code-invalid",
    "Unknown or expired enrolment code",
    "Ask a manager for a new enrolment code; each code works once, for ten minutes.",
)


def enrol(session: Session, *, code: str, name: str | None) -> DeviceCredential:
    """Spend the code (once: the UPDATE only matches an unused one) and make the device."""
    now = utcnow()
    row = session.execute(
        select(DeviceEnrolment).where(col(DeviceEnrolment.code_hash) == _digest(_normal_code(code)))
    ).scalar_one_or_none()
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise _BAD_CODE
    claimed = session.execute(
        update(DeviceEnrolment)
        .where(col(DeviceEnrolment.id) == row.id, col(DeviceEnrolment.used_at).is_(None))
        .values(used_at=now)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise _BAD_CODE  # another tablet spent it a moment ago
    credential = _make_device(
        session, store_id=row.store_id, name=name or row.name, enrolled_by=row.created_by
    )
    row.device_id = credential.device_id
    session.add(row)
    return credential


def enrol_directly(session: Session, *, store_code: str, name: str) -> DeviceCredential:
    """For the demo and tests, which hold the database: enrol without a code."""
    store = location_by_code(session, store_code)
    if store is None or store.id is None:
        raise NotFound("Store", store_code)
    return _make_device(session, store_id=store.id, name=name, enrolled_by=None)


def _make_device(
    session: Session, *, store_id: int, name: str | None, enrolled_by: int | None
) -> DeviceCredential:
    store = session.get(Location, store_id)
    if store is None:
        raise NotFound("Store", store_id)
    device_id = f"{store.code}-{secrets.token_hex(4)}"
    secret = secrets.token_urlsafe(32)
    label = name or f"{store.code} tablet"
    session.add(
        Device(
            id=device_id,
            store_id=store_id,
            name=label,
            secret_hash=_digest(secret),
            enrolled_at=utcnow(),
            enrolled_by=enrolled_by,
        )
    )
    return DeviceCredential(
        device_id=device_id, device_secret=secret, store_code=store.code, name=label
    )


def check_credential(session: Session, *, device_id: str, secret: str, store_id: int) -> Device:
    """The tablet is enrolled in this store and not revoked; one answer for every failure
    (which part was wrong is not told to a guesser)."""
    device = session.get(Device, device_id)
    expected = device.secret_hash if device is not None else _digest("")
    ok = hmac.compare_digest(_digest(secret), expected)
    if device is None or not ok or device.revoked_at is not None or device.store_id != store_id:
        security_event("login-failed", device=device_id[:40], reason="device-not-enrolled")
        raise Unauthenticated(
            "device-not-enrolled",
            "This tablet is not enrolled in this store",
            "A manager of the store enrols the tablet with a one-time code.",
        )
    return device


def list_devices(session: Session, *, store_id: int) -> DeviceList:
    rows = session.execute(
        select(Device).where(col(Device.store_id) == store_id).order_by(col(Device.enrolled_at))
    ).scalars()
    return DeviceList(
        items=[
            DeviceOut(id=d.id, name=d.name, enrolled_at=d.enrolled_at, revoked_at=d.revoked_at)
            for d in rows
        ]
    )


def revoke(session: Session, *, device_id: str, store_id: int, by: int) -> DeviceOut:
    """Every session of the tablet ends with it (the session gate checks the device)."""
    device = session.get(Device, device_id)
    if device is None or device.store_id != store_id:
        raise NotFound("Device", device_id)
    if device.revoked_at is None:
        device.revoked_at = utcnow()
        device.revoked_by = by
        session.add(device)
    return DeviceOut(
        id=device.id, name=device.name, enrolled_at=device.enrolled_at, revoked_at=device.revoked_at
    )
