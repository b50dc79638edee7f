"""Booking, listing and cancelling appointments at the associate's store. The associate's
capacity is held by the database: a booking claims each quarter-hour it covers in
AppointmentSlot, whose unique key lets exactly one of two racing bookings have it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlmodel import Session, col

from app.contracts.clienteling import (
    AppointmentCreate,
    AppointmentDay,
    AppointmentOut,
    BusySlot,
)
from app.domain import appointments as rules
from app.domain.appointments import AppointmentKind, AppointmentStatus
from app.domain.errors import Conflict, Invalid, NotFound
from app.server.auth.models import Associate
from app.server.clienteling.appointment_models import Appointment, AppointmentSlot
from app.server.clienteling.assignments import colleague, consenting_client
from app.server.customers.models import Customer
from app.server.db import core_table, insert_id, insert_unless_exists
from app.server.deps import Principal

_SLOTS = core_table(AppointmentSlot)


def book(
    *, db_session: Session, principal: Principal, body: AppointmentCreate, now: datetime, tz: str
) -> AppointmentOut:
    """An appointment with yourself or a colleague of your store, for a client who gave
    clienteling consent (an appointment is kept on their record). 409 `appointment-slot-taken`
    when the associate already has someone then; nothing is written."""
    start = rules.check_start(body.kind, body.starts_at, now, tz)
    consenting_client(
        db_session, body.customer_id, "An appointment needs the client's clienteling consent."
    )
    with_whom = body.associate_id or principal.associate_id
    person: Associate | None = (
        colleague(db_session, principal, with_whom)
        if with_whom != principal.associate_id
        else db_session.get(Associate, with_whom)
    )
    if person is None or person.role not in rules.TAKES_APPOINTMENTS:
        raise Invalid(
            "associate-no-appointments",
            "Does not take appointments",
            "Appointments are with an associate or a manager, not at the till.",
        )
    appointment_id = hold(
        db_session,
        store_id=principal.store_id,
        associate_id=with_whom,
        customer_id=body.customer_id,
        kind=body.kind,
        start=start,
        note=body.note,
        created_by=principal.associate_id,
        now=now,
        tz=tz,
    )
    return _read(db_session, appointment_id)


def hold(
    session: Session,
    *,
    store_id: int,
    associate_id: int,
    customer_id: int,
    kind: AppointmentKind,
    start: datetime,
    note: str,
    created_by: int | None,
    now: datetime,
    tz: str,
) -> int:
    """The appointment row and a claim on each quarter-hour it covers; the checks (a bookable
    start, consent, who with) are the caller's. 409 `appointment-slot-taken` when the associate
    has someone then: the caller's transaction rolls back, so nothing is left half-written."""
    appointment_id = insert_id(
        session,
        Appointment,
        {
            "store_id": store_id,
            "associate_id": associate_id,
            "customer_id": customer_id,
            "kind": kind,
            "starts_at": start,
            "ends_at": start + rules.LENGTH[kind],
            "status": AppointmentStatus.BOOKED,
            "note": note,
            "created_by": created_by,
            "created_at": now,
        },
    )
    for at in rules.slots(kind, start):
        values = {"appointment_id": appointment_id, "associate_id": associate_id, "slot_at": at}
        if not insert_unless_exists(session, _SLOTS, values, ["associate_id", "slot_at"]):
            raise Conflict(
                "appointment-slot-taken",
                "The associate is busy then",
                f"Another appointment holds {at.astimezone(ZoneInfo(tz)):%H:%M}; "
                "choose another time or another associate.",
            )
    return appointment_id


def cancel(
    *, db_session: Session, principal: Principal, appointment_id: int, now: datetime
) -> AppointmentOut:
    """Cancel a booked appointment of your store; its time is free again at once. Cancelling
    twice is refused (409 `appointment-cancelled`): the second tablet learns it was done."""
    store = db_session.execute(
        select(col(Appointment.store_id)).where(col(Appointment.id) == appointment_id)
    ).scalar_one_or_none()
    if store != principal.store_id:
        raise NotFound("Appointment", appointment_id)
    table = core_table(Appointment)
    changed = db_session.execute(
        update(table)
        .where(table.c.id == appointment_id, table.c.status == AppointmentStatus.BOOKED)
        .values(status=AppointmentStatus.CANCELLED, cancelled_at=now)
    ).rowcount  # type: ignore[attr-defined]
    if changed != 1:
        raise Conflict(
            "appointment-cancelled", "Already cancelled", "This appointment was cancelled."
        )
    db_session.execute(delete(_SLOTS).where(_SLOTS.c.appointment_id == appointment_id))
    return _read(db_session, appointment_id)


def day(*, db_session: Session, principal: Principal, on: date, tz: str) -> AppointmentDay:
    """The store's booked appointments of one local day, earliest first, of clients whose
    clienteling consent stands."""
    opens, closes = rules.day_bounds(on, tz)
    items = _out(
        db_session,
        col(Appointment.store_id) == principal.store_id,
        col(Appointment.status) == AppointmentStatus.BOOKED,
        # A client who withdrew clienteling consent is not shown by name here either.
        col(Customer.consent_clienteling).is_(True),
        col(Appointment.starts_at) >= opens,
        col(Appointment.starts_at) < closes,
    )
    busy = db_session.execute(
        select(_SLOTS.c.associate_id, _SLOTS.c.slot_at)
        .join(Appointment, col(Appointment.id) == _SLOTS.c.appointment_id)
        .where(
            col(Appointment.store_id) == principal.store_id,
            _SLOTS.c.slot_at >= opens,
            _SLOTS.c.slot_at < closes,
        )
        .order_by(_SLOTS.c.associate_id, _SLOTS.c.slot_at)
    ).all()
    return AppointmentDay(
        day=on,
        store_id=principal.store_id,
        opens_at=opens,
        closes_at=closes,
        items=items,
        busy=[BusySlot(associate_id=a, slot_at=at) for a, at in busy],
    )


def _read(session: Session, appointment_id: int) -> AppointmentOut:
    [out] = _out(session, col(Appointment.id) == appointment_id)
    return out


def _out(session: Session, *where: Any) -> list[AppointmentOut]:
    """The appointments matching `where`, earliest first, with the names shown: one query."""
    rows = session.execute(
        select(Appointment, col(Associate.name), col(Customer.first_name), col(Customer.last_name))
        .join(Associate, col(Associate.id) == col(Appointment.associate_id))
        .join(Customer, col(Customer.id) == col(Appointment.customer_id))
        .where(*where)
        .order_by(col(Appointment.starts_at), col(Appointment.id))
    ).all()
    return [
        AppointmentOut(
            id=a.id or 0,
            store_id=a.store_id,
            associate_id=a.associate_id,
            associate_name=associate_name,
            customer_id=a.customer_id,
            customer_name=f"{first} {last}",
            kind=a.kind,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            status=a.status,
            note=a.note,
        )
        for a, associate_name, first, last in rows
    ]
