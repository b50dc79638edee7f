"""Booking an appointment from the look page over real HTTP, on SQLite and PostgreSQL: the
client sees the free times of the look's store and books one, with the look's associate when
they are free, else a colleague; a double tap, a reload or six phones at once make one
appointment; a time when everyone is taken is refused in words and not offered; a post from
another site, hostile or malformed input and a client who withdrew consent book nothing; the
confirmation shows only this client's appointments, and a cancelled one says so."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select, update
from sqlmodel import col

from app.domain.local_days import local_today
from app.qr import look as look_link
from app.server.auth.models import Associate
from app.server.catalog.models import Variant
from app.server.clienteling.appointment_models import Appointment
from app.server.customers.models import Customer
from app.server.db import utcnow
from tests import factories
from tests.conftest import World
from tests.integration.test_client_book import TZ, associate
from tests.looks import make_look
from tests.server import HANG_S

ZONE = ZoneInfo(TZ)
TODAY = local_today(TZ, utcnow())


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(TODAY + timedelta(days=days), time(hour, minute), ZONE)


def _look(world: World, associate_id: int, store: str = "IST01") -> tuple[int, str]:
    """(customer, page path) of a new look from this associate to a new consenting client."""
    customer = factories.customer(world.db, consent=True)
    _, skus = factories.product(world.db, stock={world.base.stores[store]: 2})
    with world.db.session() as s:
        variant = s.execute(select(Variant.id).where(col(Variant.sku) == skus[0])).scalar_one()
    look_id, _ = make_look(
        world.db,
        customer_id=customer,
        associate_id=associate_id,
        location_id=world.base.stores[store],
        variant_ids=[variant],
    )
    path = "/l/" + look_link.look_url(factories.TEST_RING, "", look_id).rsplit("/l/", 1)[1]
    return customer, path


def _phone() -> httpx.Client:
    return httpx.Client(timeout=HANG_S)


def _post(world: World, path: str, kind: str, at: datetime | str, **headers: str) -> httpx.Response:
    value = at.isoformat() if isinstance(at, datetime) else at
    with _phone() as phone:
        return phone.post(
            f"{world.url}{path}/appointment?lang=tr",
            data={"kind": kind, "at": value},
            headers=headers,
        )


def _appointments(world: World, customer_id: int) -> list[Appointment]:
    with world.db.session() as s:
        return list(
            s.execute(
                select(Appointment).where(col(Appointment.customer_id) == customer_id)
            ).scalars()
        )


def _times(world: World, path: str, kind: str, day: date) -> str:
    with _phone() as phone:
        r = phone.get(
            f"{world.url}{path}/appointment", params={"kind": kind, "day": day.isoformat()}
        )
    assert r.status_code == 200, r.text
    return r.text


def test_book_from_the_look_page_with_the_looks_associate_once_whatever_the_taps(
    world: World,
) -> None:
    me, _ = associate(world)
    customer, path = _look(world, me)
    with _phone() as phone:
        look = phone.get(world.url + path)
        assert "Mağazada randevu alın" in look.text and f"{path}/appointment?lang=tr" in look.text
    page = _times(world, path, "styling", TODAY + timedelta(days=2))
    assert ">10:00<" in page and ">20:15<" in page and ">20:30<" not in page  # 45 minutes
    first = _post(world, path, "styling", _at(2, 10))
    assert first.status_code == 303, first.text
    again = _post(world, path, "styling", _at(2, 10))  # a double tap, or the back button
    assert again.headers["location"] == first.headers["location"]
    [booked] = _appointments(world, customer)
    assert (booked.associate_id, booked.kind, booked.created_by) == (me, "styling", None)
    assert booked.starts_at.replace(tzinfo=booked.starts_at.tzinfo or UTC) == _at(2, 10)
    with _phone() as phone:
        done = phone.get(world.url + first.headers["location"])
        assert done.status_code == 200 and "Randevunuz alındı" in done.text
        assert "Nişantaşı" in done.text and "10:00" in done.text
        en = phone.get(world.url + first.headers["location"].replace("lang=tr", "lang=en"))
        assert "Your appointment is booked" in en.text and "Styling session" in en.text
    # The page lists it, and the associate's 10:00 to 10:45 is theirs now: a second look
    # from the same associate books that time with a colleague.
    assert "Randevularınız" in _times(world, path, "styling", TODAY + timedelta(days=2))
    other_customer, other_path = _look(world, me)
    r = _post(world, other_path, "alteration", _at(2, 10, 15))
    assert r.status_code == 303, r.text
    [theirs] = _appointments(world, other_customer)
    assert theirs.associate_id != me
    with world.db.session() as s:
        colleague = s.get(Associate, theirs.associate_id)
        assert colleague is not None and colleague.role in ("associate", "manager")
        assert colleague.home_location_id == world.base.stores["IST01"]


def test_six_phones_at_once_make_one_appointment(world: World) -> None:
    me, _ = associate(world)
    customer, path = _look(world, me)
    barrier = threading.Barrier(6)

    def tap(_: int) -> httpx.Response:
        barrier.wait()
        return _post(world, path, "pickup", _at(3, 16))

    answers: list[Any] = [None] * 6

    def run(i: int) -> None:
        answers[i] = tap(i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert {a.status_code for a in answers} == {303}, [a.text for a in answers]
    assert len({a.headers["location"] for a in answers}) == 1
    assert len(_appointments(world, customer)) == 1


def test_a_time_when_everyone_is_taken_is_refused_and_not_offered(world: World) -> None:
    """At İzmir, every associate and manager who takes appointments is booked at 12:00, each
    through a look of their own: then nobody is free, and a new look's client is told so."""
    associate(world, "IZM01")  # at least one there, whatever other tests made
    with world.db.session() as s:
        people = list(
            s.execute(
                select(Associate.id).where(
                    col(Associate.home_location_id) == world.base.stores["IZM01"],
                    col(Associate.active).is_(True),
                    col(Associate.role).in_(["associate", "manager"]),
                )
            ).scalars()
        )
    noon = _at(4, 12)
    for person in people:
        _, path = _look(world, person, "IZM01")
        assert _post(world, path, "styling", noon).status_code == 303
    customer, path = _look(world, people[0], "IZM01")
    page = _times(world, path, "styling", noon.date())
    # 45 minutes: 11:15 ends at 12:00 and is free, 11:30 would run into 12:00; 12:45 is free.
    assert ">11:15<" in page and ">12:45<" in page
    for taken in ("11:30", "11:45", "12:00", "12:15", "12:30"):
        assert f">{taken}<" not in page, taken
    r = _post(world, path, "styling", noon)
    assert r.status_code == 409 and "Bu saat az önce doldu" in r.text
    assert f"{path}/appointment?lang=tr&amp;kind=styling&amp;day={noon.date()}" in r.text
    assert _appointments(world, customer) == []


