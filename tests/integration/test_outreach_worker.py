"""The outbox sender and `reyon worker` (issue 15), on SQLite and PostgreSQL, against a real SMTP
server (tests/mail.py) and the file SMS provider: a look's message goes once, never without the
customer's consent, never in the quiet hours, never twice when workers race or one is killed in
the middle of handing a message to the mail server."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update
from sqlmodel import col

from app.contracts.media import product_image_url
from app.domain import outreach
from app.domain.outreach import LEASE, MAX_ATTEMPTS, MessageStatus
from app.qr.look import verify_look, verify_optout
from app.server.catalog.models import Variant
from app.server.customers.models import Customer
from app.server.db import Database, make_engine, utcnow
from app.server.messaging import Messaging
from app.server.outreach.models import OutreachMessage
from app.server.outreach.sender import deliver_due, deliver_round
from app.settings import ApiSettings
from tests import factories
from tests.conftest import World
from tests.factories import TEST_RING
from tests.looks import make_look
from tests.mail import SENDER, MailSink, mail_sink
from tests.server import HANG_S, ROOT, TEST_SECRET, free_port

DOMAIN = "reyon.test"  # of tests/mail.py's SENDER: the right half of every look's Message-ID


def zone_at(local_hour: int) -> str:
    """A fixed-offset zone where it is now about `local_hour`: the tests run at any hour, and
    the quiet hours (21:00-09:00) are in the store's zone."""
    offset = (local_hour - utcnow().hour + 12) % 24 - 12  # -12 .. 11
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"  # Etc/GMT-3 is UTC+3


DAY, NIGHT = zone_at(12), zone_at(0)


def settings_for(world: World, tmp_path: Path, sink: MailSink | None = None, **kw) -> ApiSettings:  # type: ignore[no-untyped-def]
    smtp = sink or mail_sink()
    values: dict[str, object] = {
        "database_url": world.database_url,
        "secret_key": TEST_SECRET,
        "public_base_url": world.url,  # the pictures and links point at the running API
        "timezone": DAY,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp.controller.port,
        "smtp_from": SENDER,
        "smtp_starttls": False,
        "sms_outbox_file": tmp_path / "sms.jsonl",
    }
    return ApiSettings(_env_file=None, **(values | kw))  # type: ignore[call-arg]


def client(world: World, *, email: bool = True, sms: bool = False) -> tuple[int, str, str]:
    """A customer of their own (id, e-mail, phone) who opted into e-mail and/or SMS."""
    tag = factories.unique("")
    address, phone = f"look{tag}@example.org", f"+90532{tag[-7:]}"
    customer_id = factories.customer(world.db, consent=True, email=address, phone=phone)
    consent(world, customer_id, email=email, sms=sms)
    return customer_id, address, phone


def consent(world: World, customer_id: int, **channels: bool) -> None:
    values = {f"consent_{name}": given for name, given in channels.items()}
    with world.db.write() as s:
        s.execute(update(Customer).where(col(Customer.id) == customer_id).values(**values))


def variants(world: World, **kw) -> tuple[int, list[int]]:  # type: ignore[no-untyped-def]
    product_id, skus = factories.product(world.db, sizes=("M", "L"), **kw)
    with world.db.session() as s:
        ids = s.execute(select(col(Variant.id)).where(col(Variant.sku).in_(skus))).scalars()
        return product_id, sorted(ids)


def look(world: World, customer_id: int, variant_ids: list[int], **kw) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return make_look(
        world.db,
        customer_id=customer_id,
        associate_id=world.base.associates["t-associate"],
        location_id=world.base.stores["IST01"],
        variant_ids=variant_ids,
        **kw,
    )


def message(world: World, message_id: int) -> OutreachMessage:
    with world.db.session() as s:
        row = s.get(OutreachMessage, message_id)
        assert row is not None
        return row


