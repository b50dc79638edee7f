"""Logging associates in on an enrolled tablet with store, associate code and PIN; wrong PINs
lock the associate out on that tablet; every log-in is a session that can be ended."""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from app.contracts.auth import (
    AssociateOut,
    LoginRequest,
    LoginResponse,
    StaffList,
    StaffMember,
    StoreRef,
)
from app.domain import lockout
from app.domain.errors import Conflict, Locked, NotFound, Unauthenticated
from app.domain.pins import DUMMY_HASH, verify_pin
from app.qr.signing import sign
from app.server.auth.models import Associate, AuthSession, PinLock
from app.server.catalog.service import location_by_code
from app.server.db import Database, core_table, insert_unless_exists, utcnow
from app.server.deps import ACCESS_TOKEN_KIND, Principal
from app.server.devices.service import check_credential
from app.server.security_log import security_event
from app.settings import ApiSettings


def _state(row: PinLock | None) -> lockout.PinState:
    if row is None:
        return lockout.PinState(failures=0, window_started_at=None, locked_until=None)
    return lockout.PinState(
        failures=row.failures,
        window_started_at=row.window_started_at,
        locked_until=row.locked_until,
    )


def _locked_error(until: datetime | None) -> Locked:
    return Locked(
        "associate-locked",
        "Too many wrong PINs",
        "This associate is locked on this tablet after too many wrong PINs; use another "
        "tablet, try again later or ask a manager to unlock.",
        locked_until=until.isoformat() if until else None,
    )


_INVALID = Unauthenticated(
    "invalid-credentials", "Wrong store, associate code or PIN", "Check them and try again."
)


