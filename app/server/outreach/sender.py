"""The outbox sender: the messages of looks (e-mail and SMS), each sent once by whichever worker
claims it.

A worker's round reads what is due, then for each message:
1. claims it with one conditional UPDATE on the state it read (queued and due, or sending with
   that very claim time, older than the lease): of several workers racing, exactly one row
   update succeeds; the claim is committed before anything is sent;
2. outside any transaction (the mail server is never waited on with a transaction open) reads
   the customer's consent for the channel again, since they may have withdrawn it after the
   look was made: withdrawn means blocked, never sent; and checks the quiet hours again;
3. sends, and settles only its own claim (WHERE claimed_at = its claim time): a claim another
   worker took over after the lease belongs to that worker.

Delivery guarantee, honestly: a worker killed (or cut off from the database) after the mail
server took the message but before the settle committed leaves the claim; after the lease
another worker sends it again. Across that one window it is at-least-once; the resend carries
the same Message-ID (`<look-{id}@domain>`), so mail programs that keep one copy per id show it
once. Everywhere else it is exactly once: a worker killed before the hand-over sent nothing
(the server drops an unfinished transaction), and its claim is resent once after the lease
(tests/integration/test_outreach_worker.py kills a worker inside SMTP DATA to prove it)."""

from __future__ import annotations

import logging
import threading
from collections import Counter
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy import and_, or_, select, update
from sqlmodel import Session, col

from app.contracts.media import product_image_url
from app.domain import outreach
from app.domain.outreach import LEASE, MAX_ATTEMPTS, MessageStatus, Signature
from app.qr.look import look_url, optout_url
from app.server.auth.models import Associate
from app.server.catalog.models import Location
from app.server.catalog.service import item_refs
from app.server.customers.models import Customer
from app.server.db import Database, utcnow
from app.server.messaging import Channel, Messaging, MessagingUnavailable
from app.server.messaging.mail import sender_domain
from app.server.outreach import email_body
from app.server.outreach.email_body import LookMail, MailItem
from app.server.outreach.models import Look, LookItem, OutreachMessage
from app.settings import ApiSettings

log = logging.getLogger("reyon.outreach")

Outcome = Literal["sent", "blocked", "deferred", "retry", "failed", "taken"]
SENDABLE: tuple[Channel, ...] = ("email", "sms")  # WhatsApp leaves from the tablet
RETRY_FIRST = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """After the n-th failed attempt: 30 s, 1 min, 2 min ... at most an hour, so a mail server
    down for an afternoon is outwaited within MAX_ATTEMPTS."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_MAX)


def deliver_due(
    db: Database,
    messaging: Messaging,
    settings: ApiSettings,
    *,
    worker_id: str,
    limit: int = 50,
    stop: threading.Event | None = None,
) -> int:
    """One round: send up to `limit` due messages; how many were sent. Safe to run in many
    threads and processes at once. With `stop` set, the round ends after the message in hand."""
    return deliver_round(db, messaging, settings, worker_id=worker_id, limit=limit, stop=stop)[
        "sent"
    ]


def deliver_round(
    db: Database,
    messaging: Messaging,
    settings: ApiSettings,
    *,
    worker_id: str,
    limit: int = 50,
    stop: threading.Event | None = None,
) -> Counter[Outcome]:
    """`deliver_due` with every outcome counted, for the worker's log line."""
    # E-mail waits unclaimed while no SMTP server is set up, rather than burning its attempts.
    channels = [c for c in SENDABLE if messaging.can_send(c)]
    now = utcnow()
    with db.read_session() as session:
        due = session.execute(
            select(
                col(OutreachMessage.id),
                col(OutreachMessage.status),
                col(OutreachMessage.claimed_at),
            )
            .where(
                col(OutreachMessage.channel).in_(channels),
                or_(
                    and_(
                        col(OutreachMessage.status) == MessageStatus.QUEUED,
                        col(OutreachMessage.not_before) <= now,
                    ),
                    and_(
                        col(OutreachMessage.status) == MessageStatus.SENDING,
                        col(OutreachMessage.claimed_at) < now - LEASE,
                    ),
                ),
            )
            .order_by(col(OutreachMessage.not_before), col(OutreachMessage.id))
            .limit(limit)
        ).all()
    counts: Counter[Outcome] = Counter()
    for message_id, status, claimed_at in due:
        if stop is not None and stop.is_set():
            break
        counts[_deliver(db, messaging, settings, worker_id, message_id, status, claimed_at)] += 1
    return counts


