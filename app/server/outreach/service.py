"""Making a look and reading looks back (issue 15).

A look, its items and its one outbox message are written in one transaction: the message row is
the promise the worker keeps, so it exists exactly when the look does. The customer's consent for
the channel is checked here, so the associate hears at once that it is missing, and again by the
worker at send time, since a customer may withdraw it in between. WhatsApp goes from the
associate's own tablet, not through the outbox: its message is recorded as handed over when the
look is made, and the answer carries the wa.me link that opens it."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from app.contracts.looks import LookCreate, LookList, LookOut
from app.domain import outreach
from app.domain.errors import Conflict, NotFound
from app.domain.outreach import LookChannel, MessageStatus
from app.qr.keys import KeyRing
from app.server.catalog.models import Product, Variant
from app.server.customers.access import accessible_customer
from app.server.customers.models import Customer
from app.server.db import utcnow
from app.server.deps import Principal
from app.server.outreach.models import Look, LookItem, OutreachMessage
from app.server.outreach.views import looks_out

LIST_LIMIT = 50

_CHANNEL_WORDS = {"email": "e-mail", "sms": "SMS", "whatsapp": "WhatsApp"}


def consents_of(customer: Customer) -> dict[str, bool]:
    """The customer's opt-ins by purpose, as app/domain/outreach.allowed reads them."""
    return {
        "email": customer.consent_email,
        "sms": customer.consent_sms,
        "whatsapp": customer.consent_whatsapp,
    }


def address_of(customer: Customer, channel: LookChannel) -> str | None:
    """Where a message on `channel` goes: the e-mail address, or the phone for SMS and WhatsApp."""
    return customer.email if channel == "email" else customer.phone


def check_consent(customer: Customer, channel: LookChannel) -> None:
    if outreach.allowed(
        channel, consents=consents_of(customer), address=address_of(customer, channel)
    ):
        return
    words = _CHANNEL_WORDS[channel]
    if not consents_of(customer).get(outreach.purpose_for(channel)):
        detail = f"The customer has not opted in to {words} messages; record their consent first."
        missing = "consent"
    else:
        where = "e-mail address" if channel == "email" else "phone number"
        detail = f"The customer has no {where} to send {words} messages to."
        missing = "address"
    # `missing` lets the tablet say which of the two to fix, in the associate's language.
    raise Conflict(
        "consent-missing", "No consent for this channel", detail, channel=channel, missing=missing
    )


def _check_variants(session: Session, variant_ids: list[int]) -> None:
    found = set(
        session.execute(
            select(col(Variant.id))
            .join(Product, col(Product.id) == col(Variant.product_id))
            .where(
                col(Variant.id).in_(variant_ids),
                col(Variant.active).is_(True),
                col(Product.active).is_(True),
            )
        ).scalars()
    )
    for variant_id in variant_ids:
        if variant_id not in found:
            raise NotFound("Variant", variant_id)


def create_look(
    *,
    db_session: Session,
    principal: Principal,
    body: LookCreate,
    ring: KeyRing,
    base_url: str,
    tz: str,
) -> LookOut:
    """Make a look for a client the associate may see, of products that exist, on a channel the
    client opted into and has an address for. E-mail and SMS wait for the worker (and for the
    end of the quiet hours in the store's zone); WhatsApp is handed to the tablet at once."""
    customer, _ = accessible_customer(db_session, body.customer_id, principal)
    _check_variants(db_session, body.variant_ids)
    check_consent(customer, body.channel)
    now = utcnow()
    look = Look(
        customer_id=body.customer_id,
        associate_id=principal.associate_id,
        location_id=principal.store_id,
        channel=body.channel,
        lang=body.lang,
        template=body.template,
        line=body.line,
        created_at=now,
    )
    db_session.add(look)
    db_session.flush()
    assert look.id is not None
    db_session.add_all(
        LookItem(look_id=look.id, variant_id=variant_id, position=position)
        for position, variant_id in enumerate(body.variant_ids)
    )
    handed = body.channel == "whatsapp"
    db_session.add(
        OutreachMessage(
            look_id=look.id,
            customer_id=body.customer_id,
            channel=body.channel,
            status=MessageStatus.HANDED if handed else MessageStatus.QUEUED,
            not_before=now if handed else outreach.not_before(now, tz),
            sent_at=now if handed else None,
            created_at=now,
        )
    )
    db_session.flush()
    return looks_out(db_session, [look], customer, ring=ring, base_url=base_url)[0]


def customer_looks(
    *, db_session: Session, principal: Principal, customer_id: int, ring: KeyRing, base_url: str
) -> LookList:
    """A client's looks, newest first, by whichever associate sent them."""
    customer, _ = accessible_customer(db_session, customer_id, principal)
    looks = list(
        db_session.execute(
            select(Look)
            .where(col(Look.customer_id) == customer_id)
            .order_by(col(Look.created_at).desc(), col(Look.id).desc())
            .limit(LIST_LIMIT)
        ).scalars()
    )
    return LookList(looks=looks_out(db_session, looks, customer, ring=ring, base_url=base_url))


def get_look(
    *, db_session: Session, principal: Principal, look_id: int, ring: KeyRing, base_url: str
) -> LookOut:
    look = db_session.get(Look, look_id)
    if look is None:
        raise NotFound("Look", look_id)
    # A look tells what its client was sent: readable on the terms of the client's profile.
    customer, _ = accessible_customer(db_session, look.customer_id, principal)
    return looks_out(db_session, [look], customer, ring=ring, base_url=base_url)[0]
