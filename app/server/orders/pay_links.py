"""Sending an order's pay link to its customer by SMS or e-mail: the same signed link the
tablet shows as a QR code, for a customer who would rather pay later at home."""

from __future__ import annotations

from app.contracts.orders import PayLinkSend, PayLinkSent
from app.domain import masking, orders
from app.domain.errors import Conflict
from app.domain.money import format_try
from app.qr.keys import KeyRing
from app.server.catalog.directory import LocationDirectory
from app.server.customers.models import Customer
from app.server.db import Database, utcnow
from app.server.deps import Principal
from app.server.messaging import Messaging
from app.server.orders.models import Order
from app.server.orders.service import pay_link, writable_order
from app.server.ratelimit import RateLimits

# A pay link may be sent again (the customer deleted it, typed the wrong address at home),
# but a tablet must not become a way to flood one customer's phone.
PAY_LINK_SENDS_PER_ORDER = "5/hour"


def send_pay_link(
    *,
    db: Database,
    messaging: Messaging,
    limits: RateLimits,
    principal: Principal,
    order_id: int,
    body: PayLinkSend,
    directory: LocationDirectory,
    ring: KeyRing,
    base_url: str,
) -> PayLinkSent:
    """A fresh pay link to the order's own customer, at the phone or e-mail address on file:
    a transactional message about their own order, so no marketing consent is asked; never
    to an address typed at the till, and never for another customer's order."""
    messaging.require(body.channel)
    with db.session() as session:
        # Sent by the store that sold or fulfils the order only: another store that may see
        # the customer (their consent) has no business messaging them about this order.
        writable_order(session, order_id, principal)
        link = pay_link(
            db_session=session,
            principal=principal,
            order_id=order_id,
            directory=directory,
            ring=ring,
            base_url=base_url,
        )
        order = session.get(Order, order_id)
        assert order is not None
        customer = session.get(Customer, order.customer_id) if order.customer_id else None
        store = directory.all(session).get(order.store_location_id or principal.store_id)
    to = None
    if customer is not None:
        to = customer.phone if body.channel == "sms" else customer.email
    if not to:
        what = "phone number" if body.channel == "sms" else "e-mail address"
        raise Conflict(
            "pay-link-contact-missing",
            f"No {what} on file",
            f"The order's customer has no {what} on file; show them the QR code instead.",
            channel=body.channel,
        )
    limits.check(
        PAY_LINK_SENDS_PER_ORDER, "pay-link-send", str(order_id), what="pay links for this order"
    )
    hours = max(1, round((link.expires_at - utcnow()).total_seconds() / 3600))
    # Outside any transaction: a slow mail server holds no lock.
    messaging.send(
        body.channel,
        to=to,
        subject=orders.pay_link_subject(body.lang),
        text=orders.pay_link_message(
            body.lang,
            store=store.name if store is not None else "Reyon",
            number=order.number,
            total=format_try(order.total_kurus),
            url=link.url,
            hours=hours,
        ),
        lang=body.lang,
    )
    masked = masking.mask_phone(to) if body.channel == "sms" else masking.mask_email(to)
    return PayLinkSent(
        order_id=order_id, channel=body.channel, sent_to=masked or "***", expires_at=link.expires_at
    )
