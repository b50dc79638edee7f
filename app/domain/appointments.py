"""Appointments at a store (issue 15): a styling session, an alteration fitting or a pickup
with an associate. Pure rules: what may be booked and which quarter-hours it takes.

An associate sees one client at a time, so their capacity is one appointment per quarter-hour;
a booking claims every quarter-hour it covers, and the database's unique key on (associate,
quarter-hour) is what keeps two tablets from booking the same associate at once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from app.domain.errors import Invalid

SLOT = timedelta(minutes=15)
# The store's hours for appointments, local time: the first may begin at OPENS, the last must
# end by CLOSES.
OPENS = time(10, 0)
CLOSES = time(21, 0)
BOOK_AHEAD = timedelta(days=60)
LINK_BOOKINGS_MAX = 3  # upcoming appointments a client may book themselves from a look page
NOTE_MAX = 300
# Who sees clients by appointment: the till's cashiers do not.
TAKES_APPOINTMENTS = ("associate", "manager")
# A reminder goes within a day of the start, outside the quiet hours: the evening before, or
# at 09:00 for one booked overnight. Not in the last half hour (only noise by then), and not
# for an appointment booked within a day of its start: the client has just made it.
REMIND_AHEAD = timedelta(hours=24)
REMIND_NOT_WITHIN = timedelta(minutes=30)
REMIND_ATTEMPTS = 5  # a reminder the mail server keeps refusing is given up after these


def wants_reminder(booked_at: datetime, starts_at: datetime) -> bool:
    """Booked more than a day ahead: a reminder is worth sending."""
    return starts_at - booked_at > REMIND_AHEAD


class AppointmentKind(StrEnum):
    STYLING = "styling"
    ALTERATION = "alteration"
    PICKUP = "pickup"


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


LENGTH: dict[AppointmentKind, timedelta] = {
    AppointmentKind.STYLING: timedelta(minutes=45),
    AppointmentKind.ALTERATION: timedelta(minutes=30),
    AppointmentKind.PICKUP: timedelta(minutes=15),
}


def check_start(kind: AppointmentKind, starts_at: datetime, now: datetime, tz: str) -> datetime:
    """The start, in UTC, if an appointment of this kind may begin then: on a quarter-hour,
    after now, within BOOK_AHEAD, and inside the store's hours from start to end (local)."""
    start = starts_at.astimezone(UTC)  # the wire contract made it aware (UTC when naive)
    local = start.astimezone(ZoneInfo(tz))
    if local.minute % 15 or local.second or local.microsecond:
        raise Invalid(
            "appointment-not-on-slot",
            "Not on a quarter-hour",
            "Appointments begin on the hour or at :15, :30, :45.",
        )
    if start <= now:
        raise Invalid("appointment-past", "Start in the past", "Choose a time after now.")
    if start > now + BOOK_AHEAD:
        raise Invalid(
            "appointment-too-far",
            "Too far ahead",
            f"Appointments can be booked up to {BOOK_AHEAD.days} days ahead.",
        )
    end = (local + LENGTH[kind]).time()
    if local.time() < OPENS or end > CLOSES or end <= local.time():
        raise Invalid(
            "appointment-outside-hours",
            "Outside the store's hours",
            f"Appointments run from {OPENS:%H:%M} to {CLOSES:%H:%M}, store time.",
        )
    return start


def slots(kind: AppointmentKind, start: datetime) -> list[datetime]:
    """The quarter-hours an appointment beginning at `start` (UTC) takes."""
    return [start + i * SLOT for i in range(LENGTH[kind] // SLOT)]


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    """A local day's appointment hours as UTC instants (the calendar's window)."""
    zone = ZoneInfo(tz)
    opens = datetime.combine(day, OPENS, zone).astimezone(UTC)
    closes = datetime.combine(day, CLOSES, zone).astimezone(UTC)
    return opens, closes


def free_starts(
    kind: AppointmentKind,
    opens: datetime,
    closes: datetime,
    busy: set[datetime],
    now: datetime,
) -> list[datetime]:
    """The starts (UTC) an appointment of this kind could have on a day whose hours are
    `opens` to `closes`, for an associate who holds the quarter-hours in `busy`: after now,
    and clear of `busy` from start to end. What the tablet offers; the API decides again."""
    out: list[datetime] = []
    start = opens
    while start + LENGTH[kind] <= closes:
        bookable = now < start <= now + BOOK_AHEAD
        if bookable and not busy.intersection(slots(kind, start)):
            out.append(start)
        start += SLOT
    return out


def reminder_channel(
    *,
    email: str | None,
    email_consent: bool,
    phone: str | None,
    sms_consent: bool,
    email_works: bool = True,
) -> str | None:
    """How the client hears of their appointment: e-mail (when the server can send it), else
    SMS, on a channel they opted into and have an address for; None when there is none (no
    reminder, never a guess)."""
    if email and email_consent and email_works:
        return "email"
    if phone and sms_consent:
        return "sms"
    return None