def test_hostile_malformed_and_cross_site_posts_book_nothing(world: World) -> None:
    me, _ = associate(world)
    customer, path = _look(world, me)
    at = _at(5, 14)
    refused = [
        (_post(world, path, "styling", at, **{"Sec-Fetch-Site": "cross-site"}), 403),
        (_post(world, path, "styling", at, Origin="https://evil.example"), 403),
        (_post(world, path, "massage", at), 422),
        (_post(world, path, "styling", "garbage"), 422),
        (_post(world, path, "styling", at.replace(tzinfo=None)), 422),  # no zone: which 14:00?
        (_post(world, path, "styling", "2" * 5000), 422),
        (_post(world, path, "styling", _at(5, 14, 10)), 422),  # not on a quarter-hour
        (_post(world, path, "styling", _at(5, 20, 30)), 422),  # runs past 21:00
        (_post(world, path, "styling", _at(-1, 14)), 422),  # in the past
        (_post(world, path, "styling", _at(90, 14)), 422),  # too far ahead
        (_post(world, path, "styling", "9999-12-31T23:59:59+14:00"), 422),
    ]
    for r, status in refused:
        assert r.status_code == status, r.text
        assert "<script" not in r.text
    assert _appointments(world, customer) == []
    with _phone() as phone:
        forged = phone.post(
            f"{world.url}/l/RY1Lgarbage/appointment", data={"kind": "styling", "at": at.isoformat()}
        )
        assert forged.status_code == 404
        # Odd query strings show the page, never an error.
        for params in (
            {"day": "tomorrow"},
            {"day": "2999-01-01"},
            {"kind": "<b>"},
            {"day": "1" * 3000},
        ):
            assert phone.get(f"{world.url}{path}/appointment", params=params).status_code == 200


