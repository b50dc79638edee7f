"""Telling the customer their order is ready to collect, or that its parcel is on its way.

The notice is a row written in the transaction that makes the order ready (or ships it). Right after that
commits, the request sends it when a channel the customer consented to can take it; otherwise
(no consent, no address on file, the sender down) it stays pending, and `send_pending`, safe to
run in several processes at once, sends it later. A sender claims a notice with a conditional
update and a lease, so no notice goes twice, and the mail server is never waited on inside a
transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from fastapi import Response
from sqlalchemy import and_, or_, select, update
from sqlmodel import Session, col

from app.contracts.fulfilment import NoticeOut, ReadyOut, ShipOut
from app.domain import fulfilment
from app.domain.consent import Lang
from app.domain.contact import Channel
from app.domain.fulfilment import NoticeKind, NoticeStatus
from app.domain.orders import OrderStatus
from app.server.customers.models import Customer
from app.server.db import Database, utcnow
from app.server.messaging import Messaging, MessagingUnavailable
from app.server.orders.models import CustomerNotice, Order

# A sender that died mid-send leaves its claim; after this long another may take it over.
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 50  # a notice that never finds a way out stops being retried
REPLAYED = "Idempotent-Replayed"


def _channel(customer: Customer, can_send: Callable[[Channel], bool]) -> Channel | None:
    return fulfilment.notice_channel(
        sms_consent=customer.consent_sms,
        phone=customer.phone,
        email_consent=customer.consent_email,
        email=customer.email,
        can_send=can_send,
    )


def record_ready(
    session: Session,
    order: Order,
    *,
    store: str,
    last_day: date | None,
    lang: Lang,
    can_send: Callable[[Channel], bool],
) -> NoticeOut | None:
    """The "ready to collect" notice, pending, in the caller's transaction; None for an order
    without a customer (nobody to tell)."""
    text = fulfilment.ready_message(lang, store=store, number=order.number, last_day=last_day)
    return _record(
        session, order, NoticeKind.ORDER_READY, fulfilment.ready_subject(lang), text, lang, can_send
    )


def record_shipped(
    session: Session,
    order: Order,
    *,
    store: str,
    carrier: str,
    tracking: str,
    lang: Lang,
    can_send: Callable[[Channel], bool],
) -> NoticeOut | None:
    """The "on its way" notice with the carrier and tracking number, like `record_ready`."""
    text = fulfilment.shipped_message(
        lang, store=store, number=order.number, carrier=carrier, tracking=tracking
    )
    subject = fulfilment.shipped_subject(lang)
    return _record(session, order, NoticeKind.ORDER_SHIPPED, subject, text, lang, can_send)


def _record(
    session: Session,
    order: Order,
    kind: NoticeKind,
    subject: str,
    text: str,
    lang: Lang,
    can_send: Callable[[Channel], bool],
) -> NoticeOut | None:
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    if customer is None or customer.id is None:
        return None
    channel = _channel(customer, can_send)
    notice = CustomerNotice(
        customer_id=customer.id,
        order_id=order.id,
        kind=kind,
        channel=channel,
        lang=lang,
        subject=subject,
        text=text,
        status=NoticeStatus.PENDING,
    )
    session.add(notice)
    session.flush()
    assert notice.id is not None
    return NoticeOut(id=notice.id, channel=channel, status=NoticeStatus.PENDING, lang=lang)


def deliver(db: Database, messaging: Messaging, notice_id: int) -> NoticeStatus:
    """Send one notice if it is still to send and this caller wins its claim; its status after.
    The channel is chosen again now: consent may have been given or withdrawn meanwhile."""
    now = utcnow()
    with db.write() as session:
        claimed = session.execute(
            update(CustomerNotice)
            .where(
                col(CustomerNotice.id) == notice_id,
                or_(
                    col(CustomerNotice.status) == NoticeStatus.PENDING,
                    and_(
                        col(CustomerNotice.status) == NoticeStatus.SENDING,
                        col(CustomerNotice.claimed_at) < now - LEASE,
                    ),
                ),
            )
            .values(
                status=NoticeStatus.SENDING,
                claimed_at=now,
                attempts=col(CustomerNotice.attempts) + 1,
            )
            .returning(
                col(CustomerNotice.customer_id),
                col(CustomerNotice.subject),
                col(CustomerNotice.text),
                col(CustomerNotice.lang),
            )
        ).first()
        if claimed is None:
            status = session.execute(
                select(col(CustomerNotice.status)).where(col(CustomerNotice.id) == notice_id)
            ).scalar_one_or_none()
            return NoticeStatus(status) if status is not None else NoticeStatus.PENDING
        customer_id, subject, text, lang = claimed
        customer = session.get(Customer, customer_id)
        channel = _channel(customer, messaging.can_send) if customer is not None else None
        to = None
        if customer is not None and channel is not None:
            to = customer.phone if channel == "sms" else customer.email
    if channel is None or not to:
        _settle(db, notice_id, now, NoticeStatus.PENDING, None)
        return NoticeStatus.PENDING
    try:
        messaging.send(channel, to=to, subject=subject, text=text, lang=lang)
    except MessagingUnavailable:
        _settle(db, notice_id, now, NoticeStatus.PENDING, channel)
        return NoticeStatus.PENDING
    _settle(db, notice_id, now, NoticeStatus.SENT, channel)
    return NoticeStatus.SENT


def _settle(
    db: Database, notice_id: int, claimed_at: datetime, status: NoticeStatus, channel: str | None
) -> None:
    """End this sender's claim (only its own: a lease taken over belongs to the other)."""
    values: dict[str, object] = {"status": status, "channel": channel}
    if status == NoticeStatus.SENT:
        values["sent_at"] = utcnow()
    with db.write() as session:
        session.execute(
            update(CustomerNotice)
            .where(
                col(CustomerNotice.id) == notice_id,
                col(CustomerNotice.status) == NoticeStatus.SENDING,
                col(CustomerNotice.claimed_at) == claimed_at,
            )
            .values(**values)
        )


