"""Sending a parcel home from a store (ship from store): the store packs the units it picked for
the order's lines sourced there, then ships them: the carrier is booked, the units' holds are
consumed and the stock leaves the store, exactly once, and the customer is told. Picking is
fulfilment.pick, the same scan as for a pickup.

Locks as in fulfilment.py: the order's row first (a conditional update on its status), then its
lines, holds and stock rows by variant. However many tablets ship the same parcel at once, one
books it; the others find it shipped."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update
from sqlmodel import Session, col

from app.contracts.fulfilment import PackOut, PackRequest, ShipOut, ShipRequest
from app.domain import fulfilment
from app.domain.contact import Channel
from app.domain.errors import Conflict
from app.domain.fulfilment import PARCEL_PICKABLE, ParcelRefusal, ShipmentStatus
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType
from app.server.catalog.directory import LocationDirectory
from app.server.db import utcnow
from app.server.deps import Principal
from app.server.loyalty import service as loyalty
from app.server.orders import fulfilment_notices as notices
from app.server.orders.carriers import Carrier, CarrierRefused, Parcel
from app.server.orders.fulfilment import count, prepared_order, status_changed, take
from app.server.orders.fulfilment_handover import consume
from app.server.orders.fulfilment_queue import LineRow, line_rows, pickup_order, progress
from app.server.orders.models import Order, Shipment
from app.server.orders.parcel_queue import parcel_out, shipments


def _parcel_order(session: Session, order_id: int, principal: Principal) -> Order:
    order = prepared_order(session, order_id, principal)
    if order.fulfilment_type != FulfilmentType.SHIP_TO_HOME:
        raise Conflict(
            "ship-not-a-parcel",
            "Not an order to send home",
            f"Order {order.number} is collected in store; it is handed over, not shipped.",
        )
    return order


def _refused(why: ParcelRefusal, order: Order, left: int = 0) -> Conflict:
    if why == ParcelRefusal.NOT_ALL_PICKED:
        return Conflict(
            "not-all-picked",
            "Not every item is picked",
            f"{left} unit(s) of order {order.number} still to pick.",
            left=left,
        )
    if why == ParcelRefusal.ALREADY_SHIPPED:
        return Conflict(
            "ship-already-shipped",
            "Already shipped",
            f"Your store's parcel for order {order.number} was shipped already.",
        )
    if why == ParcelRefusal.ALREADY_PACKED:
        return Conflict(
            "ship-already-packed",
            "Already packed",
            f"Your store's parcel for order {order.number} is packed: ship it.",
        )
    if why == ParcelRefusal.NOT_PACKED:
        return Conflict(
            "ship-not-packed",
            "Not packed yet",
            f"Pack your store's parcel for order {order.number} before shipping it.",
        )
    return Conflict(
        "ship-not-paid",
        "This parcel cannot be sent now",
        f"It is {order.status}; only paid orders are packed and shipped.",
        status_now=order.status,
    )


def _locked(
    session: Session, order: Order, principal: Principal
) -> tuple[list[LineRow], Shipment | None]:
    """The order's row, locked, while paid; its lines sourced here and this store's parcel."""
    if not take(session, order, PARCEL_PICKABLE):
        shipped = order.status == OrderStatus.SHIPPED
        raise _refused(ParcelRefusal.ALREADY_SHIPPED if shipped else ParcelRefusal.NOT_PAID, order)
    assert order.id is not None
    rows = [
        row
        for row in line_rows(session, [order.id]).get(order.id, [])
        if row[0].source_location_id == principal.store_id
    ]
    return rows, shipments(session, [order.id], principal.store_id).get(order.id)


def pack(
    *,
    db_session: Session,
    principal: Principal,
    order_id: int,
    body: PackRequest,
    directory: LocationDirectory,
    tz: str,
) -> PackOut:
    """Every unit sourced here picked: the store's parcel is packed (boxes, weight)."""
    order = _parcel_order(db_session, order_id, principal)
    rows, shipment = _locked(db_session, order, principal)
    lines = [progress(ln) for ln, _, _ in rows]
    why = fulfilment.pack_refusal(order.status, lines, shipment.status if shipment else None)
    if why is not None:
        raise _refused(why, order, left=sum(ln.to_pick for ln in lines))
    packed = Shipment(
        order_id=order_id,
        location_id=principal.store_id,
        status=ShipmentStatus.PACKED,
        parcels=body.parcels,
        weight_grams=body.weight_grams,
        packed_by=principal.associate_id,
    )
    db_session.add(packed)
    db_session.flush()
    view = pickup_order(db_session, order, principal, directory, tz)
    return PackOut(order=view, parcel=parcel_out(packed))