def copies(sink: MailSink, look_id: int, *, after: int) -> int:
    """Copies of a look's e-mail from index `after` on (the SQLite and PostgreSQL runs share
    the sink, and each numbers its looks from 1)."""
    with sink._changed:
        mine = f"<look-{look_id}@{DOMAIN}>"
        return sum(m["Message-ID"] == mine for m in sink.messages[after:])


def round_of(world: World, settings: ApiSettings, worker: str = "w1") -> int:
    return deliver_due(world.db, Messaging.from_settings(settings), settings, worker_id=worker)


def links(html: str) -> tuple[str, str]:
    look_url = re.search(r'href="([^"]*/l/[^"]+)"', html)
    optout_url = re.search(r'href="([^"]*/o/[^"]+)"', html)
    assert look_url and optout_url
    return look_url.group(1), optout_url.group(1)


def test_an_e_mail_look_is_sent_once_with_its_pictures_and_links(
    world: World, tmp_path: Path
) -> None:
    sink, settings = mail_sink(), settings_for(world, tmp_path)
    customer_id, address, _ = client(world)
    product_id, (m, lg) = variants(world, price_kurus=123450)
    line = 'Merhaba Ayşe, <b>bunlar</b> & "size" çok yakışır'
    look_id, message_id = look(world, customer_id, [m, lg], line=line)
    before = sink.count()

    assert round_of(world, settings) >= 1
    mail = sink.wait_for(lambda m: m["Message-ID"] == f"<look-{look_id}@{DOMAIN}>", after=before)
    assert mail["To"] == address and mail["From"] == SENDER
    assert mail["Subject"] == "T Associate sizin için seçti"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Content-Language"] == "tr"
    html_part, text_part = mail.get_body(("html",)), mail.get_body(("plain",))
    assert isinstance(html_part, EmailMessage) and isinstance(text_part, EmailMessage)
    html, text = html_part.get_content(), text_part.get_content()
    assert escape(line) in html and "<b>bunlar" not in html  # the associate's words, escaped
    assert "1.234,50 TL" in html and "Kombini görün" in html and "Beden: M" in html
    picture = world.url + product_image_url(product_id, "Lacivert", "full")
    assert escape(picture) in html
    got = httpx.get(picture, timeout=HANG_S)  # the picture the mail program will load
    assert got.status_code == 200 and got.headers["content-type"] == "image/webp"
    look_url, optout_url = links(html)
    assert verify_look(TEST_RING, look_url).look_id == look_id
    assert verify_optout(TEST_RING, optout_url) == message_id
    # (folded onto its own line when long; the parser keeps the fold's space)
    assert mail["List-Unsubscribe"].strip() == f"<{optout_url}>"
    assert f'<img src="{look_url}/pixel.png" width="1" height="1"' in html
    assert line in text and look_url in text and optout_url in text

    sent = message(world, message_id)
    assert (sent.status, sent.attempts, sent.claimed_by) == (MessageStatus.SENT, 1, "w1")
    assert sent.sent_at is not None and sent.reason is None
    round_of(world, settings)  # a second round finds nothing of it to send
    assert copies(sink, look_id, after=before) == 1


def test_an_english_look_is_written_in_english(world: World, tmp_path: Path) -> None:
    sink, settings = mail_sink(), settings_for(world, tmp_path)
    customer_id, _, _ = client(world)
    _, (m, _) = variants(world)
    look_id, _ = look(world, customer_id, [m], lang="en", line="Hello, these are for you.")
    before = sink.count()
    round_of(world, settings)
    mail = sink.wait_for(lambda x: x["Message-ID"] == f"<look-{look_id}@{DOMAIN}>", after=before)
    html_part = mail.get_body(("html",))
    assert isinstance(html_part, EmailMessage)
    html = html_part.get_content()
    assert (
        mail["Subject"] == "T Associate picked these for you" and mail["Content-Language"] == "en"
    )
    assert "See the look" in html and "Cotton Shirt" in html and "Colour: Navy" in html
    assert '<html lang="en">' in html


