"""The store's appointments (issue 15): the calendar of a day, earliest first, with whom and
for whom; a booking for the customer being served (styling, alteration or pickup; with
yourself or a colleague; one of the times still free for that associate, computed by the same
rules the API checks with); a cancel asked twice before it is done. The home scene's "Today"
card lists today's.

Appointments need the API now: an associate's quarter-hours are held there, and a colleague's
tablet may be booking the same one. Offline the scene says so and keeps what it read last."""

from __future__ import annotations

import contextlib
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from app.contracts.clienteling import AppointmentCreate, AppointmentDay, AppointmentOut, Colleague
from app.domain import appointments as rules
from app.domain.appointments import AppointmentKind
from app.tablet.gateway import checked
from app.tablet.i18n import LOCAL as STORE_TIME  # the store's clock, as times are shown
from app.tablet.problem import ApiProblem
from app.tablet.state.customer import CustomerScene
from app.tablet.state.session import Scene

KINDS = tuple(AppointmentKind)
DAYS_BACK = 7  # the calendar looks back a week (who came), forward as far as one may book
HOME_ROWS = 5


@dataclass
class AppointmentsScene(Scene):
    customer: CustomerScene = field(repr=False, kw_only=True)
    day: date | None = None  # None: the store's today
    calendar: AppointmentDay | None = None
    today_items: list[AppointmentOut] = field(default_factory=list)  # the home card's
    colleagues: list[Colleague] = field(default_factory=list)
    # A booking for the customer being served: open, its kind, with whom (an associate id),
    # and the start picked among the free ones.
    booking: bool = False
    kind: AppointmentKind = AppointmentKind.STYLING
    with_whom: int | None = None
    start: datetime | None = None
    note: str = ""
    asked_cancel: int | None = None  # the appointment whose cancel waits for "yes"
    _acting: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # -- what the views read ----------------------------------------------------------------

    @property
    def shown_day(self) -> date:
        return self.day or self.session.today()

    @property
    def items(self) -> list[AppointmentOut]:
        return self.calendar.items if self.calendar is not None else []

    @property
    def serving(self) -> tuple[int, str] | None:
        v = self.customer.view
        return (v.profile.id, f"{v.profile.first_name} {v.profile.last_name}") if v else None

    @property
    def can_go_back(self) -> bool:
        return self.shown_day > self.session.today() - timedelta(days=DAYS_BACK)

    @property
    def can_go_on(self) -> bool:
        return self.shown_day < self.session.today() + rules.BOOK_AHEAD

    @property
    def who(self) -> int:
        """With whom the booking is: the chosen colleague, or the associate logged in."""
        if self.with_whom is not None:
            return self.with_whom
        return self.session.who.associate.id if self.session.who else 0

    def free_starts(self, now: datetime | None = None) -> list[datetime]:
        """The starts still free on the day shown for `who`, by the API's own rules."""
        c = self.calendar
        if c is None:
            return []
        busy = {b.slot_at for b in c.busy if b.associate_id == self.who}
        return rules.free_starts(self.kind, c.opens_at, c.closes_at, busy, now or datetime.now(UTC))

    @property
    def home_rows(self) -> list[AppointmentOut]:
        return self.today_items[:HOME_ROWS]

    # -- reading -----------------------------------------------------------------------------

    def show(self) -> None:
        """The scene, on today (other days are a tap on an arrow away); a booking left open
        is closed: it is opened from the customer being served."""
        self.booking = False
        self._show()

    def _show(self) -> None:
        self.session.show("appointments")
        self.session.say(None)
        self.asked_cancel = None
        self.load(None)

    def load(self, day: date | None) -> None:
        self.day = day
        try:
            self.calendar = self.gateway.appointment_day(self.shown_day)
        except ApiProblem as exc:
            if self.calendar is not None and self.calendar.day != self.shown_day:
                self.calendar = None  # another day's list is not this one's
            self.refused(exc)
            return
        if self.shown_day == self.session.today():
            self.today_items = self.calendar.items
        self.start = None
        self.session.changed()

    def go_day(self, days: int) -> None:
        """Back or on by `days`, inside what the calendar shows."""
        target = self.shown_day + timedelta(days=days)
        today = self.session.today()
        if today - timedelta(days=DAYS_BACK) <= target <= today + rules.BOOK_AHEAD:
            self.asked_cancel = None
            self.load(target)

    def load_today(self) -> None:
        """The home card's list (after log-in and on the way home; the caller redraws)."""
        # Unreadable now: the card keeps what it had (the home scene is not the place for this
        # error).
        with contextlib.suppress(ApiProblem):
            self.today_items = self.gateway.appointment_day(self.session.today()).items

    # -- booking for the customer being served ----------------------------------------------

    def start_booking(self) -> None:
        if self.serving is None:
            return
        self.booking, self.start, self.note = True, None, ""
        self.with_whom = None
        if not self.colleagues:
            try:
                people = self.gateway.colleagues()
            except ApiProblem:
                people = []  # with yourself only, until the API answers
            self.colleagues = [c for c in people if c.role in rules.TAKES_APPOINTMENTS]
        self._show()

    def stop_booking(self) -> None:
        self.booking, self.start = False, None
        self.session.changed()

    def set_kind(self, kind: str) -> None:
        if kind in KINDS:
            self.kind, self.start = AppointmentKind(kind), None
        self.session.changed()

    def set_with(self, associate_id: int) -> None:
        """A colleague of the store, or yourself (your own id)."""
        me = self.session.who.associate.id if self.session.who else None
        if associate_id == me or any(c.id == associate_id for c in self.colleagues):
            self.with_whom, self.start = (None if associate_id == me else associate_id), None
        self.session.changed()

    def pick(self, start: datetime) -> None:
        if start in self.free_starts():
            self.start = start
        self.session.changed()

    def book(self, note: str) -> None:
        """`note`: the field's text as the tap found it. A double tap books once: the second
        finds the first running, or the booking closed."""
        serving = self.serving
        if not self.booking or serving is None or self.start is None:
            return
        if not self._acting.acquire(blocking=False):
            return
        try:
            self.note = note[: rules.NOTE_MAX]
            start, customer_id = self.start, serving[0]
            with_whom = self.with_whom
            body = checked(
                lambda: AppointmentCreate(
                    customer_id=customer_id,
                    kind=self.kind,
                    starts_at=start,
                    associate_id=with_whom,
                    note=self.note,
                )
            )
            booked = self.gateway.book_appointment(body, key=str(uuid.uuid4()))
        except ApiProblem as exc:
            self.refused(exc)
            if exc.status in (409, 422):  # taken meanwhile, or the time has passed: as now
                self.load(self.day)  # the words of why stay on screen
            return
        finally:
            self._acting.release()
        self.booking, self.note = False, ""
        self.session.say(None)
        self.session.confirm(
            "appointment_booked",
            {
                "name": booked.customer_name,
                "day": booked.starts_at.astimezone(STORE_TIME).strftime("%d.%m"),
                "time": booked.starts_at.astimezone(STORE_TIME).strftime("%H:%M"),
            },
        )
        self.load(self.day)

    # -- cancelling --------------------------------------------------------------------------

    def ask_cancel(self, appointment_id: int) -> None:
        self.asked_cancel = None if self.asked_cancel == appointment_id else appointment_id
        self.session.changed()

    def cancel(self, appointment_id: int) -> None:
        if self.asked_cancel != appointment_id or not self._acting.acquire(blocking=False):
            return
        try:
            self.asked_cancel = None
            cancelled = self.gateway.cancel_appointment(appointment_id, key=str(uuid.uuid4()))
        except ApiProblem as exc:
            self.refused(exc)
            if exc.status in (404, 409):  # cancelled or gone elsewhere: the day as it is
                self.load(self.day)
            return
        finally:
            self._acting.release()
        self.session.say(None)
        self.session.confirm("appointment_cancelled_done", {"name": cancelled.customer_name})
        self.load(self.day)