def test_withdrawn_consent_books_nothing_and_only_this_clients_appointments_show(
    world: World,
) -> None:
    me, my_code = associate(world)
    customer, path = _look(world, me)
    _, other_path = _look(world, me)
    r = _post(world, other_path, "pickup", _at(6, 11))
    assert r.status_code == 303
    theirs = r.headers["location"].split("/appointment/")[1].split("?")[0]
    with _phone() as phone:
        # Another client's appointment is not shown through this client's link, nor one that
        # does not exist.
        assert phone.get(f"{world.url}{path}/appointment/{theirs}").status_code == 404
        assert phone.get(f"{world.url}{path}/appointment/999999999").status_code == 404
    with world.db.write() as s:
        s.execute(
            update(Customer).where(col(Customer.id) == customer).values(consent_clienteling=False)
        )
    r = _post(world, path, "styling", _at(6, 15))
    assert r.status_code == 422 and "izin vermeniz gerekir" in r.text
    assert _appointments(world, customer) == []
    # Cancelled by the store on the tablet: the client's page says so.
    with world.client(my_code) as c:
        done = c.post(
            f"/v1/appointments/{theirs}/cancel", headers={"Idempotency-Key": str(uuid.uuid4())}
        )
        assert done.status_code == 200, done.text
    with _phone() as phone:
        page = phone.get(f"{world.url}{other_path}/appointment/{theirs}")
        assert page.status_code == 200 and "Randevu iptal edildi" in page.text


def test_a_link_books_no_overlap_and_at_most_three_upcoming(world: World) -> None:
    me, _ = associate(world)
    customer, path = _look(world, me)
    assert _post(world, path, "styling", _at(7, 10)).status_code == 303
    # Another kind at the same time, or a time inside the first: refused in words.
    for kind, at in (("pickup", _at(7, 10)), ("alteration", _at(7, 10, 30))):
        r = _post(world, path, kind, at)
        assert r.status_code == 409 and "zaten bir randevunuz var" in r.text, r.text
    assert _post(world, path, "pickup", _at(7, 12)).status_code == 303
    assert _post(world, path, "pickup", _at(8, 12)).status_code == 303
    r = _post(world, path, "pickup", _at(9, 12))
    assert r.status_code == 409 and "en fazla 3" in r.text
    assert len(_appointments(world, customer)) == 3


def test_the_looks_sender_is_not_booked_once_they_no_longer_take_appointments(
    world: World,
) -> None:
    gone, _ = associate(world)
    customer, path = _look(world, gone)
    with world.db.write() as s:
        s.execute(update(Associate).where(col(Associate.id) == gone).values(active=False))
    assert _post(world, path, "styling", _at(8, 15)).status_code == 303
    [booked] = _appointments(world, customer)
    assert booked.associate_id != gone


def test_edge_of_the_calendar_and_odd_ids_are_refused_as_pages(world: World) -> None:
    me, _ = associate(world)
    _, path = _look(world, me)
    for at in ("9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+14:00"):
        r = _post(world, path, "styling", at)
        assert r.status_code == 422 and "<!doctype html>" in r.text, (at, r.text)
    with _phone() as phone:
        for odd in ("1" + "0" * 20, "-1", "１２", "abc"):
            r = phone.get(f"{world.url}{path}/appointment/{odd}")
            assert r.status_code == 404 and "<!doctype html>" in r.text, odd