def test_never_without_consent_withdrawn_after_the_look_was_made(
    world: World, tmp_path: Path
) -> None:
    sink, settings = mail_sink(), settings_for(world, tmp_path)
    customer_id, address, _ = client(world)
    _, (m, _) = variants(world)
    look_id, message_id = look(world, customer_id, [m])
    consent(world, customer_id, email=False)  # the customer opts out before the worker runs
    before = sink.count()
    to_them = sum(1 for x in sink.messages if x["To"] == address)

    round_of(world, settings)  # a whole round, then what it did
    blocked = message(world, message_id)
    assert (blocked.status, blocked.reason) == (MessageStatus.BLOCKED, "consent withdrawn")
    assert blocked.sent_at is None
    assert sum(1 for x in sink.messages if x["To"] == address) == to_them == 0
    consent(world, customer_id, email=True)  # opting in again later does not revive it
    round_of(world, settings)
    assert (
        message(world, message_id).status == MessageStatus.BLOCKED
        and copies(sink, look_id, after=before) == 0
    )


def test_quiet_hours_hold_a_message_until_the_morning(world: World, tmp_path: Path) -> None:
    sink = mail_sink()
    before = sink.count()
    customer_id, _, _ = client(world)
    _, (m, _) = variants(world)
    # Made in the evening: not_before is the next morning; no worker takes it now.
    later = utcnow() + timedelta(hours=9)
    waiting, waiting_msg = look(world, customer_id, [m])
    with world.db.write() as s:
        s.execute(
            update(OutreachMessage)
            .where(col(OutreachMessage.id) == waiting_msg)
            .values(not_before=later)
        )
    round_of(world, settings_for(world, tmp_path))
    held = message(world, waiting_msg)
    assert (held.status, held.attempts, held.not_before) == (MessageStatus.QUEUED, 0, later)
    assert copies(sink, waiting, after=before) == 0

    # Due, but the store's night has come by the time a worker claims it: back to the queue
    # until 09:00 there, and no attempt spent.
    night, night_msg = look(world, customer_id, [m])
    now = utcnow()
    round_of(world, settings_for(world, tmp_path, timezone=NIGHT))
    deferred = message(world, night_msg)
    assert (deferred.status, deferred.reason) == (MessageStatus.QUEUED, "quiet hours")
    assert deferred.attempts == 0 and copies(sink, night, after=before) == 0
    assert deferred.not_before == outreach.not_before(now, NIGHT)
    morning = deferred.not_before.astimezone(ZoneInfo(NIGHT))
    assert (morning.hour, morning.minute) == (9, 0) and deferred.not_before > now


def test_a_text_message_look_goes_to_the_sms_provider_once(world: World, tmp_path: Path) -> None:
    settings = settings_for(world, tmp_path)
    customer_id, _, phone = client(world, email=False, sms=True)
    _, (m, _) = variants(world)
    look_id, message_id = look(world, customer_id, [m], channel="sms", line="Yeni sezon geldi!")
    round_of(world, settings)
    round_of(world, settings)
    lines = [json.loads(x) for x in settings.sms_outbox_file.read_text().splitlines()]
    mine = [x for x in lines if x["to"] == phone]
    assert len(mine) == 1
    text = mine[0]["text"]
    look_url = re.search(r"\S+/l/\S+", text)
    optout_url = re.search(r"\S+/o/\S+", text)
    assert look_url and optout_url and text.startswith("Yeni sezon geldi!")
    assert verify_look(TEST_RING, look_url.group(0)).look_id == look_id
    assert verify_optout(TEST_RING, optout_url.group(0)) == message_id
    assert message(world, message_id).status == MessageStatus.SENT


