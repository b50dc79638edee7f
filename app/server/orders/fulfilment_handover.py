"""Handing a ready pickup over at the store: the customer proves the order theirs with their
app's identity QR code or the order's signed pickup code; the units asked for (default: all that
are ready) leave the store, their holds consumed; once every unit is collected the order is
collected, exactly once. And the pickup code the brand app shows.

Locks as in fulfilment.py: the order's row first, then its lines, holds and stock rows by
variant."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlmodel import Session, col

from app.contracts.fulfilment import HandedOverLine, HandOverOut, HandOverRequest, PickupCodeOut
from app.domain import fulfilment
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound
from app.domain.fulfilment import STORE_FULFILMENTS, HandOverProof, HandOverRefusal
from app.domain.orders import OPEN_STATUSES, OrderStatus
from app.qr import identity
from app.qr.envelope import TokenError, kind_of
from app.qr.images import render_svg
from app.qr.keys import KeyRing
from app.qr.pickup import issue_pickup_code, verify_pickup_code
from app.server.catalog.directory import LocationDirectory
from app.server.customers.identity import accept_identity_code
from app.server.db import core_table, utcnow
from app.server.deps import Principal
from app.server.inventory.models import Reservation, StockLevel
from app.server.loyalty import service as loyalty
from app.server.orders.fulfilment import count, not_ready, status_changed, store_order, take
from app.server.orders.fulfilment_queue import line_rows, pickup_order, progress
from app.server.orders.models import Order, OrderHandover, OrderLine
from app.server.sync import changelog

_RESERVATIONS = core_table(Reservation)

_PICKUP_REFUSALS = {
    "expired": "The pickup code has expired; ask the customer to open it again in the app.",
    "bad_signature": "The pickup code is not genuine.",
    "unknown_key": "The pickup code was made with a key this server no longer has.",
    "wrong_kind": "This is neither a pickup code nor a customer's identity code.",
}


def _proof(
    session: Session, order: Order, code: str, ring: KeyRing, principal: Principal
) -> tuple[HandOverProof, int | None]:
    """How the person at the counter proves the order is theirs: the customer's own identity
    QR code (used up like any scan of it), or the order's signed pickup code."""
    if kind_of(code) == identity.KIND:
        customer_id = accept_identity_code(session, code, location_id=principal.store_id)
        if customer_id != order.customer_id:
            raise Forbidden(
                "pickup-wrong-customer",
                "Another customer's code",
                "The identity code shown is not the code of this order's customer.",
            )
        return HandOverProof.IDENTITY, customer_id
    try:
        pickup = verify_pickup_code(ring, code)
    except TokenError as exc:
        raise Invalid(
            "pickup-code-invalid",
            "Not a valid pickup code",
            _PICKUP_REFUSALS.get(exc.reason, "The code is damaged or not a Reyon code."),
            reason=exc.reason,
        ) from None
    if pickup.order_id != order.id:
        raise Forbidden(
            "pickup-code-other-order",
            "Another order's pickup code",
            "The pickup code shown is for another order.",
        )
    return HandOverProof.PICKUP_CODE, None


def hand_over(
    *,
    db_session: Session,
    principal: Principal,
    order_id: int,
    body: HandOverRequest,
    ring: KeyRing,
    directory: LocationDirectory,
    tz: str,
) -> HandOverOut:
    """Hand the units asked for (default: all that are ready) to the customer who proved the
    order theirs; their holds are consumed and the stock leaves the store. Once every unit is
    collected the order is collected, exactly once, and its points are due."""
    order = store_order(db_session, order_id, principal)
    if not fulfilment.may_hand_over(order.fulfilment_type, order.status):
        raise not_ready(order)
    proof, customer_id = _proof(db_session, order, body.code, ring, principal)
    if not take(db_session, order, (OrderStatus.READY,)):
        raise not_ready(order)
    rows = {ln.id: ln for ln, _, _ in line_rows(db_session, [order_id]).get(order_id, [])}
    lines = [progress(ln) for ln in rows.values()]
    wanted = {ln.line_id: ln.quantity for ln in body.lines} if body.lines else None
    plan = fulfilment.hand_over_plan(lines, wanted)
    if plan.refusal is not None:
        raise _hand_over_refused(plan.refusal, rows.get(plan.line_id), plan.line_id, order)
    now = utcnow()
    given: list[HandedOverLine] = []
    for line_id in sorted(plan.units, key=lambda i: (rows[i].variant_id, i)):
        line, units = rows[line_id], plan.units[line_id]
        if not count(db_session, line_id, units, field="collected"):
            raise _hand_over_refused(HandOverRefusal.MORE_THAN_READY, line, line_id, order)
        consume(db_session, line, units, now)
        db_session.add(
            OrderHandover(
                order_id=order_id,
                order_line_id=line_id,
                quantity=units,
                location_id=principal.store_id,
                associate_id=principal.associate_id,
                proof=proof,
                customer_id=customer_id,
                at=now,
            )
        )
        given.append(HandedOverLine(line_id=line_id, sku=line.sku, quantity=units))
    after = fulfilment.handed_over(lines, plan)
    complete = fulfilment.status_after_hand_over(after) == OrderStatus.COLLECTED
    if complete:
        # Still ours: the row has been locked since `take` above.
        moved = take(db_session, order, (OrderStatus.READY,), to=OrderStatus.COLLECTED)
        assert moved
        status_changed(db_session, order, OrderStatus.COLLECTED, principal.associate_id)
        loyalty.order_reached(db_session, order_id=order_id, status="collected")
    db_session.flush()
    db_session.refresh(order)
    view = pickup_order(db_session, order, principal, directory, tz)
    return HandOverOut(order=view, handed_over=given, proof=proof, complete=complete)


