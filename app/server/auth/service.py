"""Logging associates in with store, associate code and PIN; lock-out after wrong PINs."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from app.contracts.auth import AssociateOut, LoginRequest, LoginResponse, StoreRef
from app.domain import lockout
from app.domain.pins import DUMMY_HASH, verify_pin
from app.qr.signing import sign
from app.server.auth.models import Associate
from app.server.catalog.models import Location
from app.server.db import Database, utcnow
from app.server.deps import ACCESS_TOKEN_KIND
from app.server.errors import ApiError
from app.settings import ApiSettings


def _state(a: Associate) -> lockout.PinState:
    return lockout.PinState(
        failures=a.failed_pins,
        window_started_at=a.failed_window_started_at,
        locked_until=a.locked_until,
    )


def _locked_error(until: datetime | None) -> ApiError:
    return ApiError(
        423,
        "associate-locked",
        "Too many wrong PINs",
        "This associate is locked after too many wrong PINs; try again later or ask a manager.",
        locked_until=until.isoformat() if until else None,
    )


_INVALID = ApiError(
    401, "invalid-credentials", "Wrong store, associate code or PIN", "Check them and try again."
)


def login(db: Database, settings: ApiSettings, body: LoginRequest, key: bytes) -> LoginResponse:
    with db.session() as session:
        row = session.execute(
            select(Associate, Location)
            .join(Location, col(Location.id) == col(Associate.home_location_id))
            .where(
                col(Associate.code) == body.associate_code,
                col(Location.code) == body.store_code.upper(),
                col(Associate.active).is_(True),
            )
        ).first()
    if row is None:
        verify_pin(body.pin, DUMMY_HASH)
        raise _INVALID
    associate, store = row
    now = utcnow()
    if lockout.is_locked(_state(associate), now):
        raise _locked_error(associate.locked_until)

    # The slow hash runs outside any transaction; the counters are updated under a row lock.
    ok = verify_pin(body.pin, associate.pin_hash)
    with db.write() as session:
        fresh = _lock_row(session, associate.id)
        state = _state(fresh)
        if lockout.is_locked(state, now):
            raise _locked_error(state.locked_until)
        if ok:
            new = lockout.after_success()
        else:
            new = lockout.after_failure(
                state,
                now,
                max_failures=settings.pin_max_failures,
                window=timedelta(minutes=settings.pin_lock_minutes),
                lock=timedelta(minutes=settings.pin_lock_minutes),
            )
        fresh.failed_pins = new.failures
        fresh.failed_window_started_at = new.window_started_at
        fresh.locked_until = new.locked_until
        session.add(fresh)
    if not ok:
        if new.locked_until is not None:
            raise _locked_error(new.locked_until)
        raise _INVALID

    expires = now + timedelta(minutes=settings.token_ttl_minutes)
    token = sign(
        ACCESS_TOKEN_KIND,
        {
            "sub": associate.id,
            "role": associate.role,
            "store": store.id,
            "dev": body.device_id,
            "exp": int(expires.timestamp()),
            "iat": int(time.time()),
        },
        key,
    )
    return LoginResponse(
        access_token=token,
        expires_at=expires,
        associate=AssociateOut(
            id=associate.id,
            code=associate.code,
            name=associate.name,
            role=associate.role,
            store=StoreRef(id=store.id, code=store.code, name=store.name),
        ),
    )


def _lock_row(session: Session, associate_id: int) -> Associate:
    stmt = select(Associate).where(col(Associate.id) == associate_id)
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one()