def test_a_mail_server_that_is_down_is_retried_later_then_given_up(
    world: World, tmp_path: Path
) -> None:
    down = settings_for(world, tmp_path)
    down = down.model_copy(update={"smtp_port": free_port()})  # nothing listens there
    customer_id, _, _ = client(world)
    _, (m, _) = variants(world)
    _, message_id = look(world, customer_id, [m])
    before = utcnow()
    round_of(world, down)
    waiting = message(world, message_id)
    assert (waiting.status, waiting.attempts) == (MessageStatus.QUEUED, 1)
    assert waiting.reason == "email not taken" and waiting.not_before >= before + timedelta(
        seconds=30
    )
    with world.db.write() as s:  # the last attempt, due now
        s.execute(
            update(OutreachMessage)
            .where(col(OutreachMessage.id) == message_id)
            .values(attempts=MAX_ATTEMPTS - 1, not_before=utcnow())
        )
    round_of(world, down)
    failed = message(world, message_id)
    assert (failed.status, failed.attempts) == (MessageStatus.FAILED, MAX_ATTEMPTS)


def test_workers_racing_send_each_message_exactly_once(world: World, tmp_path: Path) -> None:
    sink, settings = mail_sink(), settings_for(world, tmp_path)
    before = sink.count()
    _, (m, lg) = variants(world)
    looks = []
    for _ in range(6):
        customer_id, _, _ = client(world)
        looks += [look(world, customer_id, [m, lg])[0] for _ in range(5)]
    start = threading.Barrier(4)
    outcomes: Counter[str] = Counter()
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        # Its own engine and pool, as a worker process has.
        db = Database(make_engine(world.database_url, pool_size=2))
        messaging = Messaging.from_settings(settings)
        try:
            start.wait()
            while True:
                counts = deliver_round(db, messaging, settings, worker_id=f"racer-{n}", limit=10)
                outcomes.update(counts)
                if not counts:
                    return
        except BaseException as exc:
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HANG_S)
    assert not errors
    assert {look_id: copies(sink, look_id, after=before) for look_id in looks} == dict.fromkeys(
        looks, 1
    )
    with world.db.session() as s:
        statuses = s.execute(
            select(col(OutreachMessage.status)).where(col(OutreachMessage.look_id).in_(looks))
        ).scalars()
        assert set(statuses) == {MessageStatus.SENT}
    assert outcomes["sent"] >= 30


def _worker(world: World, sink: MailSink, log: Path, *extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "REYON_DATABASE_URL": world.database_url,
        "REYON_SECRET_KEY": TEST_SECRET,
        "REYON_PUBLIC_BASE_URL": world.url,
        "REYON_TIMEZONE": DAY,
        "REYON_WORKER_POLL_SECONDS": "0.2",
        "REYON_LOG_FORMAT": "json",
        "REYON_LOG_LEVEL": "INFO",
        "REYON_SMS_OUTBOX_FILE": str(log.with_suffix(".sms.jsonl")),
        **sink.api_env(),
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "app.cli", "worker", *extra],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _wait(event: threading.Event, proc: subprocess.Popen[bytes], log: Path, what: str) -> None:
    deadline = utcnow() + timedelta(seconds=HANG_S)
    while not event.wait(0.2):
        if proc.poll() is not None:
            pytest.fail(f"the worker exited ({proc.returncode}) before {what}:\n{log.read_text()}")
        if utcnow() > deadline:
            pytest.fail(f"no {what} within {HANG_S} s:\n{log.read_text()}")


@pytest.fixture
def stalling_sink() -> Iterator[MailSink]:
    sink = MailSink()  # its own: holding a message must not hold anyone else's mail
    sink.controller.start()
    yield sink
    sink.controller.stop()


