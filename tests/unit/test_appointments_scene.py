"""The appointments scene driven through its actions over the in-memory gateway: a booking for
the customer being served offers only the times still free for the associate chosen (by the
API's own rules), books once however often the button is tapped, and a time taken meanwhile by
another tablet is refused in words with the times as they are now; a cancel is asked twice;
offline nothing is booked and the scene says why; the home card lists today's; the views
build in both languages. The tablet's day here is the real one: bookings are checked against
the real clock, as the API checks them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.contracts.clienteling import AppointmentCreate
from app.domain.appointments import AppointmentKind, AppointmentStatus
from app.tablet.gateway.memory import MemoryGateway
from app.tablet.i18n import LOCAL
from app.tablet.i18n import t as words
from app.tablet.state.tablet import Tablet
from tests.unit.test_scenes import log_in, notice, open_elif


def _today() -> date:
    return datetime.now(LOCAL).date()


def _tablet(gw: MemoryGateway, lang: str = "en", day: date | None = None) -> Tablet:
    t = Tablet(
        gw, device_id="tab-1", device_secret="secret-1", lang=lang, today=lambda: day or _today()
    )
    log_in(t)  # Ayşe at IST01
    return t


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    return _tablet(gw)


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(_today() + timedelta(days=days), datetime.min.time(), LOCAL).replace(
        hour=hour, minute=minute
    )


def _booking_tomorrow(t: Tablet) -> None:
    open_elif(t)
    t.appointments.start_booking()
    t.appointments.go_day(1)


def test_a_booking_offers_free_times_and_books_once(tablet: Tablet, gw: MemoryGateway) -> None:
    _booking_tomorrow(tablet)
    scene = tablet.appointments
    assert tablet.screen == "appointments" and scene.booking
    assert scene.serving == (1, "Elif Yılmaz")
    assert scene.kind is AppointmentKind.STYLING and scene.who == 1  # with me, Ayşe
    free = scene.free_starts()
    assert free[0] == _at(1, 10) and free[-1] == _at(1, 20, 15)  # 45 minutes: ends by 21:00
    scene.pick(_at(1, 10))
    scene.book("Düğün için")
    scene.book("Düğün için")  # a second tap: the booking is closed already
    booked = [h.out for h in gw.appointments.values()]
    assert len(booked) == 1 and booked[0].note == "Düğün için"
    assert booked[0].starts_at == _at(1, 10) and booked[0].associate_id == 1
    assert not scene.booking and [a.id for a in scene.items] == [booked[0].id]
    assert tablet.session.toast is not None and tablet.session.toast.key == "appointment_booked"
    # My 10:00 to 10:30 is taken now; a colleague's is not.
    scene.start_booking()
    scene.go_day(1)
    assert _at(1, 10) not in scene.free_starts() and _at(1, 10, 45) in scene.free_starts()
    scene.set_with(3)  # Mert, the manager of this store
    assert scene.who == 3 and _at(1, 10) in scene.free_starts()
    scene.set_with(4)  # Zeynep works at IST02: not offered, not taken
    assert scene.who == 3
    scene.set_with(1)  # back to me
    assert scene.with_whom is None and scene.who == 1


def test_a_time_taken_meanwhile_is_refused_in_words_and_the_times_refreshed(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    _booking_tomorrow(tablet)
    scene = tablet.appointments
    eleven = _at(1, 11)
    scene.set_kind("pickup")
    scene.pick(eleven)
    # Another tablet of the store books Ayşe at 11:00 first.
    other = AppointmentCreate(customer_id=1, kind=AppointmentKind.PICKUP, starts_at=eleven)
    gw.book_appointment(other, key="other-tablet")
    scene.book("")
    assert notice(tablet) == "problem" and scene.booking
    assert scene.start is None and eleven not in scene.free_starts()
    assert len(gw.appointments) == 1


def test_a_time_not_offered_cannot_be_picked(tablet: Tablet) -> None:
    _booking_tomorrow(tablet)
    scene = tablet.appointments
    scene.pick(_at(1, 9, 45))  # before the store's appointment hours
    scene.pick(_at(1, 10, 5))  # not on a quarter-hour
    assert scene.start is None
    scene.book("")
    assert not tablet.gateway.appointment_day(_today() + timedelta(days=1)).items


def test_cancel_is_asked_twice_and_a_second_tablet_learns_it_was_done(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    _booking_tomorrow(tablet)
    scene = tablet.appointments
    scene.pick(_at(1, 15))
    scene.book("")
    [a] = scene.items
    scene.cancel(a.id)  # not asked yet: nothing
    assert gw.appointments[a.id].out.status is AppointmentStatus.BOOKED
    scene.ask_cancel(a.id)
    scene.ask_cancel(a.id)  # "No": asked no more
    scene.cancel(a.id)
    assert gw.appointments[a.id].out.status is AppointmentStatus.BOOKED
    scene.ask_cancel(a.id)
    gw.cancel_appointment(a.id, key="other-tablet")  # cancelled elsewhere first
    scene.cancel(a.id)
    assert notice(tablet) == "problem" and scene.items == []
    assert _at(1, 15) in scene.free_starts()  # free again


def test_offline_nothing_is_booked_and_the_scene_says_why(
    tablet: Tablet, gw: MemoryGateway
) -> None:
    _booking_tomorrow(tablet)
    scene = tablet.appointments
    scene.pick(_at(1, 12))
    gw.online = False
    scene.book("")
    assert notice(tablet) == "offline" and not gw.appointments
    scene.go_day(1)  # another day cannot be read: not yesterday's list under its date
    assert scene.calendar is None and scene.free_starts() == []
    gw.online = True
    scene.go_day(-1)
    assert scene.calendar is not None and _at(1, 12) in scene.free_starts()


def test_the_days_shown_run_from_a_week_back_to_as_far_as_one_may_book(tablet: Tablet) -> None:
    scene = tablet.appointments
    scene.show()
    for _ in range(10):
        scene.go_day(-1)
    assert scene.shown_day == _today() - timedelta(days=7) and not scene.can_go_back
    scene.load(_today() + timedelta(days=59))
    scene.go_day(1)
    scene.go_day(1)
    assert scene.shown_day == _today() + timedelta(days=60) and not scene.can_go_on


def test_the_home_card_lists_todays_appointments(gw: MemoryGateway) -> None:
    tomorrow = _today() + timedelta(days=1)
    gw_view = _tablet(gw)
    _booking_tomorrow(gw_view)
    gw_view.appointments.pick(_at(1, 16))
    gw_view.appointments.book("")
    # The next day's tablet: the booking is on its home card after log-in.
    t = _tablet(gw, day=tomorrow)
    assert [a.starts_at for a in t.appointments.home_rows] == [_at(1, 16)]
    assert t.appointments.home_rows[0].customer_name == "Elif Yılmaz"


def test_every_word_in_both_languages() -> None:
    from app.tablet.i18n import words_appointments

    assert words_appointments.TR.keys() == words_appointments.EN.keys()
    for kind in AppointmentKind:
        assert words("tr", f"appointment_kind_{kind}") != words("en", f"appointment_kind_{kind}")


@pytest.mark.parametrize("lang", ["tr", "en"])
def test_the_views_build_in_both_languages(gw: MemoryGateway, lang: str) -> None:
    from app.tablet.views import appointments, home
    from tests.unit.test_scene_store_side import tagged, texts

    t = _tablet(gw, lang)
    _booking_tomorrow(t)
    t.appointments.pick(_at(1, 10))
    marks = tagged(appointments.build(t))
    assert {"appointment-panel", "appointment-at-1000", "appointment-kind-pickup"} <= marks.keys()
    assert "appointment-with-3" in marks and "appointment-with-4" not in marks
    t.appointments.book("")
    [a] = t.appointments.items
    t.appointments.ask_cancel(a.id)
    marks = tagged(appointments.build(t))
    assert f"appointment-{a.id}-cancel-yes" in marks and "appointment-panel" not in marks
    assert words(lang, "appointment_cancel_ask") in texts(appointments.build(t))
    t.go_home()
    assert words(lang, "home_appointments") in texts(home.build(t))


def test_the_scene_from_home_shows_the_calendar_without_a_booking_left_open(
    tablet: Tablet,
) -> None:
    _booking_tomorrow(tablet)
    assert tablet.appointments.booking
    # Cashiers are not offered: the till does not see clients by appointment.
    assert all(c.role != "cashier" for c in tablet.appointments.colleagues)
    tablet.go_home()
    tablet.appointments.show()
    assert not tablet.appointments.booking and tablet.appointments.shown_day == _today()
