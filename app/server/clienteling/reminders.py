"""Appointment reminders, sent by `reyon worker`: within a day of the start, by e-mail or SMS
on a channel the client opted into, never in the quiet hours, once.

Each reminder is claimed on the appointment's own row with one conditional UPDATE (of several
workers racing, one row update succeeds), sent outside any transaction, then settled on that
claim. A claim a killed worker left is taken over after the outreach lease; a mail server that
refuses hands the claim back for the next round. As with looks (outreach/sender.py), the one
window where a reminder could go twice is a worker killed after the mail server took it and
before the settle committed. A client who opted into no channel we can reach is settled as
"none": no message, never a guess; so is one booked within a day of its start (the client has
just made it). A reminder the mail server keeps refusing is given up as "failed" after
REMIND_ATTEMPTS rounds."""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select, update
from sqlmodel import col

from app.domain import appointments as rules
from app.domain import outreach
from app.domain.appointments import AppointmentStatus
from app.domain.outreach import LEASE
from app.server.catalog.models import Location
from app.server.clienteling.appointment_models import Appointment
from app.server.customers.models import Customer
from app.server.db import Database, core_table, utcnow
from app.server.messaging import Messaging, MessagingUnavailable
from app.settings import ApiSettings

log = logging.getLogger("reyon.reminders")
_TABLE = core_table(Appointment)

# In Turkish: the customer record keeps no language (a look keeps the one it was written in).
WORDS = {
    "subject": "Randevu hatırlatması: {day} {time}",
    "text": "Merhaba {name}, {day} {time} saatinde {store} mağazasında {kind} randevunuz var. "
    "Değiştirmek ya da iptal etmek için mağazayla iletişime geçin. Reyon",
    "styling": "stil danışmanlığı",
    "alteration": "tadilat provası",
    "pickup": "ürün teslim alma",
}


def _words(kind: str, first_name: str, store: str, at: datetime) -> tuple[str, str]:
    w = WORDS
    values = {
        "name": first_name,
        "day": f"{at:%d.%m.%Y}",
        "time": f"{at:%H:%M}",
        "store": store,
        "kind": w[kind],
    }
    return w["subject"].format(**values), w["text"].format(**values)


def remind_round(
    db: Database,
    messaging: Messaging,
    settings: ApiSettings,
    *,
    now: datetime | None = None,
    limit: int = 50,
    stop: threading.Event | None = None,
) -> int:
    """Send up to `limit` reminders due at `now` (the real time unless a test sets it); how
    many were sent. Safe in many workers at once; with `stop` set, ends after the one in hand."""
    now = now or utcnow()
    if outreach.in_quiet_hours(now, settings.timezone):
        return 0  # they wait for the morning; an early appointment's goes at 09:00
    with db.read_session() as session:
        due = session.execute(
            select(col(Appointment.id), col(Appointment.reminder_claimed_at))
            .where(
                col(Appointment.status) == AppointmentStatus.BOOKED,
                col(Appointment.reminded_at).is_(None),
                col(Appointment.starts_at) > now + rules.REMIND_NOT_WITHIN,
                col(Appointment.starts_at) <= now + rules.REMIND_AHEAD,
                or_(
                    col(Appointment.reminder_claimed_at).is_(None),
                    # Claims are stamped by the real clock, whatever `now` a test sets.
                    col(Appointment.reminder_claimed_at) < utcnow() - LEASE,
                ),
            )
            .order_by(col(Appointment.starts_at), col(Appointment.id))
            .limit(limit)
        ).all()
    sent = 0
    for appointment_id, claimed in due:
        if stop is not None and stop.is_set():
            break
        claim = utcnow()
        if not _claim(db, appointment_id, claimed, claim):
            continue  # another worker has it
        try:
            sent += _remind(db, messaging, settings, appointment_id, claim)
        except MessagingUnavailable:  # Messaging logged why (never the recipient)
            _refused(db, appointment_id, claim)
    return sent


def _refused(db: Database, appointment_id: int, claim: datetime) -> None:
    """The claim handed back for a later round, or the reminder given up after
    REMIND_ATTEMPTS (a server or an address that never takes it)."""
    t = _TABLE
    with db.write() as session:
        session.execute(
            update(t)
            .where(t.c.id == appointment_id, t.c.reminder_claimed_at == claim)
            .values(reminder_claimed_at=None, reminder_attempts=t.c.reminder_attempts + 1)
        )
        session.execute(
            update(t)
            .where(t.c.id == appointment_id, t.c.reminder_attempts >= rules.REMIND_ATTEMPTS)
            .values(reminded_at=utcnow(), reminder_channel="failed")
        )


def _claim(db: Database, appointment_id: int, seen: datetime | None, claim: datetime) -> bool:
    t = _TABLE
    held = t.c.reminder_claimed_at.is_(None) if seen is None else t.c.reminder_claimed_at == seen
    with db.write() as session:
        changed = session.execute(
            update(t)
            .where(and_(t.c.id == appointment_id, t.c.reminded_at.is_(None), held))
            .values(reminder_claimed_at=claim)
        ).rowcount  # type: ignore[attr-defined]
    return bool(changed == 1)


def _settle(db: Database, appointment_id: int, claim: datetime, **values: Any) -> None:
    """Only this worker's claim: one taken over after the lease is the other worker's."""
    t = _TABLE
    with db.write() as session:
        session.execute(
            update(t)
            .where(t.c.id == appointment_id, t.c.reminder_claimed_at == claim)
            .values(**values)
        )


def _remind(
    db: Database, messaging: Messaging, settings: ApiSettings, appointment_id: int, claim: datetime
) -> int:
    with db.read_session() as session:
        row = session.execute(
            select(Appointment, Customer, col(Location.name))
            .join(Customer, col(Customer.id) == col(Appointment.customer_id))
            .join(Location, col(Location.id) == col(Appointment.store_id))
            .where(col(Appointment.id) == appointment_id)
        ).one()
    appointment, customer, store = row
    # Read again at send time: a cancel or a withdrawn consent since the round began counts.
    # Without clienteling consent nobody keeps them, their appointment included.
    channel = (
        rules.reminder_channel(
            email=customer.email,
            email_consent=bool(customer.consent_email),
            phone=customer.phone,
            sms_consent=bool(customer.consent_sms),
            email_works=messaging.can_send("email"),
        )
        if customer.consent_clienteling
        else None
    )
    wanted = rules.wants_reminder(appointment.created_at, appointment.starts_at)
    if appointment.status != AppointmentStatus.BOOKED or channel is None or not wanted:
        _settle(db, appointment_id, claim, reminded_at=utcnow(), reminder_channel="none")
        return 0
    local = appointment.starts_at.astimezone(ZoneInfo(settings.timezone))
    subject, text = _words(appointment.kind, customer.first_name, store, local)
    if channel == "email":
        messaging.send("email", to=customer.email or "", subject=subject, text=text, lang="tr")
    else:
        messaging.send("sms", to=customer.phone or "", subject="", text=text, lang="tr")
    _settle(db, appointment_id, claim, reminded_at=utcnow(), reminder_channel=channel)
    return 1
