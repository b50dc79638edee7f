"""Appointment reminders (issue 15), on SQLite and PostgreSQL, through a real SMTP server
(tests/mail.py) and the file SMS provider: a booked appointment is reminded once within a day
of its start, by e-mail or else SMS on a channel the client opted into; never in the quiet
hours, never in its last hour, never when cancelled or without consent; a mail server that is
down gets it later; workers racing remind each appointment exactly once. Appointments are
booked through the API; the rounds are run with the clock set where each case needs it."""

from __future__ import annotations

import json
import threading
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import col, select

from app.domain.appointments import REMIND_ATTEMPTS
from app.server.clienteling.appointment_models import Appointment
from app.server.clienteling.reminders import remind_round
from app.server.db import Database, make_engine
from app.server.messaging import Messaging
from app.settings import ApiSettings
from tests.conftest import World
from tests.integration.test_appointments import _book
from tests.integration.test_client_book import associate, key
from tests.integration.test_outreach_worker import client, consent, settings_for
from tests.mail import MailSink, mail_sink
from tests.server import HANG_S, free_port

ZONE = "Europe/Istanbul"  # the test API's zone: where the store's hours are counted
TZ = ZoneInfo(ZONE)
DAY = datetime.now(TZ).date() + timedelta(days=2)


def _at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(DAY, time(hour, minute), TZ)


def _settings(
    world: World, tmp_path: Path, sink: MailSink | None = None, **kw: object
) -> ApiSettings:
    return settings_for(world, tmp_path, sink, timezone=ZONE, **kw)