def send_pending(db: Database, messaging: Messaging, limit: int = 50) -> int:
    """A worker's round: send what is still pending for orders still waiting to be collected,
    and every pending "on its way" notice (a parcel stays on its way); how many went. Several processes may run it at once: each notice is claimed first."""
    now = utcnow()
    with db.read_session() as session:
        ids = list(
            session.execute(
                select(col(CustomerNotice.id))
                .join(Order, col(Order.id) == col(CustomerNotice.order_id))
                .where(
                    or_(
                        col(Order.status) == OrderStatus.READY,
                        col(CustomerNotice.kind) == NoticeKind.ORDER_SHIPPED,
                    ),
                    col(CustomerNotice.attempts) < MAX_ATTEMPTS,
                    or_(
                        col(CustomerNotice.status) == NoticeStatus.PENDING,
                        and_(
                            col(CustomerNotice.status) == NoticeStatus.SENDING,
                            col(CustomerNotice.claimed_at) < now - LEASE,
                        ),
                    ),
                )
                .order_by(col(CustomerNotice.created_at))
                .limit(limit)
            ).scalars()
        )
    return sum(1 for notice_id in ids if deliver(db, messaging, notice_id) == NoticeStatus.SENT)


def after_ready(db: Database, messaging: Messaging, response: Response) -> Response:
    """The answer to "mark ready", once its transaction committed: the notice sent now when it
    can go (a replayed answer tries again, and tells how the notice stands now)."""
    return _send_after(db, messaging, response, ReadyOut)


def after_shipped(db: Database, messaging: Messaging, response: Response) -> Response:
    """The answer to "ship", once its transaction committed, with its notice, as `after_ready`."""
    return _send_after(db, messaging, response, ShipOut)


def _send_after(
    db: Database, messaging: Messaging, response: Response, shape: type[ReadyOut | ShipOut]
) -> Response:
    if response.status_code != 200:
        return response
    answer = shape.model_validate_json(bytes(response.body))
    notice = answer.notice
    if notice is None or notice.status == NoticeStatus.SENT or notice.channel is None:
        return response  # sent already, or no way out now: the worker's
    notice.status = deliver(db, messaging, notice.id)
    if notice.status == NoticeStatus.SENDING:
        notice.status = NoticeStatus.PENDING  # another sender has it; to this caller, not sent yet
    headers = {REPLAYED: response.headers[REPLAYED]} if REPLAYED in response.headers else None
    return Response(
        answer.model_dump_json(),
        status_code=200,
        media_type="application/json",
        headers=headers,
    )
