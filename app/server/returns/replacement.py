"""An exchange's new order, placed by the order service itself: from this store's shelf, a store
sale reserved here and handed across the counter at once (its holds consumed, the units off the
shelf); or ordered from elsewhere, an endless-aisle order sourced as any other. Either way it is
paid once the exchange has settled its difference, and then goes its usual way."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlmodel import Session, col

from app.contracts.exchanges import ExchangeCreate
from app.contracts.orders import Fulfilment, OrderCreate, OrderLineIn, OrderOut
from app.domain import exchanges
from app.domain.channels import Channel
from app.domain.errors import Conflict, OutOfStock
from app.domain.exchanges import ReplacementSource
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType
from app.qr.keys import KeyRing
from app.server.catalog.directory import LocationDirectory
from app.server.customers.access import Buyer
from app.server.customers.models import Customer
from app.server.db import utcnow
from app.server.deps import Principal
from app.server.loyalty import service as loyalty
from app.server.orders import checking, placing
from app.server.orders.fulfilment import status_changed, take
from app.server.orders.fulfilment_handover import _consume
from app.server.orders.models import Order, OrderLine


def place(
    s: Session,
    principal: Principal,
    customer: Customer,
    body: ExchangeCreate,
    directory: LocationDirectory,
    ring: KeyRing,
    hold_hours: int,
) -> OrderOut:
    """The new order, placed (stock reserved, points promised), not yet paid. A replacement
    nowhere to be had is refused in the exchange's words, with where else it is."""
    shelf = body.source == ReplacementSource.FROM_SHELF
    here = principal.store_id
    order = OrderCreate(
        customer_id=customer.id or 0,
        lines=[
            OrderLineIn(sku=r.sku, quantity=r.quantity, source_location_id=here if shelf else None)
            for r in body.replacements
        ],
        fulfilment=(
            Fulfilment(type=FulfilmentType.RESERVE_IN_STORE, location_id=here)
            if shelf
            else body.fulfilment
        ),
    )
    try:
        if not shelf:
            return placing.place_order(
                db_session=s,
                principal=principal,
                body=order,
                directory=directory,
                ring=ring,
                hold_hours=hold_hours,
            )
        # A sale at this store's till, not an endless-aisle order: the order service's own
        # placing with the store as seller (place_order is the endless aisle's entry).
        locations = directory.all(s)
        store = checking.store(locations, here, "selling location")
        seller = placing.Seller(Channel.STORE, store, principal.associate_id, principal)
        return placing._place(
            s, seller, order, Buyer.of(customer), directory, locations, store, ring, hold_hours
        )
    except OutOfStock as exc:
        sku = str(exc.extra["sku"])
        units = next(r.quantity for r in body.replacements if r.sku == sku)
        where = "on this store's shelf" if shelf else "anywhere it could come from"
        raise Conflict(
            "exchange-replacement-unavailable",
            "The replacement is not available",
            f"{sku}: {units} not available {where}; nothing was returned or ordered.",
            sku=sku,
            quantity=units,
            source=body.source.value,
            alternatives=exc.extra["alternatives"],
        ) from None


def complete(s: Session, order_id: int, source: ReplacementSource, principal: Principal) -> Order:
    """The new order paid (by the goods brought back and the difference), and what came off
    this store's shelf handed over: each status with its history row, change feed entry and the
    points it makes due, as a pay link or a hand-over would."""
    order = s.get(Order, order_id)
    assert order is not None
    if source == ReplacementSource.FROM_SHELF:
        _hand_over_now(s, order_id)
    now = OrderStatus(order.status)
    for status in exchanges.statuses_after(source):
        # The row is new and ours alone: the conditional update cannot miss.
        moved = take(s, order, (now,), to=status)
        assert moved
        status_changed(s, order, status, principal.associate_id)
        loyalty.order_reached(s, order_id=order_id, status=status)
        now = status
    s.flush()
    s.refresh(order)
    return order


def _hand_over_now(s: Session, order_id: int) -> None:
    """Every unit picked and collected at once, its hold consumed (on hand and reserved down
    together at this store), as the pickup hand-over does for a ready order."""
    lines = s.execute(
        select(OrderLine)
        .where(col(OrderLine.order_id) == order_id)
        .order_by(col(OrderLine.variant_id), col(OrderLine.id))
    ).scalars()
    at = utcnow()
    for line in list(lines):
        s.execute(
            update(OrderLine)
            .where(col(OrderLine.id) == line.id)
            .values(picked=line.quantity, collected=line.quantity)
        )
        _consume(s, line, line.quantity, at)