def _hand_over_refused(
    refusal: HandOverRefusal, line: OrderLine | None, line_id: int | None, order: Order
) -> Conflict | Invalid:
    if refusal == HandOverRefusal.NOT_IN_ORDER or (line is None and line_id is not None):
        return Invalid(
            "hand-over-unknown-line",
            "No such line in this order",
            f"Line {line_id} is not a line of order {order.number}.",
            line_id=line_id,
        )
    if line is None:  # nothing left on any line: every unit is gone already
        return Conflict(
            "already-collected",
            "Already collected",
            f"Every unit of order {order.number} was handed over already.",
        )
    assert line is not None
    return Conflict(
        "hand-over-too-many",
        "More than is ready to hand over",
        f"{line.sku}: {line.picked - line.collected} unit(s) ready to hand over.",
        sku=line.sku,
        line_id=line.id,
        ready=line.picked - line.collected,
    )


def consume(session: Session, line: OrderLine, units: int, now: datetime) -> None:
    """`units` of the line's held stock leave the store: its holds become fulfilled (a part of
    one is split off as its own fulfilled row) and on hand and reserved go down together, so
    what is available elsewhere does not change and never goes below zero."""
    held = session.execute(
        select(
            col(Reservation.id),
            col(Reservation.quantity),
            col(Reservation.location_id),
            col(Reservation.created_at),
        )
        .where(col(Reservation.order_line_id) == line.id, col(Reservation.status) == "held")
        .order_by(col(Reservation.id))
    ).all()
    left = units
    for reservation_id, quantity, location_id, created_at in held:
        if left == 0:
            break
        take = min(quantity, left)
        if take == quantity:
            changes: dict[str, object] = {"status": "fulfilled", "closed_at": now}
        else:
            changes = {"quantity": col(Reservation.quantity) - take}
            session.execute(
                insert(_RESERVATIONS).values(
                    order_id=line.order_id,
                    order_line_id=line.id,
                    variant_id=line.variant_id,
                    location_id=location_id,
                    quantity=take,
                    status="fulfilled",
                    created_at=created_at,
                    closed_at=now,
                )
            )
        session.execute(
            update(Reservation)
            .where(col(Reservation.id) == reservation_id, col(Reservation.status) == "held")
            .values(**changes)
        )
        stock = session.execute(
            update(StockLevel)
            .where(
                col(StockLevel.variant_id) == line.variant_id,
                col(StockLevel.location_id) == location_id,
                col(StockLevel.reserved) >= take,
            )
            .values(
                on_hand=col(StockLevel.on_hand) - take,
                reserved=col(StockLevel.reserved) - take,
                updated_at=now,
            )
            .returning(col(StockLevel.on_hand), col(StockLevel.reserved))
        ).first()
        if stock is None:
            break
        changelog.record(
            session,
            "stock",
            f"{line.variant_id}:{location_id}",
            location_id=location_id,
            payload={"variant_id": line.variant_id, "on_hand": stock[0], "reserved": stock[1]},
        )
        left -= take
    if left:
        raise Conflict(
            "stock-not-held",
            "The units are no longer held",
            f"{line.sku}: {left} unit(s) are not held for this order any more.",
            sku=line.sku,
        )


# The name returns/replacement.py imports it by (from before shipping used it too).
_consume = consume


# --- the brand app's pickup code --------------------------------------------------------------


def pickup_code(session: Session, order_id: int, ring: KeyRing) -> PickupCodeOut:
    """A fresh signed pickup code for an open click & collect or reserve-in-store order."""
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound("Order", order_id)
    if order.fulfilment_type not in STORE_FULFILMENTS or order.status not in OPEN_STATUSES:
        raise Conflict(
            "no-pickup-code",
            "No pickup code for this order",
            f"Order {order.number} is {order.status} and {order.fulfilment_type}: "
            "only open orders to collect in store have one.",
        )
    assert order.pickup_location_id is not None
    payload, code = issue_pickup_code(ring, order_id)
    return PickupCodeOut(
        order_id=order_id,
        number=order.number,
        payload=payload,
        expires_at=datetime.fromtimestamp(code.expires_at, UTC),
        pickup_location_id=order.pickup_location_id,
        qr_svg=render_svg(payload),
    )
