"""Preparing click & collect and reserve-in-store orders at the pickup store: pick by scanning,
mark ready (and tell the customer). Handing them over is in fulfilment_handover.py. A parcel a
store sends home is picked here too, by the same scan; packing and shipping it are in
shipping.py.

Every change first takes the order's row with a conditional update on its status, so changes
to one order (picks, ready, hand-overs, a cancel or an expiring hold) run one after another on
PostgreSQL as on SQLite, and a second hand-over finds the order collected. Then lines, holds
and stock rows, by variant: the order every writer takes its locks in (see service._close).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import exists, select, update
from sqlmodel import Session, col

from app.contracts.fulfilment import (
    PickOut,
    PickRequest,
    ReadyOut,
    ReadyRequest,
)
from app.domain import fulfilment, local_days
from app.domain.contact import Channel
from app.domain.errors import Conflict, Forbidden, Invalid
from app.domain.fulfilment import (
    PICKABLE,
    STORE_FULFILMENTS,
    PickRefusal,
)
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType
from app.server.catalog.directory import LocationDirectory
from app.server.db import utcnow
from app.server.deps import Principal
from app.server.inventory.models import Reservation
from app.server.orders import fulfilment_notices as notices
from app.server.orders.fulfilment_queue import line_rows, pickup_order, progress
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.orders.service import writable_order
from app.server.sync import changelog


def store_order(session: Session, order_id: int, principal: Principal) -> Order:
    """An order the caller's store prepares and hands over: one to collect at this store."""
    order = writable_order(session, order_id, principal)
    if order.fulfilment_type not in STORE_FULFILMENTS:
        raise Conflict(
            "not-for-pickup",
            "Not an order to collect in store",
            f"Order {order.number} is sent to the customer, not collected.",
        )
    if order.pickup_location_id != principal.store_id:
        raise Forbidden(
            "other-store",
            "Another store's order",
            "Only the pickup store prepares and hands over this order.",
        )
    return order


def prepared_order(session: Session, order_id: int, principal: Principal) -> Order:
    """An order the caller's store picks: one to collect here, or a parcel it sends home (a
    ship-to-home order with a line sourced at this store)."""
    order = writable_order(session, order_id, principal)
    sourced_here = (
        order.fulfilment_type == FulfilmentType.SHIP_TO_HOME
        and session.execute(
            select(
                exists().where(
                    col(OrderLine.order_id) == order_id,
                    col(OrderLine.source_location_id) == principal.store_id,
                )
            )
        ).scalar()
    )
    # A parcel this store sold but sends nothing of is refused as before: not one to prepare.
    return order if sourced_here else store_order(session, order_id, principal)


def take(session: Session, order: Order, statuses: Iterable[str], to: str | None = None) -> bool:
    """The order's row, locked for this transaction, if it is in one of `statuses` now (moved
    to `to` when given). False when someone else changed it first."""
    values: dict[str, object] = {"updated_at": utcnow()}
    if to is not None:
        values["status"] = to
    moved = session.execute(
        update(Order)
        .where(col(Order.id) == order.id, col(Order.status).in_(list(statuses)))
        .values(**values)
    )
    if moved.rowcount == 1:  # type: ignore[attr-defined]
        return True
    session.refresh(order)  # to say what it is now
    return False


def _not_pickable(order: Order) -> Conflict:
    which = " or ".join(fulfilment.pickable(order.fulfilment_type)) or "no"
    return Conflict(
        "order-not-pickable",
        "This order cannot be prepared now",
        f"It is {order.status}; only {which} orders of this kind are picked.",
        status_now=order.status,
    )


def not_ready(order: Order) -> Conflict:
    if order.status == OrderStatus.COLLECTED:
        return Conflict(
            "already-collected",
            "Already collected",
            f"Order {order.number} was collected already; nothing is left to hand over.",
        )
    return Conflict(
        "order-not-ready",
        "This order is not ready to hand over",
        f"It is {order.status}; only ready orders are handed over.",
        status_now=order.status,
    )


def status_changed(session: Session, order: Order, status: str, by: int) -> None:
    session.add(OrderStatusEvent(order_id=order.id, status=status, associate_id=by))  # type: ignore[arg-type]
    changelog.record(
        session,
        "order",
        order.id,
        customer_id=order.customer_id,
        payload={"status": status, "number": order.number},
    )


# --- picking ----------------------------------------------------------------------------------


