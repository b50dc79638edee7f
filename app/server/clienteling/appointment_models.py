"""Appointments at a store, and the quarter-hours each one holds of its associate."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.domain.appointments import NOTE_MAX, AppointmentKind, AppointmentStatus
from app.server.db import EnumText, utcnow


class Appointment(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    store_id: int = Field(foreign_key="location.id")
    associate_id: int = Field(foreign_key="associate.id")
    customer_id: int = Field(foreign_key="customer.id", index=True)
    kind: AppointmentKind = Field(sa_type=EnumText(AppointmentKind, 12))
    starts_at: datetime
    ends_at: datetime
    status: AppointmentStatus = Field(
        default=AppointmentStatus.BOOKED, sa_type=EnumText(AppointmentStatus, 12)
    )
    note: str = Field(default="", max_length=NOTE_MAX)
    created_by: int | None = Field(default=None, foreign_key="associate.id")
    # The reminder (clienteling/reminders.py): claimed by one worker, then settled with the
    # channel it went by ("none": the client opted into no channel we can reach them on).
    reminder_claimed_at: datetime | None = None
    reminded_at: datetime | None = None
    reminder_channel: str | None = Field(default=None, max_length=8)  # or "failed"
    reminder_attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    cancelled_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)

    __table_args__ = (
        CheckConstraint("kind in ('styling', 'alteration', 'pickup')", name="ck_appointment_kind"),
        CheckConstraint("status in ('booked', 'cancelled')", name="ck_appointment_status"),
        CheckConstraint("ends_at > starts_at", name="ck_appointment_length"),
        CheckConstraint(
            "(status = 'cancelled') = (cancelled_at IS NOT NULL)", name="ck_appointment_cancelled"
        ),
        Index("ix_appointment_store_day", "store_id", "starts_at"),
        Index("ix_appointment_remind", "status", "reminded_at", "starts_at"),
    )


class AppointmentSlot(SQLModel, table=True):
    """One quarter-hour of an associate held by a booked appointment. The unique key is the
    associate's capacity: two bookings racing for the same quarter-hour cannot both write it.
    A cancelled appointment's rows are deleted, which frees the time."""

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    associate_id: int = Field(foreign_key="associate.id")
    slot_at: datetime

    __table_args__ = (
        UniqueConstraint("associate_id", "slot_at", name="uq_appointmentslot_associate"),
    )