def _claim(
    db: Database, message_id: int, status: MessageStatus, read_claim: datetime | None, worker: str
) -> tuple[datetime, int, int, str, int] | None:
    """Take the message if it is still as it was read: (claim time, look, customer, channel,
    attempts), or None when another worker got there first."""
    now = utcnow()
    if status == MessageStatus.QUEUED:
        as_read = and_(
            col(OutreachMessage.status) == MessageStatus.QUEUED,
            col(OutreachMessage.not_before) <= now,
        )
    else:  # a lapsed claim: only the one read, so two takers of it cannot both win
        as_read = and_(
            col(OutreachMessage.status) == MessageStatus.SENDING,
            col(OutreachMessage.claimed_at) == read_claim,
            col(OutreachMessage.claimed_at) < now - LEASE,
        )
    with db.write() as session:
        row = session.execute(
            update(OutreachMessage)
            .where(col(OutreachMessage.id) == message_id, as_read)
            .values(
                status=MessageStatus.SENDING,
                claimed_at=now,
                claimed_by=worker[:64],
                attempts=col(OutreachMessage.attempts) + 1,
            )
            .returning(
                col(OutreachMessage.look_id),
                col(OutreachMessage.customer_id),
                col(OutreachMessage.channel),
                col(OutreachMessage.attempts),
            )
        ).first()
    if row is None:
        return None
    look_id, customer_id, channel, attempts = row
    return now, int(look_id), int(customer_id), str(channel), int(attempts)


def _settle(db: Database, message_id: int, claimed_at: datetime, **values: Any) -> bool:
    """End this worker's claim, and only its own; False when the lease was taken over."""
    with db.write() as session:
        done = session.execute(
            update(OutreachMessage)
            .where(
                col(OutreachMessage.id) == message_id,
                col(OutreachMessage.status) == MessageStatus.SENDING,
                col(OutreachMessage.claimed_at) == claimed_at,
            )
            .values(**values)
        )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def _deliver(
    db: Database,
    messaging: Messaging,
    settings: ApiSettings,
    worker: str,
    message_id: int,
    status: MessageStatus,
    read_claim: datetime | None,
) -> Outcome:
    claim = _claim(db, message_id, status, read_claim, worker)
    if claim is None:
        return "taken"
    claimed_at, look_id, customer_id, channel, attempts = claim
    if attempts > MAX_ATTEMPTS:  # a claim that died again and again (a worker crashing on it)
        _settle(db, message_id, claimed_at, status=MessageStatus.FAILED, reason="gave up")
        log.warning("look message %s failed after %s attempts", message_id, attempts - 1)
        return "failed"
    # Read after the claim committed: a withdrawal committed before this read is seen.
    with db.read_session() as session:
        customer = session.get(Customer, customer_id)
        consents = {
            "email": bool(customer and customer.consent_email),
            "sms": bool(customer and customer.consent_sms),
        }
        to = (
            None if customer is None else (customer.email if channel == "email" else customer.phone)
        )
        allowed = outreach.allowed(channel, consents=consents, address=to)  # type: ignore[arg-type]
        mail: LookMail | None = None
        if allowed:
            try:
                mail = _look_mail(session, settings, look_id, message_id)
            except Exception:  # a bug or a vanished row: logged, retried, failed in the end
                log.exception("look message %s could not be composed", message_id)
    if allowed and mail is None:
        return _retry(db, message_id, claimed_at, attempts, "not composed", settings)
    if to is None or mail is None:
        reason = "address missing" if consents.get(channel) else "consent withdrawn"
        _settle(db, message_id, claimed_at, status=MessageStatus.BLOCKED, reason=reason)
        log.info("look message %s blocked: %s", message_id, reason)
        return "blocked"
    now = utcnow()
    if outreach.in_quiet_hours(now, settings.timezone):
        # Not an attempt: nothing was tried, the evening came (a message queued at 20:59).
        _settle(
            db,
            message_id,
            claimed_at,
            status=MessageStatus.QUEUED,
            not_before=outreach.not_before(now, settings.timezone),
            attempts=col(OutreachMessage.attempts) - 1,
            reason="quiet hours",
        )
        return "deferred"
    try:
        if channel == "email":
            messaging.send(
                "email",
                to=to,
                subject=email_body.subject(mail),
                text=email_body.text(mail),
                lang=mail.lang,
                html=email_body.html(mail),
                message_id=email_body.message_id(look_id, _mail_domain(settings)),
                headers=email_body.headers(mail),
            )
        else:
            messaging.send("sms", to=to, subject="", text=email_body.text(mail), lang=mail.lang)
    except MessagingUnavailable:  # Messaging logged the reason (never the recipient)
        return _retry(db, message_id, claimed_at, attempts, f"{channel} not taken", settings)
    if not _settle(
        db, message_id, claimed_at, status=MessageStatus.SENT, sent_at=utcnow(), reason=None
    ):
        # Only after a stall longer than the lease: the taker may send it again (same id).
        log.warning("look message %s sent, but its lease had been taken over", message_id)
    return "sent"