def test_a_worker_killed_inside_smtp_data_leaves_the_message_to_the_next_once(
    world: World, tmp_path: Path, stalling_sink: MailSink
) -> None:
    sink = stalling_sink
    customer_id, _, _ = client(world)
    _, (m, _) = variants(world)
    look_id, message_id = look(world, customer_id, [m])
    stall = sink.stall(lambda x: x["Message-ID"] == f"<look-{look_id}@{DOMAIN}>")
    log = tmp_path / "worker-1.log"
    first = _worker(world, sink, log)
    try:
        _wait(stall.entered, first, log, "the message inside DATA")
        os.killpg(first.pid, signal.SIGKILL)  # no handler runs: a crash, a pulled plug
        first.wait(HANG_S)
        # The mail server saw the connection go before it answered: nothing was handed over.
        assert stall.dropped.wait(HANG_S)
    finally:
        stall.released.set()
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(HANG_S)
    held = message(world, message_id)
    assert (held.status, held.attempts) == (MessageStatus.SENDING, 1)
    assert held.claimed_by is not None and held.claimed_by.endswith(f":{first.pid}")
    assert copies(sink, look_id, after=0) == 0

    # Within the lease, another worker leaves the claim alone.
    settings = settings_for(world, tmp_path, sink)
    round_of(world, settings, "w2")
    assert (
        message(world, message_id).status == MessageStatus.SENDING
        and copies(sink, look_id, after=0) == 0
    )

    # The lease runs out (moved back here rather than waited for): the next worker sends it.
    with world.db.write() as s:
        s.execute(
            update(OutreachMessage)
            .where(col(OutreachMessage.id) == message_id)
            .values(claimed_at=held.claimed_at - LEASE - timedelta(seconds=1))  # type: ignore[operator]
        )
    second = _worker(world, sink, tmp_path / "worker-2.log", "--once")
    assert second.wait(HANG_S) == 0, (tmp_path / "worker-2.log").read_text()
    assert copies(sink, look_id, after=0) == 1
    sent = message(world, message_id)
    assert (sent.status, sent.attempts) == (MessageStatus.SENT, 2)
    assert sent.claimed_by is not None and sent.claimed_by.endswith(f":{second.pid}")


def test_the_worker_stops_cleanly_on_sigterm(world: World, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    proc = _worker(world, mail_sink(), log)
    try:
        up = threading.Event()
        deadline = utcnow() + timedelta(seconds=HANG_S)
        while "started" not in log.read_text():  # its first log line: the handlers are set
            assert proc.poll() is None and utcnow() < deadline, log.read_text()
            up.wait(0.1)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(HANG_S) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(HANG_S)
    text = log.read_text()
    assert "Traceback" not in text and "stopped" in text


def test_the_demo_mailbox_keeps_and_shows_what_it_received(
    fresh_database,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from app.server.demo.mailbox import DemoMailbox
    from app.server.messaging import EmailMessageOut, SmtpSender
    from tests.server import start_api

    folder = tmp_path / "demo-mail"
    mailbox = DemoMailbox(folder)
    mailbox.start()
    api = start_api(
        fresh_database("sqlite"),
        log_dir=tmp_path,
        extra_env={"REYON_DEMO_MODE": "1", **mailbox.env()},
    )
    try:
        empty = httpx.get(f"{api.url}/demo/mail", timeout=HANG_S)
        assert empty.status_code == 200 and "No e-mail yet" in empty.text
        sender = SmtpSender(host="127.0.0.1", port=mailbox.port, sender=SENDER, starttls=False)
        for n in (1, 2):
            sender.send(
                EmailMessageOut(
                    to=f"m{n}@example.org",
                    subject=f"Kombin {n}",
                    text="metin",
                    html=f"<p>Kombin <b>{n}</b></p><script>alert(1)</script>",
                )
            )
        assert sorted(p.name for p in folder.iterdir()) == ["000001.eml", "000002.eml"]
        listing = httpx.get(f"{api.url}/demo/mail", timeout=HANG_S).text
        assert listing.index("Kombin 2") < listing.index("Kombin 1")  # newest first
        shown = httpx.get(f"{api.url}/demo/mail/2", timeout=HANG_S)
        assert shown.status_code == 200 and "<p>Kombin <b>2</b></p>" in shown.text
        assert "script-src" not in shown.headers["content-security-policy"]  # default: none
        assert "default-src 'none'" in shown.headers["content-security-policy"]
        assert httpx.get(f"{api.url}/demo/mail/3", timeout=HANG_S).status_code == 404
    finally:
        api.stop()
        mailbox.stop()