def login(db: Database, settings: ApiSettings, body: LoginRequest, key: bytes) -> LoginResponse:
    store_code = body.store_code.upper()
    with db.session() as session:
        store = location_by_code(session, store_code)
        # The tablet first: without an enrolled tablet of this store nothing else is looked
        # at, and no PIN is hashed (a flood from outside costs a sha256 each).
        check_credential(
            session,
            device_id=body.device_id,
            secret=body.device_secret,
            store_id=store.id if store is not None and store.id is not None else -1,
        )
        assert store is not None and store.id is not None
        associate = session.execute(
            select(Associate).where(
                col(Associate.code) == body.associate_code,
                col(Associate.home_location_id) == store.id,
                col(Associate.active).is_(True),
            )
        ).scalar_one_or_none()
        pins = (
            session.get(PinLock, (associate.id, body.device_id)) if associate is not None else None
        )
    if associate is None or associate.id is None:
        verify_pin(body.pin, DUMMY_HASH)  # as slow as a real one: codes cannot be told apart
        security_event("login-failed", store=store_code, device=body.device_id, reason="unknown")
        raise _INVALID
    now = utcnow()
    if lockout.is_locked(_state(pins), now):
        security_event(
            "login-failed", associate=associate.id, device=body.device_id, reason="locked"
        )
        raise _locked_error(pins.locked_until if pins else None)

    # The slow hash runs outside any transaction; the counters are updated under a row lock.
    ok = verify_pin(body.pin, associate.pin_hash)
    with db.write() as session:
        fresh = _lock_row(session, associate.id, body.device_id)
        state = _state(fresh)
        if lockout.is_locked(state, now):
            security_event(
                "login-failed", associate=associate.id, device=body.device_id, reason="locked"
            )
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
        fresh.failures = new.failures
        fresh.window_started_at = new.window_started_at
        fresh.locked_until = new.locked_until
        session.add(fresh)
        if new.locked_until is not None:
            # Someone is guessing this associate's PIN on this tablet: a session of theirs
            # still open here (left logged in) ends with the lock.
            session.execute(
                update(AuthSession)
                .where(
                    col(AuthSession.associate_id) == associate.id,
                    col(AuthSession.device_id) == body.device_id,
                    col(AuthSession.ended_at).is_(None),
                )
                .values(ended_at=now)
            )
        expires = now + timedelta(minutes=settings.token_ttl_minutes)
        sid = secrets.token_urlsafe(16)
        if ok:
            session.add(
                AuthSession(
                    id=sid,
                    associate_id=associate.id,
                    device_id=body.device_id,
                    created_at=now,
                    expires_at=expires,
                )
            )
    if not ok:
        security_event(
            "login-failed",
            store=store_code,
            device=body.device_id,
            associate=associate.id,
            reason="wrong-pin",
        )
        if new.locked_until is not None:
            security_event(
                "associate-locked",
                associate=associate.id,
                device=body.device_id,
                until=new.locked_until.isoformat(),
            )
            raise _locked_error(new.locked_until)
        raise _INVALID
    security_event("login-succeeded", associate=associate.id, device=body.device_id)

    token = sign(
        ACCESS_TOKEN_KIND,
        {
            "sub": associate.id,
            "role": associate.role,
            "store": store.id,
            "dev": body.device_id,
            "sid": sid,
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


def _lock_row(session: Session, associate_id: int, device_id: str) -> PinLock:
    insert_unless_exists(
        session,
        core_table(PinLock),
        {"associate_id": associate_id, "device_id": device_id, "failures": 0},
        ["associate_id", "device_id"],
    )
    stmt = select(PinLock).where(
        col(PinLock.associate_id) == associate_id, col(PinLock.device_id) == device_id
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.execute(stmt).scalar_one()


# -- ending sessions, and a manager's say over their staff --------------------------------


def log_out(session: Session, principal: Principal) -> None:
    session.execute(
        update(AuthSession)
        .where(col(AuthSession.id) == principal.session_id, col(AuthSession.ended_at).is_(None))
        .values(ended_at=utcnow())
    )


def _staff_member(session: Session, associate_id: int, manager: Principal) -> Associate:
    """Managers act on associates of their own store only."""
    associate = session.get(Associate, associate_id)
    if associate is None or associate.home_location_id != manager.store_id:
        raise NotFound("Associate", associate_id)
    return associate


def set_active(session: Session, manager: Principal, associate_id: int, active: bool) -> None:
    """Deactivating ends every session of the associate at once (the session gate checks
    `active`) and refuses their log-in everywhere."""
    associate = _staff_member(session, associate_id, manager)
    if associate.id == manager.associate_id and not active:
        raise Conflict("cannot-deactivate-self", "A manager cannot deactivate themselves")
    associate.active = active
    session.add(associate)
    if not active:
        session.execute(
            update(AuthSession)
            .where(
                col(AuthSession.associate_id) == associate_id, col(AuthSession.ended_at).is_(None)
            )
            .values(ended_at=utcnow())
        )
    security_event(
        "associate-activated" if active else "associate-deactivated",
        associate=associate_id,
        by=manager.associate_id,
    )


def unlock(session: Session, manager: Principal, associate_id: int) -> None:
    _staff_member(session, associate_id, manager)
    session.execute(delete(PinLock).where(col(PinLock.associate_id) == associate_id))
    security_event("associate-unlocked", associate=associate_id, by=manager.associate_id)


def staff(session: Session, manager: Principal) -> StaffList:
    now = utcnow()
    people = session.execute(
        select(Associate)
        .where(col(Associate.home_location_id) == manager.store_id)
        .order_by(col(Associate.code))
    ).scalars()
    locks: dict[int, list[str]] = {}
    for row in session.execute(select(PinLock).where(col(PinLock.locked_until) > now)).scalars():
        locks.setdefault(row.associate_id, []).append(row.device_id)
    return StaffList(
        items=[
            StaffMember(
                id=a.id or 0,
                code=a.code,
                name=a.name,
                role=a.role,
                active=a.active,
                locked_on=sorted(locks.get(a.id or 0, [])),
            )
            for a in people
        ]
    )