def ship(
    *,
    db_session: Session,
    principal: Principal,
    order_id: int,
    body: ShipRequest,
    carrier: Carrier,
    directory: LocationDirectory,
    tz: str,
    can_send: Callable[[Channel], bool],
) -> ShipOut:
    """Book the carrier for the packed parcel; its units leave the store; the order is shipped
    once every line has left (a split order's other lines travel from elsewhere)."""
    order = _parcel_order(db_session, order_id, principal)
    rows, shipment = _locked(db_session, order, principal)
    why = fulfilment.ship_refusal(order.status, shipment.status if shipment else None)
    if why is not None or shipment is None:
        raise _refused(why or ParcelRefusal.NOT_PACKED, order)
    store = directory.all(db_session).get(principal.store_id)
    parcel = Parcel(
        order_number=order.number,
        from_location_code=store.code if store is not None else "",
        ship_to=dict(order.ship_to or {}),
        parcels=shipment.parcels,
        weight_grams=shipment.weight_grams,
    )
    # Booked while the order's row is locked, so no other tablet books the same parcel; the
    # reference is the parcel's own, so a retry after this transaction was lost gets the same
    # tracking number from the carrier instead of a second pick-up.
    try:
        booking = carrier.book(parcel, reference=f"reyon-shipment-{shipment.id}")
    except CarrierRefused as exc:
        raise Conflict(
            "ship-carrier-refused",
            "The carrier did not take the parcel",
            f"{carrier.name}: {exc}",
            carrier=carrier.name,
        ) from None
    now = utcnow()
    for line, _, _ in sorted(rows, key=lambda row: (row[0].variant_id, row[0].id or 0)):
        units = line.picked - line.collected
        # `collected` counts units that left the store, to the customer or to the carrier.
        if units > 0:
            if not count(db_session, line.id, units, field="collected"):
                raise _refused(ParcelRefusal.ALREADY_SHIPPED, order)
            consume(db_session, line, units, now)
    booked = db_session.execute(
        update(Shipment)
        .where(col(Shipment.id) == shipment.id, col(Shipment.status) == ShipmentStatus.PACKED)
        .values(
            status=ShipmentStatus.SHIPPED,
            carrier=booking.carrier,
            tracking_number=booking.tracking_number,
            label_url=booking.label_url,
            shipped_by=principal.associate_id,
            shipped_at=now,
        )
    )
    if booked.rowcount != 1:  # type: ignore[attr-defined]
        raise _refused(ParcelRefusal.ALREADY_SHIPPED, order)
    everything = [progress(ln) for ln, _, _ in line_rows(db_session, [order_id]).get(order_id, [])]
    if fulfilment.status_after_shipping(everything) == OrderStatus.SHIPPED:
        # Still ours: the row has been locked since `_locked` above.
        moved = take(db_session, order, PARCEL_PICKABLE, to=OrderStatus.SHIPPED)
        assert moved
        status_changed(db_session, order, OrderStatus.SHIPPED, principal.associate_id)
        loyalty.order_reached(db_session, order_id=order_id, status="shipped")
    db_session.flush()
    db_session.refresh(order)
    notice = notices.record_shipped(
        db_session,
        order,
        store=store.name if store is not None else "Reyon",
        carrier=booking.carrier,
        tracking=booking.tracking_number,
        lang=body.lang,
        can_send=can_send,
    )
    after = shipments(db_session, [order_id], principal.store_id)[order_id]
    view = pickup_order(db_session, order, principal, directory, tz)
    return ShipOut(order=view, parcel=parcel_out(after), notice=notice)
