"""Exchanges (issue 14): lines of a received order taken back and a replacement given for them,
from this store's shelf or ordered from elsewhere, in one transaction: the return (service.py's
steps, the same rules and exactly-once counters), the new order (the order service's placing,
replacement.py), and only the difference settled (app/domain/exchanges.py). A replacement that
cannot be had, a line that cannot come back, a payment that fails: nothing is returned, ordered
or paid.

The difference is settled now, in the same transaction. What the customer owes is charged
through the payment provider at the counter, recorded as the new order's payment; the pay link
is not used, because it charges an order's whole total and the goods brought back have paid part
of it. What they are owed goes back to the original payment or becomes store credit, as a return
would. The provider is asked last, with a reference made from the Idempotency-Key.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.contracts.exchanges import ExchangeCreate, ExchangeOut, Settlement
from app.domain import exchanges
from app.domain.errors import Conflict, Invalid, Unavailable
from app.domain.exchanges import Difference, Direction
from app.domain.returns import RefundMethod
from app.qr.keys import KeyRing
from app.server.catalog.directory import LocationDirectory
from app.server.catalog.service import variants_by_sku
from app.server.customers.models import Customer
from app.server.deps import Principal
from app.server.orders.models import Order, Payment
from app.server.orders.service import may_see_recipient, order_out
from app.server.returns import replacement, service
from app.server.returns.refunds import pay_back, refund_source
from app.server.storefront.payments import PaymentProvider


@dataclass(frozen=True, slots=True)
class _Settled:
    provider: str | None
    reference: str
    credit_kurus: int  # store credit given for a negative difference


def create_exchange(
    *,
    db_session: Session,
    principal: Principal,
    order_id: int,
    body: ExchangeCreate,
    provider: PaymentProvider,
    directory: LocationDirectory,
    ring: KeyRing,
    tz: str,
    hold_hours: int,
    reference: str,
) -> ExchangeOut:
    s = db_session
    if exchanges.check(body.replacements) is not None:
        raise Invalid(
            "exchange-no-replacement",
            "Nothing to exchange for",
            "No replacement was given; to take the items back for money, make a return "
            f"(POST /v1/orders/{order_id}/returns).",
        )
    wanted = variants_by_sku(s, [r.sku for r in body.replacements])
    back = service.take_back(
        s, principal, order_id, body, tz, also_lock=[v.id for v, _ in wanted.values() if v.id]
    )
    customer = _customer(s, back.order)
    placed = replacement.place(s, principal, customer, body, directory, ring, hold_hours)
    new = replacement.complete(s, placed.id, body.source, principal)
    difference = exchanges.difference(new.total_kurus, back.refund_kurus)
    settled = _settle(s, provider, back.order, new, difference, body.refund_method, reference)
    returned = service.record_return(
        s, principal, back, body, directory,
        provider_name=settled.provider, reference=settled.reference,
        credit_kurus=settled.credit_kurus, exchange_order_id=new.id,
    )  # fmt: skip
    masked = not may_see_recipient(s, new, principal)
    return ExchangeOut(
        returned=returned,
        order=order_out(s, new, directory.all(s), masked=masked, tz=tz),
        settlement=Settlement(
            difference_kurus=difference.kurus,
            direction=difference.direction,
            amount_kurus=difference.amount,
            currency=new.currency,
            method=body.refund_method if difference.direction == Direction.REFUND else None,
            provider=settled.provider,
            reference=settled.reference,
        ),
    )


def _customer(s: Session, order: Order) -> Customer:
    """The new order is the customer's own: an order with no customer is returned instead."""
    customer = s.get(Customer, order.customer_id) if order.customer_id else None
    if customer is None:
        raise Conflict(
            "exchange-no-customer",
            "No customer to order for",
            f"Order {order.number} has no registered customer; take it back as a return.",
        )
    return customer


def _settle(
    s: Session,
    provider: PaymentProvider,
    original: Order,
    new: Order,
    difference: Difference,
    method: RefundMethod,
    reference: str,
) -> _Settled:
    """The difference moved: charged and recorded as the new order's payment, refunded to the
    original payment or given as store credit, or nothing at all."""
    if difference.direction == Direction.REFUND:
        payment = refund_source(s, original, method)
        name, ref = pay_back(provider, payment, difference.amount, original.currency, reference)
        credit = difference.amount if method == RefundMethod.STORE_CREDIT else 0
        return _Settled(name, ref, credit)
    if difference.direction == Direction.NONE:
        return _Settled(None, f"none-{reference}", 0)
    assert new.id is not None
    charged = provider.charge(
        order_id=new.id, amount_kurus=difference.amount, currency=new.currency, reference=reference
    )
    if not charged.ok:
        raise Unavailable(
            "exchange-charge-failed",
            "The difference could not be charged",
            f"The payment provider refused the charge: {charged.message[:120]}",
        )
    s.add(
        Payment(
            order_id=new.id,
            provider=provider.name,
            provider_ref=charged.provider_ref,
            amount_kurus=difference.amount,
            currency=new.currency,
            status="succeeded",
        )
    )
    return _Settled(provider.name, charged.provider_ref, 0)
