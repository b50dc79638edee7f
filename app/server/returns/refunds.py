"""Money back for a return or an exchange's difference: to the payment the order was paid with,
through the provider that took it, or as store credit; and the references that make a retry
the same refund at the provider, not a second one."""

from __future__ import annotations

import hashlib
import secrets

from sqlmodel import Session

from app.domain.errors import Conflict, Unavailable
from app.domain.returns import RefundMethod
from app.server.orders.models import Order, Payment
from app.server.returns.reading import succeeded_payment
from app.server.storefront.payments import PaymentProvider


def refund_reference(
    order_id: int, associate_id: int, idempotency_key: str | None, prefix: str = "ret"
) -> str:
    """The reference the provider keeps the refund (or an exchange's charge) under: the same
    for every retry of one request (its Idempotency-Key, which is per associate), a fresh one
    without a key. `prefix` keeps a return's and an exchange's apart."""
    if idempotency_key is None:
        return f"{prefix}-{order_id}-{secrets.token_hex(12)}"
    digest = hashlib.sha256(f"{associate_id}:{idempotency_key}".encode()).hexdigest()
    return f"{prefix}-{order_id}-{digest[:24]}"


def refund_source(session: Session, order: Order, method: RefundMethod) -> Payment | None:
    """The payment to refund to (None for store credit), or the refusal of the method."""
    if method == RefundMethod.STORE_CREDIT:
        if order.customer_id is None:
            raise Conflict(
                "return-no-customer",
                "No customer to give credit to",
                f"Order {order.number} has no customer; refund it to the original payment.",
            )
        return None
    assert order.id is not None
    payment = succeeded_payment(session, order.id)
    if payment is None:
        raise Conflict(
            "return-no-payment",
            "No payment to refund to",
            f"Order {order.number} was not paid through the payment provider; "
            "give store credit instead.",
        )
    return payment


def pay_back(
    provider: PaymentProvider, payment: Payment | None, amount: int, currency: str, reference: str
) -> tuple[str | None, str]:
    """(provider, refund reference): the provider's refund id, or ours for store credit."""
    if payment is None:
        return None, f"credit-{reference}"
    if amount == 0:  # a line a coupon made free: nothing to send back
        return None, f"none-{reference}"
    result = provider.refund(
        payment_ref=payment.provider_ref,
        amount_kurus=amount,
        currency=currency,
        reference=reference,
    )
    if not result.ok:
        raise Unavailable(
            "return-refund-failed",
            "The refund did not go through",
            f"The payment provider refused the refund: {result.message[:120]}",
        )
    return payment.provider, result.refund_ref
