"""The live gateway's appointments, straight to the API (never queued: an associate's
quarter-hours are held there, and a colleague's tablet may be booking the same one)."""

from __future__ import annotations

from datetime import date

from app.contracts.clienteling import AppointmentCreate, AppointmentDay, AppointmentOut
from app.tablet.gateway import checked
from app.tablet.gateway.live.base import LiveBase


class LiveAppointments(LiveBase):
    def appointment_day(self, day: date) -> AppointmentDay:
        return self.client.appointment_day(day)

    def book_appointment(self, body: AppointmentCreate, *, key: str) -> AppointmentOut:
        # What the contract refuses (a note too long) is refused here, unsent.
        request = checked(lambda: AppointmentCreate.model_validate(body.model_dump()))
        return self.client.book_appointment(request, key=key)

    def cancel_appointment(self, appointment_id: int, *, key: str) -> AppointmentOut:
        return self.client.cancel_appointment(appointment_id, key=key)
