"""The in-memory gateway's appointments, under the API's rules (app/server/clienteling/
appointments.py and the pure app/domain/appointments.py they share): a consenting client, on a
quarter-hour inside the store's hours, with yourself or an active colleague of your store, each
quarter-hour of an associate held once (409 appointment-slot-taken); a cancel frees the time
and is refused the second time. Online only, like the API's word it stands in for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.contracts.clienteling import AppointmentCreate, AppointmentDay, AppointmentOut, BusySlot
from app.domain import appointments as rules
from app.domain.appointments import AppointmentStatus
from app.domain.errors import DomainError
from app.tablet.gateway.memory.base import MemoryBase, utcnow
from app.tablet.problem import ApiProblem

TZ = "Europe/Istanbul"  # the demo stores' zone, as the API's settings give it


@dataclass
class _Held:
    out: AppointmentOut
    slots: list[datetime]


class MemoryAppointments(MemoryBase):
    def __init__(self) -> None:
        super().__init__()
        self.appointments: dict[int, _Held] = {}
        self._taken: dict[tuple[int, datetime], int] = {}  # (associate, quarter-hour) -> id

    def _here(self) -> tuple[int, int]:
        self._need_online()
        if self._who is None:
            raise ApiProblem(401, "unauthenticated", "Log in")
        return self._who.associate.id, self._who.associate.store.id

    def appointment_day(self, day: date) -> AppointmentDay:
        _, store = self._here()
        opens, closes = rules.day_bounds(day, TZ)
        mine = [h for h in self.appointments.values() if h.out.store_id == store]
        booked = [h for h in mine if h.out.status is AppointmentStatus.BOOKED]
        shown = [
            h.out
            for h in booked
            if opens <= h.out.starts_at < closes
            and self.customers[h.out.customer_id].profile.consents.clienteling.given
        ]
        busy = [
            BusySlot(associate_id=h.out.associate_id, slot_at=at)
            for h in booked
            for at in h.slots
            if opens <= at < closes
        ]
        return AppointmentDay(
            day=day,
            store_id=store,
            opens_at=opens,
            closes_at=closes,
            items=sorted(shown, key=lambda a: (a.starts_at, a.id)),
            busy=sorted(busy, key=lambda b: (b.associate_id, b.slot_at)),
        )

    def book_appointment(self, body: AppointmentCreate, *, key: str) -> AppointmentOut:
        me, store = self._here()

        def book() -> AppointmentOut:
            try:
                start = rules.check_start(body.kind, body.starts_at, utcnow(), TZ)
            except DomainError as exc:
                raise ApiProblem(422, exc.kind, exc.title, exc.detail) from None
            view = self.customers.get(body.customer_id)
            if view is None:
                raise ApiProblem(404, "not-found", "No such customer")
            if not view.profile.consents.clienteling.given:
                raise ApiProblem(403, "consent-required", "The customer has not consented")
            with_whom = body.associate_id or me
            colleague = next((a for a in self.associates.values() if a.id == with_whom), None)
            if colleague is None:
                raise ApiProblem(404, "not-found", "No such associate")
            if colleague.store_id != store:
                raise ApiProblem(422, "associate-other-store", "Not a colleague of this store")
            if not colleague.active:
                raise ApiProblem(422, "associate-inactive", "Associate not active")
            if colleague.role not in rules.TAKES_APPOINTMENTS:
                raise ApiProblem(422, "associate-no-appointments", "Does not take appointments")
            held = rules.slots(body.kind, start)
            if any((with_whom, at) in self._taken for at in held):
                raise ApiProblem(409, "appointment-slot-taken", "The associate is busy then")
            p = view.profile
            out = AppointmentOut(id=next(self._ids), store_id=store, associate_id=with_whom, associate_name=colleague.name, customer_id=p.id, customer_name=f"{p.first_name} {p.last_name}", kind=body.kind, starts_at=start, ends_at=start + rules.LENGTH[body.kind], status=AppointmentStatus.BOOKED, note=body.note)  # fmt: skip
            self.appointments[out.id] = _Held(out, held)
            self._taken.update({(with_whom, at): out.id for at in held})
            return out

        return self._once(key, book)

    def cancel_appointment(self, appointment_id: int, *, key: str) -> AppointmentOut:
        _, store = self._here()

        def cancel() -> AppointmentOut:
            held = self.appointments.get(appointment_id)
            if held is None or held.out.store_id != store:
                raise ApiProblem(404, "not-found", "No such appointment")
            if held.out.status is AppointmentStatus.CANCELLED:
                raise ApiProblem(409, "appointment-cancelled", "Already cancelled")
            held.out = held.out.model_copy(update={"status": AppointmentStatus.CANCELLED})
            for at in held.slots:
                self._taken.pop((held.out.associate_id, at), None)
            return held.out

        return self._once(key, cancel)