def pick(
    *,
    db_session: Session,
    principal: Principal,
    order_id: int,
    body: PickRequest,
    directory: LocationDirectory,
    tz: str,
) -> PickOut:
    """Count `quantity` units of the scanned item (EAN-13 or SKU) as picked for the order; for a
    parcel, only on a line sourced at this store (another location sends the rest)."""
    order = prepared_order(db_session, order_id, principal)
    statuses = fulfilment.pickable(order.fulfilment_type)
    if order.status not in statuses:
        raise _not_pickable(order)
    if not take(db_session, order, statuses):
        raise _not_pickable(order)
    parcel = order.fulfilment_type == FulfilmentType.SHIP_TO_HOME
    code = body.barcode.upper()
    line = next(
        (
            ln
            for ln, variant, _ in line_rows(db_session, [order.id]).get(order_id, [])
            if code in (variant.ean13, variant.sku.upper())
            and (not parcel or ln.source_location_id == principal.store_id)
        ),
        None,
    )
    refusal = fulfilment.pick_refusal(progress(line) if line else None, body.quantity)
    if refusal == PickRefusal.NOT_IN_ORDER or line is None:
        raise Invalid(
            "pick-wrong-item",
            "Not an item of this order",
            f"{body.barcode} is on no line of order {order.number}: put it back.",
        )
    if refusal == PickRefusal.MORE_THAN_ORDERED or not count(
        db_session, line.id, body.quantity, field="picked"
    ):
        raise Conflict(
            "pick-too-many",
            "More than ordered",
            f"{line.sku}: {line.picked} of {line.quantity} picked already; "
            f"{body.quantity} more is too many.",
            sku=line.sku,
            quantity=line.quantity,
            picked=line.picked,
        )
    assert line.id is not None
    view = pickup_order(db_session, order, principal, directory, tz)
    return PickOut(order=view, line_id=line.id, sku=line.sku, quantity=body.quantity)


def count(session: Session, line_id: int | None, units: int, *, field: str) -> bool:
    """Add `units` to a line's `picked` (never past the quantity ordered) or `collected` (never
    past the units picked): the database checks the limit on the row it updates."""
    if field == "picked":
        counted, limit = col(OrderLine.picked), col(OrderLine.quantity)
    else:
        counted, limit = col(OrderLine.collected), col(OrderLine.picked)
    done = session.execute(
        update(OrderLine)
        .where(col(OrderLine.id) == line_id, counted + units <= limit)
        .values({field: counted + units})
    )
    return bool(done.rowcount == 1)  # type: ignore[attr-defined]


# --- ready ------------------------------------------------------------------------------------


def mark_ready(
    *,
    db_session: Session,
    principal: Principal,
    order_id: int,
    body: ReadyRequest,
    directory: LocationDirectory,
    tz: str,
    can_send: Callable[[Channel], bool],
) -> ReadyOut:
    """Every unit picked: the order is ready, its holds get their end (a click & collect hold
    has none until now), and the customer's notice is written (sent once this commits)."""
    order = store_order(db_session, order_id, principal)
    if not fulfilment.may_pick(order.fulfilment_type, order.status):
        raise _not_pickable(order)
    if not take(db_session, order, PICKABLE, to=OrderStatus.READY):
        raise _not_pickable(order)
    lines = [progress(ln) for ln, _, _ in line_rows(db_session, [order_id]).get(order_id, [])]
    if not fulfilment.all_picked(lines):
        left = sum(ln.to_pick for ln in lines)
        raise Conflict(
            "not-all-picked",
            "Not every item is picked",
            f"{left} unit(s) of order {order.number} still to pick.",
            left=left,
        )
    now = utcnow()
    db_session.execute(
        update(Reservation)
        .where(
            col(Reservation.order_id) == order_id,
            col(Reservation.status) == "held",
            col(Reservation.expires_at).is_(None),
        )
        .values(expires_at=fulfilment.hold_end(now, None))
    )
    status_changed(db_session, order, OrderStatus.READY, principal.associate_id)
    db_session.flush()
    db_session.refresh(order)
    view = pickup_order(db_session, order, principal, directory, tz)
    last_day = local_days.local_day(view.held_until, tz) if view.held_until else None
    store = directory.all(db_session).get(principal.store_id)
    notice = notices.record_ready(
        db_session,
        order,
        store=store.name if store is not None else "Reyon",
        last_day=last_day,
        lang=body.lang,
        can_send=can_send,
    )
    return ReadyOut(order=view, notice=notice, last_day=last_day)
