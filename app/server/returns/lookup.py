"""Finding the order a customer brings back: by the order number on the receipt (typed, or read
from its barcode), by the order's QR code (the pickup code in the brand app), or by the customer
(identified by their app's QR code or found by search, as for the single customer view): each
order with what of it may still come back, and why not when it may not."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from app.contracts.returns import ReturnableLine, ReturnableOrder, ReturnLookup
from app.domain import returns
from app.domain.errors import Invalid, NotFound
from app.domain.returns import RETURNABLE_STATUSES, RefundMethod
from app.qr import pickup
from app.qr.envelope import TokenError, kind_of
from app.qr.keys import KeyRing
from app.server.catalog.models import Product, Variant
from app.server.customers.access import accessible_customer
from app.server.db import utcnow
from app.server.deps import Principal
from app.server.orders.models import Order
from app.server.orders.service import LineNames
from app.server.returns.reading import (
    as_bought,
    bought,
    readable_order,
    received_at,
    succeeded_payment,
)

# A customer's returnable orders, newest first: more than a person brings back at once.
CUSTOMER_ORDERS_LIMIT = 20


def lookup(
    *,
    db_session: Session,
    principal: Principal,
    ring: KeyRing,
    tz: str,
    code: str | None = None,
    customer_id: int | None = None,
) -> ReturnLookup:
    if code is not None:
        order = readable_order(db_session, _order_named(db_session, code, ring), principal)
        return ReturnLookup(orders=[returnable(db_session, order, tz)])
    if customer_id is None:
        raise Invalid(
            "return-lookup-empty",
            "Nothing to look up",
            "Give an order number or order QR code (code), or a customer (customer_id).",
        )
    accessible_customer(db_session, customer_id, principal)  # consent, or their QR shown here
    orders = db_session.execute(
        select(Order)
        .where(col(Order.customer_id) == customer_id, col(Order.status).in_(RETURNABLE_STATUSES))
        .order_by(col(Order.placed_at).desc(), col(Order.id).desc())
        .limit(CUSTOMER_ORDERS_LIMIT)
    ).scalars()
    return ReturnLookup(orders=[returnable(db_session, order, tz) for order in orders])


def _order_named(session: Session, code: str, ring: KeyRing) -> int:
    """The id of the order a scanned or typed code names."""
    text = code.strip()
    kind = kind_of(text)
    if kind == pickup.KIND:
        try:
            return pickup.verify_pickup_code(ring, text).order_id
        except TokenError as exc:
            # The code in the app outlives the pickup it was made for: expired, it still names
            # its order, which is all a return needs (who may see the order is checked anyway).
            named = pickup.named_order(text) if exc.reason == "expired" else None
            if named is None:
                raise Invalid(
                    "return-code-invalid",
                    "Not an order's code",
                    "The code is damaged or not genuine.",
                    reason=exc.reason,
                ) from None
            return named
    if kind is not None:
        raise Invalid(
            "return-code-invalid",
            "Not an order's code",
            "Scan the receipt or the order's code; a customer's code goes through the scan "
            "field first, then their orders are listed.",
            reason="wrong_kind",
        )
    order_id = session.execute(
        select(col(Order.id)).where(col(Order.number) == text.upper())
    ).scalar_one_or_none()
    if order_id is None:
        raise NotFound("Order", text[:40])
    return int(order_id)


def returnable(session: Session, order: Order, tz: str) -> ReturnableOrder:
    """An order as the return scene shows it: each line with what may still come back, and the
    problem type a return would be refused with now (None: it may be returned)."""
    assert order.id is not None
    lines = bought(session, order.id)
    rows = session.execute(
        select(col(Variant.id), Variant, Product)
        .join(Product, col(Product.id) == col(Variant.product_id))
        .where(col(Variant.id).in_([ln.variant_id for ln in lines.values()]))
    ).all()
    names = {v_id: LineNames.of(v, p) for v_id, v, p in rows}
    eans = {v_id: v.ean13 for v_id, v, _ in rows}
    received = received_at(session, order) if returns.may_return(order.status) else None
    last = returns.last_day(order.channel, received, tz) if received else None
    state = [as_bought(ln) for ln in lines.values()]
    refusal = None
    if received is None:
        refusal = "return-not-received"
    elif not returns.window_open(order.channel, received, utcnow(), tz):
        refusal = "return-window-closed"
    elif returns.fully_returned(state):
        refusal = "return-already-returned"
    methods = [RefundMethod.ORIGINAL_PAYMENT] if succeeded_payment(session, order.id) else []
    if order.customer_id is not None:
        methods.append(RefundMethod.STORE_CREDIT)
    return ReturnableOrder(
        order_id=order.id,
        number=order.number,
        channel=order.channel,
        status=order.status,
        customer_id=order.customer_id,
        total_kurus=order.total_kurus,
        currency=order.currency,
        placed_at=order.placed_at,
        received_at=received,
        last_day=last,
        refusal=refusal,
        refund_methods=methods,
        lines=[
            ReturnableLine(
                order_line_id=b.line_id,
                sku=ln.sku,
                ean13=eans.get(ln.variant_id),
                product_id=names[ln.variant_id].product_id,
                name_tr=names[ln.variant_id].name_tr,
                name_en=names[ln.variant_id].name_en,
                size=names[ln.variant_id].size,
                colour=names[ln.variant_id].colour,
                colour_en=names[ln.variant_id].colour_en,
                quantity=b.quantity,
                returned=b.returned,
                returnable=b.returnable,
                line_total_kurus=b.line_total_kurus,
                next_unit_refund_kurus=returns.refund_for(b, 1) if b.returnable else 0,
            )
            for ln, b in zip(lines.values(), state, strict=True)
        ],
    )