def _appointment(
    world: World, code: str, customer: int, start: datetime, kind: str = "styling"
) -> int:
    r = _book(
        world, code, {"customer_id": customer, "kind": kind, "starts_at": start.isoformat()}, key()
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _row(world: World, appointment_id: int) -> Appointment:
    with world.db.session() as s:
        row = s.get(Appointment, appointment_id)
        assert row is not None
        return row


def _round(world: World, settings: ApiSettings, now: datetime) -> int:
    return remind_round(world.db, Messaging.from_settings(settings), settings, now=now)


def _mails_to(sink: MailSink, address: str) -> list[object]:
    with sink._changed:
        return [m for m in sink.messages if m["To"] == address]


def test_an_e_mail_reminder_goes_once_within_a_day_and_not_before(
    world: World, tmp_path: Path
) -> None:
    sink = mail_sink()
    settings = _settings(world, tmp_path, sink)
    _, code = associate(world)
    customer, address, _ = client(world)
    start = _at(14)
    booked = _appointment(world, code, customer, start)
    # Each round reminds whatever is due in the shared database: this appointment is read by
    # its own row, never by the round's count.
    _round(world, settings, start - timedelta(hours=30))  # more than a day ahead
    _round(world, settings, start - timedelta(hours=17))  # 21:00: quiet hours
    row = _row(world, booked)
    assert row.reminded_at is None and row.reminder_claimed_at is None
    _round(world, settings, start - timedelta(hours=20))  # 18:00 the day before
    _round(world, settings, start - timedelta(hours=19))
    sink.wait_for(lambda m: m["To"] == address)
    [mail] = _mails_to(sink, address)
    assert mail["Subject"] == f"Randevu hatırlatması: {start:%d.%m.%Y} 14:00"  # type: ignore[index]
    body = mail.get_body(("plain",)).get_content()  # type: ignore[attr-defined]
    assert "Merhaba Zeynep" in body and "Nişantaşı mağazasında stil danışmanlığı" in body
    row = _row(world, booked)
    assert row.reminded_at is not None and row.reminder_channel == "email"


def test_sms_when_only_sms_none_without_consent_none_in_the_last_hour_or_cancelled(
    world: World, tmp_path: Path
) -> None:
    settings = _settings(world, tmp_path)
    _, code = associate(world)
    by_sms, _, phone = client(world, email=False, sms=True)
    silent, _, _ = client(world, email=False, sms=False)
    withdrawn, _, _ = client(world)
    cancelled, _, _ = client(world)
    late, _, _ = client(world)
    just_booked, _, _ = client(world)
    ids = {
        "sms": _appointment(world, code, by_sms, _at(10), "pickup"),
        "silent": _appointment(world, code, silent, _at(10, 15), "pickup"),
        "withdrawn": _appointment(world, code, withdrawn, _at(10, 30), "pickup"),
        "cancelled": _appointment(world, code, cancelled, _at(10, 45), "pickup"),
        "late": _appointment(world, code, late, _at(20), "pickup"),
        "just_booked": _appointment(world, code, just_booked, _at(11), "pickup"),
    }
    with world.db.write() as s:  # as if it had been booked three hours before its start
        s.execute(
            update(Appointment)
            .where(col(Appointment.id) == ids["just_booked"])
            .values(created_at=_at(8))
        )
    consent(world, withdrawn, clienteling=False)  # after booking: nobody keeps them now
    with world.client(code) as c:
        r = c.post(f"/v1/appointments/{ids['cancelled']}/cancel", headers=key())
        assert r.status_code == 200, r.text
    # 19:30 the evening before: 10:00 to 10:45 are within a day, 20:00 not yet (a day and half
    # an hour away). Then 19:30 on the day: 20:00 is in its last hour, too late to remind.
    _round(world, settings, _at(19, 30) - timedelta(days=1))
    lines = [json.loads(x) for x in settings.sms_outbox_file.read_text().splitlines()]
    mine = [x for x in lines if x["to"] == phone]
    assert len(mine) == 1 and "ürün teslim alma" in mine[0]["text"]
    assert _row(world, ids["sms"]).reminder_channel == "sms"
    assert _row(world, ids["silent"]).reminder_channel == "none"
    assert _row(world, ids["withdrawn"]).reminder_channel == "none"
    assert _row(world, ids["cancelled"]).reminded_at is None
    assert _row(world, ids["just_booked"]).reminder_channel == "none"
    _round(world, settings, _at(19, 30))  # the late one's last hour: no reminder
    assert _row(world, ids["late"]).reminded_at is None
    sent = [json.loads(x)["to"] for x in settings.sms_outbox_file.read_text().splitlines()]
    assert sent.count(phone) == 1


def test_a_mail_server_that_is_down_gets_the_reminder_later_then_gives_up(
    world: World, tmp_path: Path
) -> None:
    sink = mail_sink()
    _, code = associate(world)
    customer, address, _ = client(world)
    doomed, _, _ = client(world)
    start = _at(15)
    booked = _appointment(world, code, customer, start)
    never = _appointment(world, code, doomed, _at(16))
    down = _settings(world, tmp_path, smtp_port=free_port())  # nothing listens there
    _round(world, down, start - timedelta(hours=20))
    row = _row(world, booked)
    assert row.reminded_at is None and row.reminder_claimed_at is None  # handed back
    assert row.reminder_attempts == 1
    _round(world, _settings(world, tmp_path, sink), start - timedelta(hours=19, minutes=30))
    sink.wait_for(lambda m: m["To"] == address)
    assert len(_mails_to(sink, address)) == 1
    # One the server never takes is given up, not retried for ever.
    with world.db.write() as s:  # the other was reminded above; this one waits
        s.execute(
            update(Appointment)
            .where(col(Appointment.id) == never)
            .values(
                reminded_at=None,
                reminder_channel=None,
                reminder_attempts=0,
                reminder_claimed_at=None,
            )
        )
    for _ in range(REMIND_ATTEMPTS):
        _round(world, down, start - timedelta(hours=19))
    row = _row(world, never)
    assert (row.reminder_channel, row.reminder_attempts) == ("failed", REMIND_ATTEMPTS)
    assert row.reminded_at is not None


def test_a_server_without_e_mail_reminds_by_sms_when_the_client_opted_in(
    world: World, tmp_path: Path
) -> None:
    settings = _settings(world, tmp_path, smtp_host=None)
    _, code = associate(world)
    both, _, phone = client(world, email=True, sms=True)
    booked = _appointment(world, code, both, _at(17))
    _round(world, settings, _at(17) - timedelta(hours=22))  # 19:00 the day before
    assert _row(world, booked).reminder_channel == "sms"
    lines = [json.loads(x) for x in settings.sms_outbox_file.read_text().splitlines()]
    assert [x["to"] for x in lines].count(phone) == 1


def test_workers_racing_remind_each_appointment_exactly_once(world: World, tmp_path: Path) -> None:
    sink = mail_sink()
    settings = _settings(world, tmp_path, sink)
    _, code = associate(world)
    addresses = []
    for n in range(12):
        customer, address, _ = client(world)
        _appointment(world, code, customer, _at(11) + n * timedelta(minutes=15), "pickup")
        addresses.append(address)
    now = _at(17) - timedelta(days=1)
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        db = Database(make_engine(world.database_url, pool_size=2))  # as a worker process has
        try:
            start.wait()
            remind_round(db, Messaging.from_settings(settings), settings, now=now)
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HANG_S)
    assert not errors
    for address in addresses:
        sink.wait_for(lambda m, a=address: m["To"] == a)
    assert [len(_mails_to(sink, a)) for a in addresses] == [1] * 12
    with world.db.session() as s:
        channels = s.execute(
            select(col(Appointment.reminder_channel)).where(
                col(Appointment.starts_at) >= _at(11), col(Appointment.starts_at) < _at(14)
            )
        ).scalars()
        assert "email" in set(channels)