def _retry(
    db: Database,
    message_id: int,
    claimed_at: datetime,
    attempts: int,
    reason: str,
    settings: ApiSettings,
) -> Outcome:
    if attempts >= MAX_ATTEMPTS:
        _settle(db, message_id, claimed_at, status=MessageStatus.FAILED, reason=reason)
        log.warning("look message %s failed after %s attempts: %s", message_id, attempts, reason)
        return "failed"
    later = outreach.not_before(utcnow() + retry_delay(attempts), settings.timezone)
    _settle(
        db, message_id, claimed_at, status=MessageStatus.QUEUED, not_before=later, reason=reason
    )
    return "retry"


def _mail_domain(settings: ApiSettings) -> str:
    domain = sender_domain(parseaddr(settings.smtp_from or "")[1])
    return domain or urlsplit(settings.public_base_url).hostname or "reyon.invalid"


def _look_mail(session: Session, settings: ApiSettings, look_id: int, message_id: int) -> LookMail:
    look = session.get(Look, look_id)
    if look is None:
        raise LookupError("look")
    variant_ids = list(
        session.execute(
            select(col(LookItem.variant_id))
            .where(col(LookItem.look_id) == look_id)
            .order_by(col(LookItem.position))
        ).scalars()
    )
    refs = item_refs(session, set(variant_ids))
    en = look.lang == "en"
    base = settings.public_base_url.rstrip("/")
    items = tuple(
        MailItem(
            name=str(ref["name_en"] if en and ref["name_en"] else ref["name_tr"]),
            colour=str(ref["colour_en"] if en and ref["colour_en"] else ref["colour"]),
            size=str(ref["size"]),
            price_kurus=int(ref["price_kurus"]),
            # The catalogue's spelling of the colour: what the picture URL expects.
            picture_url=base + product_image_url(int(ref["product_id"]), str(ref["colour"])),
        )
        for ref in (refs[v] for v in variant_ids if v in refs)
    )
    associate = session.get(Associate, look.associate_id)
    store = session.get(Location, look.location_id)
    ring = settings.key_ring()
    return LookMail(
        look_id=look_id,
        lang="en" if en else "tr",
        line=look.line,
        who=Signature(associate.name if associate else "", store.name if store else ""),
        items=items,
        # Signed as of the look's making, as the tablet shows it: one link per look.
        look_url=look_url(ring, base, look_id, now=look.created_at.timestamp()),
        optout_url=optout_url(ring, base, message_id),
    )
