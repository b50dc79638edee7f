"""Booking an appointment from the look page: the client picks a kind, a day and a time when
someone at the look's store is free, the associate who sent the look first, else a colleague
of that store. The times offered are worked out by the rules the tablet and the API check with
(app/domain/appointments.py); the booking itself is the same hold on each quarter-hour as the
associate's own (appointments.py), so a time taken a moment before goes to the next
free colleague or is refused, never double-booked.

A double tap or a second phone asking for the same time gets the appointment the first one
made: bookings of one client are taken one at a time (the client's row is locked on
PostgreSQL; SQLite writes one transaction at a time), and an appointment of theirs of that
kind at that store and time already booked is the answer. One that overlaps another of theirs
is refused, and a link books at most LINK_BOOKINGS_MAX upcoming appointments: a forwarded link
cannot fill the store's calendar."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session, col

from app.domain import appointments as rules
from app.domain.appointments import AppointmentKind, AppointmentStatus
from app.domain.errors import Conflict
from app.server.auth.models import Associate
from app.server.clienteling.appointment_models import Appointment, AppointmentSlot
from app.server.clienteling.appointments import hold
from app.server.clienteling.assignments import consenting_client
from app.server.customers.models import Customer
from app.server.db import Database
from app.server.storefront.look_service import LookView

DAYS_OFFERED = 14  # the day links: today and the next thirteen


def _people(session: Session, look: LookView) -> list[int]:
    """The active associates of the look's store who take appointments, the look's sender
    first when they are still one of them (not moved, deactivated or at the till)."""
    ids = list(
        session.execute(
            select(col(Associate.id))
            .where(
                col(Associate.home_location_id) == look.location_id,
                col(Associate.active).is_(True),
                col(Associate.role).in_(rules.TAKES_APPOINTMENTS),
            )
            .order_by(col(Associate.id))
        ).scalars()
    )
    if look.associate_id in ids:
        ids.remove(look.associate_id)
        ids.insert(0, look.associate_id)
    return ids


def _busy(
    session: Session, people: list[int], since: datetime, until: datetime
) -> dict[int, set[datetime]]:
    """Each person's quarter-hours taken between `since` and `until` (UTC)."""
    rows = session.execute(
        select(col(AppointmentSlot.associate_id), col(AppointmentSlot.slot_at)).where(
            col(AppointmentSlot.associate_id).in_(people),
            col(AppointmentSlot.slot_at) >= since,
            col(AppointmentSlot.slot_at) < until,
        )
    ).all()
    taken: dict[int, set[datetime]] = defaultdict(set)
    for who, at in rows:
        taken[who].add(at)
    return taken


def free_times(
    session: Session, look: LookView, kind: AppointmentKind, day: date, now: datetime, tz: str
) -> list[datetime]:
    """The starts on `day` (UTC) when someone at the look's store could see the client."""
    people = _people(session, look)
    opens, closes = rules.day_bounds(day, tz)
    busy = _busy(session, people, opens, closes)
    free: set[datetime] = set()
    for who in people:
        free.update(rules.free_starts(kind, opens, closes, busy.get(who, set()), now))
    return sorted(free)


def book(
    db: Database, look: LookView, kind: AppointmentKind, starts_at: datetime, now: datetime, tz: str
) -> int:
    """The appointment's id: the client's one already booked at that store and time, or a new
    one with the first of the look's associate and their colleagues who is free then. 422 for
    a time that cannot be booked, 403 without clienteling consent, 409
    `appointment-slot-taken` when nobody is free then."""
    start = rules.check_start(kind, starts_at, now, tz)
    with db.write() as session:
        # One booking of this client at a time: the second of two taps waits here, then finds
        # the first one's appointment below.
        session.execute(
            select(col(Customer.id)).where(col(Customer.id) == look.customer_id).with_for_update()
        )
        consenting_client(
            session, look.customer_id, "An appointment needs the client's clienteling consent."
        )
        theirs = session.execute(
            select(Appointment).where(
                col(Appointment.customer_id) == look.customer_id,
                col(Appointment.store_id) == look.location_id,
                col(Appointment.status) == AppointmentStatus.BOOKED,
                col(Appointment.ends_at) > now,
            )
        ).scalars()
        ends = start + rules.LENGTH[kind]
        upcoming = 0
        for booked in theirs:
            if booked.starts_at == start and booked.kind == kind and booked.id is not None:
                return booked.id  # a double tap, a reload, a second phone: the first one's
            if booked.starts_at < ends and start < booked.ends_at:
                raise Conflict(
                    "appointment-overlap",
                    "You have an appointment then",
                    "The client already has an appointment at this store at that time.",
                )
            upcoming += booked.created_by is None
        if upcoming >= rules.LINK_BOOKINGS_MAX:  # a forwarded link cannot fill the calendar
            raise Conflict(
                "appointment-limit",
                "Enough appointments booked",
                f"At most {rules.LINK_BOOKINGS_MAX} upcoming appointments can be booked from a look.",
            )
        people = _people(session, look)
        busy = _busy(session, people, start, ends)
        wanted = set(rules.slots(kind, start))
        for who in people:
            if busy.get(who, set()) & wanted:
                continue
            # A tablet taking this person's time in the same instant makes this a 409: the
            # page then shows the times as they are.
            return hold(
                session,
                store_id=look.location_id,
                associate_id=who,
                customer_id=look.customer_id,
                kind=kind,
                start=start,
                note="",
                created_by=None,
                now=now,
                tz=tz,
            )
    raise Conflict(
        "appointment-slot-taken",
        "Nobody is free then",
        "Everyone at the store has someone at that time; choose another time.",
    )


def upcoming(session: Session, look: LookView, now: datetime) -> list[Appointment]:
    """The client's booked appointments at the look's store from now on, earliest first."""
    return list(
        session.execute(
            select(Appointment)
            .where(
                col(Appointment.customer_id) == look.customer_id,
                col(Appointment.store_id) == look.location_id,
                col(Appointment.status) == AppointmentStatus.BOOKED,
                col(Appointment.ends_at) > now,
            )
            .order_by(col(Appointment.starts_at))
        ).scalars()
    )
