"""Appointments (issue 15): booked at a store with an associate for a consenting client, each
refusal in words, the day's calendar, cancelling frees the time, and the associate's capacity
held by the database when bookings race. Real HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlmodel import col

from app.domain.local_days import local_today
from app.server.clienteling.appointment_models import Appointment, AppointmentSlot
from app.server.customers.models import Customer
from app.server.db import utcnow
from tests.conftest import World
from tests.integration.test_client_book import TZ, associate, client, key, kind

ZONE = ZoneInfo(TZ)


# Today once for the module: a run that crosses the store's midnight keeps one calendar.
TODAY = local_today(TZ, utcnow())


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    """A local time in the store's zone, `days` after today."""
    return datetime.combine(TODAY + timedelta(days=days), time(hour, minute), ZONE)


def _book(
    world: World, who: str, body: dict[str, Any], headers: dict[str, str] | None = None
) -> Any:
    with world.client(who) as c:
        return c.post("/v1/appointments", json=body, headers=headers or key())


def _day(world: World, who: str, when: datetime) -> list[dict[str, Any]]:
    with world.client(who) as c:
        r = c.get("/v1/appointments", params={"day": when.date().isoformat()})
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def test_booking_listing_cancelling_and_every_refusal(world: World) -> None:
    a, a_code = associate(world)
    b, _ = associate(world)
    ank, _ = associate(world, "ANK01")
    c = client(world, "Randevu", "Yılmaz")
    private = client(world, "Gizli", "Randevu", consent=False)
    two = _at(3, 14)
    styling = {"customer_id": c, "kind": "styling", "starts_at": two.isoformat(), "note": "Düğün"}

    # Booked with myself; the retry with the same key is the same appointment.
    same = key()
    first = _book(world, a_code, styling, same)
    again = _book(world, a_code, styling, same)
    assert first.status_code == again.status_code == 201, first.text
    booked = first.json()
    assert again.json()["id"] == booked["id"] and booked["associate_id"] == a
    assert booked["customer_name"] == "Randevu Yılmaz" and booked["status"] == "booked"
    assert datetime.fromisoformat(booked["ends_at"]) - two == timedelta(minutes=45)

    # A's 14:30 is taken; B's is free; A is free again at 14:45, when the styling ends.
    half_past = {**styling, "kind": "alteration", "starts_at": _at(3, 14, 30).isoformat()}
    r = _book(world, a_code, half_past)
    assert (r.status_code, kind(r)) == (409, "appointment-slot-taken"), r.text
    assert _book(world, a_code, {**half_past, "associate_id": b}).status_code == 201
    quarter_to = {**half_past, "starts_at": _at(3, 14, 45).isoformat()}
    assert _book(world, a_code, quarter_to).status_code == 201
    # The first and the last time of the day are bookable.
    assert _book(world, a_code, {**styling, "starts_at": _at(3, 10).isoformat()}).status_code == 201
    late = {**styling, "starts_at": _at(3, 20, 15).isoformat()}  # 45 minutes: ends at 21:00
    assert _book(world, a_code, late).status_code == 201
    listed = _day(world, a_code, two)
    mine = [x for x in listed if x["customer_id"] == c]
    assert [(x["associate_id"], x["kind"]) for x in mine] == [
        (a, "styling"),
        (a, "styling"),
        (b, "alteration"),
        (a, "alteration"),
        (a, "styling"),
    ]

    refusals = [
        ({**styling, "starts_at": _at(3, 14, 10).isoformat()}, 422, "appointment-not-on-slot"),
        ({**styling, "starts_at": _at(3, 20, 30).isoformat()}, 422, "appointment-outside-hours"),
        ({**styling, "starts_at": _at(3, 9, 45).isoformat()}, 422, "appointment-outside-hours"),
        ({**styling, "starts_at": _at(-1, 14).isoformat()}, 422, "appointment-past"),
        ({**styling, "starts_at": _at(90, 14).isoformat()}, 422, "appointment-too-far"),
        ({**styling, "starts_at": "9999-12-31T23:59:59-14:00"}, 422, "validation"),
        ({**styling, "customer_id": private, "starts_at": _at(4, 11).isoformat()}, 403,
         "consent-required"),
        ({**styling, "associate_id": ank, "starts_at": _at(4, 11).isoformat()}, 422,
         "associate-other-store"),
    ]  # fmt: skip
    for body, status, problem in refusals:
        r = _book(world, a_code, body)
        assert (r.status_code, kind(r)) == (status, problem), (body, r.text)
    r = _book(
        world, a_code, {**styling, "customer_id": 2**31 - 1, "starts_at": _at(4, 11).isoformat()}
    )
    assert r.status_code == 404
    r = _book(world, a_code, {**styling, "kind": "massage"})
    assert r.status_code == 422

    # Cancelled: its time is free at once; twice is refused; another store cannot see it.
    with world.client(a_code) as cl:
        r = cl.post(f"/v1/appointments/{booked['id']}/cancel", headers=key())
        assert r.status_code == 200 and r.json()["status"] == "cancelled", r.text
        r = cl.post(f"/v1/appointments/{booked['id']}/cancel", headers=key())
        assert (r.status_code, kind(r)) == (409, "appointment-cancelled")
    assert booked["id"] not in {x["id"] for x in _day(world, a_code, two)}
    assert _book(world, a_code, {**half_past, "starts_at": two.isoformat()}).status_code == 201
    with world.client("t-ank-associate") as cl:
        assert cl.post(f"/v1/appointments/{booked['id']}/cancel", headers=key()).status_code == 404
        r = cl.get("/v1/appointments", params={"day": two.date().isoformat()})
        assert c not in {x["customer_id"] for x in r.json()["items"]}


def test_racing_bookings_of_one_associate_at_one_time_let_one_through(world: World) -> None:
    a, a_code = associate(world)
    customers = [client(world, f"Yarış{i}", "Randevu") for i in range(8)]
    at = _at(5, 16)
    barrier = threading.Barrier(len(customers))

    def book(customer: int) -> Any:
        body = {"customer_id": customer, "kind": "styling", "starts_at": at.isoformat()}
        barrier.wait()
        return _book(world, a_code, body)

    with ThreadPoolExecutor(max_workers=len(customers)) as pool:
        answers = list(pool.map(book, customers))
    statuses = sorted(r.status_code for r in answers)
    assert statuses == [201] + [409] * (len(customers) - 1), [r.text for r in answers]
    assert {kind(r) for r in answers if r.status_code == 409} == {"appointment-slot-taken"}
    with world.db.session() as s:
        booked = s.execute(
            select(func.count()).select_from(Appointment).where(col(Appointment.associate_id) == a)
        ).scalar_one()
        held = s.execute(
            select(func.count())
            .select_from(AppointmentSlot)
            .where(col(AppointmentSlot.associate_id) == a)
        ).scalar_one()
    assert (booked, held) == (1, 3)  # no half-written booking left by the refused ones


def test_the_day_shows_the_hours_and_every_taken_quarter_hour_even_of_a_hidden_client(
    world: World,
) -> None:
    a, a_code = associate(world)
    shown = client(world, "Görünen", "Randevu")
    hidden = client(world, "Gizlenen", "Randevu")
    eleven = _at(6, 11)
    for customer, at in ((shown, eleven), (hidden, _at(6, 15))):
        body = {"customer_id": customer, "kind": "alteration", "starts_at": at.isoformat()}
        assert _book(world, a_code, body).status_code == 201
    # The second client withdraws clienteling consent: not shown by name, still taking A's time.
    with world.db.write() as s:
        s.execute(
            update(Customer).where(col(Customer.id) == hidden).values(consent_clienteling=False)
        )
    with world.client(a_code) as c:
        r = c.get("/v1/appointments", params={"day": eleven.date().isoformat()})
    assert r.status_code == 200, r.text
    day = r.json()
    assert [x["customer_id"] for x in day["items"] if x["associate_id"] == a] == [shown]
    assert datetime.fromisoformat(day["opens_at"]) == _at(6, 10)
    assert datetime.fromisoformat(day["closes_at"]) == _at(6, 21)
    taken = sorted(
        datetime.fromisoformat(x["slot_at"]) for x in day["busy"] if x["associate_id"] == a
    )
    assert taken == [_at(6, 11), _at(6, 11, 15), _at(6, 15), _at(6, 15, 15)]


def test_the_till_takes_no_appointments(world: World) -> None:
    _, a_code = associate(world)
    cashier, cashier_code = associate(world, role="cashier")
    c = client(world, "Kasa", "Randevu")
    body = {"customer_id": c, "kind": "pickup", "starts_at": _at(8, 12).isoformat()}
    for who, extra in ((a_code, {"associate_id": cashier}), (cashier_code, {})):
        r = _book(world, who, {**body, **extra})
        assert (r.status_code, kind(r)) == (422, "associate-no-appointments"), r.text
