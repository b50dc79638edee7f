"""What the customer has under way in the stores, for the single customer view: orders waiting
at their pickup store and parcels stores shipped them, their returns, and transfers asked for
them (app/contracts/store_side.py).

Read only after customer_view's access check (consent, or a visit grant at this store): the
lists are part of the customer's personal data and follow the same rule as their orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import BindParameter, bindparam, func, select
from sqlmodel import Session, col

from app.domain import fulfilment
from app.domain.fulfilment import STORE_FULFILMENTS, ShipmentStatus, Step
from app.domain.orders import OrderStatus
from app.domain.transfers import TransferReason
from app.server.catalog.directory import LocationDirectory
from app.server.inventory.transfer_models import Transfer, TransferLine
from app.server.orders.fulfilment_queue import QUEUED, aware, due_on, hold_ends, progress
from app.server.orders.models import Order, OrderLine, Shipment
from app.server.returns.models import OrderReturn, ReturnLine

PICKUPS_SHOWN = 50  # a customer rarely has more than a few; the bound keeps a mistake cheap
RETURNS_SHOWN = 20
TRANSFERS_SHOWN = 20

# Built once (see customer_view/service.py): the customer's id and the orders' ids are bound
# at each call.
CUSTOMER: BindParameter[int] = bindparam("customer_id")
_PICKUPS = (
    select(
        col(Order.id),
        col(Order.number),
        col(Order.status),
        col(Order.fulfilment_type),
        col(Order.pickup_location_id),
        col(Order.placed_at),
    )
    .where(
        col(Order.customer_id) == CUSTOMER,
        col(Order.fulfilment_type).in_(sorted(STORE_FULFILMENTS)),
        col(Order.status).in_(QUEUED),
        col(Order.pickup_location_id).is_not(None),
    )
    .order_by(col(Order.placed_at), col(Order.id))
    .limit(PICKUPS_SHOWN)
)
_PICKUP_LINES = (
    select(
        col(OrderLine.order_id),
        col(OrderLine.id),
        col(OrderLine.quantity),
        col(OrderLine.picked),
        col(OrderLine.collected),
        col(OrderLine.source_location_id),
    )
    .where(col(OrderLine.order_id).in_(bindparam("order_ids", expanding=True)))
    .order_by(col(OrderLine.id))
)
_SENT_UNITS = (
    select(func.coalesce(func.sum(col(OrderLine.quantity)), 0))
    .where(
        col(OrderLine.order_id) == col(Order.id),
        col(OrderLine.source_location_id) == col(Shipment.location_id),
    )
    .correlate(Order, Shipment)
    .scalar_subquery()
)
_SHIPPED = (
    select(
        col(Order.id),
        col(Order.number),
        col(Order.status),
        col(Order.fulfilment_type),
        col(Order.placed_at),
        col(Shipment.location_id),
        col(Shipment.carrier),
        col(Shipment.tracking_number),
        col(Shipment.shipped_at),
        _SENT_UNITS,
    )
    .join(Order, col(Order.id) == col(Shipment.order_id))
    .where(
        col(Order.customer_id) == CUSTOMER,
        col(Order.status).in_([OrderStatus.PAID, OrderStatus.SHIPPED]),
        col(Shipment.status) == ShipmentStatus.SHIPPED,
    )
    .order_by(col(Order.placed_at), col(Order.id))
    .limit(PICKUPS_SHOWN)
)
_RETURN_COLUMNS = (
    col(OrderReturn.id),
    col(OrderReturn.order_id),
    col(Order.number),
    col(OrderReturn.location_id),
    col(OrderReturn.refund_kurus),
    col(OrderReturn.currency),
    col(OrderReturn.refund_method),
    col(OrderReturn.created_at),
)
_RETURNS = (
    select(*_RETURN_COLUMNS, func.coalesce(func.sum(col(ReturnLine.quantity)), 0))
    .join(Order, col(Order.id) == col(OrderReturn.order_id))
    .outerjoin(ReturnLine, col(ReturnLine.return_id) == col(OrderReturn.id))
    .where(col(Order.customer_id) == CUSTOMER)
    .group_by(*_RETURN_COLUMNS)
    .order_by(col(OrderReturn.created_at).desc(), col(OrderReturn.id).desc())
    .limit(RETURNS_SHOWN)
)
_RETURNED = (
    select(
        col(OrderLine.order_id),
        func.sum(col(OrderLine.quantity)),
        func.sum(col(OrderLine.returned)),
    )
    .where(col(OrderLine.order_id).in_(bindparam("order_ids", expanding=True)))
    .group_by(col(OrderLine.order_id))
)
_TRANSFER_COLUMNS = (
    col(Transfer.id),
    col(Transfer.status),
    col(Transfer.from_location_id),
    col(Transfer.to_location_id),
    col(Transfer.requested_at),
    col(Transfer.updated_at),
)
_TRANSFERS = (
    select(
        *_TRANSFER_COLUMNS,
        func.coalesce(func.sum(col(TransferLine.quantity)), 0),
        func.coalesce(func.sum(col(TransferLine.received)), 0),
    )
    .outerjoin(TransferLine, col(TransferLine.transfer_id) == col(Transfer.id))
    .where(
        col(Transfer.customer_id) == CUSTOMER,
        col(Transfer.reason) == TransferReason.CUSTOMER,
    )
    .group_by(*_TRANSFER_COLUMNS)
    .order_by(col(Transfer.requested_at).desc(), col(Transfer.id).desc())
    .limit(TRANSFERS_SHOWN)
)


def pickups_waiting(
    session: Session,
    customer_id: int,
    directory: LocationDirectory,
    tz: str,
    codes: Mapping[int, str],
) -> list[dict[str, Any]]:
    """The customer's store pickups not collected (nor cancelled) yet, with the step, promised
    day and hold end exactly as the pickup store's own queue works them out (the same rules,
    from the same columns); and the parcels stores shipped them that are not delivered yet,
    with carrier and tracking number; oldest first.

    Column rows, not the queue's `pickup_orders`: the view shows no line's name, size or EAN,
    nor the customer's own name, and reading those was a quarter of the whole view's time."""
    parcels = shipped_parcels(session, customer_id, codes)
    found = session.execute(_PICKUPS, {"customer_id": customer_id}).all()
    if not found:
        return parcels
    ids = [order.id for order in found]
    lines = defaultdict(list)
    for line in session.execute(_PICKUP_LINES, {"order_ids": ids}).all():
        lines[line.order_id].append(line)
    ends = hold_ends(session, ids)
    places = directory.all(session)
    pickups = []
    for order in found:
        rows = lines[order.id]
        pickups.append(
            {
                "order_id": order.id,
                "number": order.number,
                "status": order.status,
                "fulfilment_type": order.fulfilment_type,
                "step": fulfilment.step_of(
                    order.fulfilment_type, order.status, [progress(ln) for ln in rows]
                ),
                "pickup_location_code": codes.get(order.pickup_location_id, ""),
                "placed_at": aware(order.placed_at),
                "due_on": due_on(order, [ln.source_location_id for ln in rows], places, tz),
                "held_until": min(ends[order.id]) if ends.get(order.id) else None,
                "units": sum(ln.quantity for ln in rows),
                # Units put aside are the customer's to take only once the order is ready.
                "units_waiting": sum(ln.picked - ln.collected for ln in rows)
                if order.status == OrderStatus.READY
                else 0,
            }
        )
    merged = sorted(pickups + parcels, key=lambda p: (p["placed_at"], p["order_id"]))
    return merged[:PICKUPS_SHOWN]


def shipped_parcels(
    session: Session, customer_id: int, codes: Mapping[int, str]
) -> list[dict[str, Any]]:
    """Parcels stores shipped to the customer, on their way (the order not delivered, nor
    cancelled), oldest first: one per store that sent part of the order, with the units it
    sent."""
    rows = session.execute(_SHIPPED, {"customer_id": customer_id}).all()
    return [
        {
            "order_id": order_id,
            "number": number,
            "status": status,
            "fulfilment_type": fulfilment_type,
            "step": Step.DONE,
            "pickup_location_code": codes.get(location_id, ""),
            "placed_at": aware(placed_at),
            "due_on": None,
            "held_until": None,
            "units": int(sent),
            "units_waiting": 0,
            "carrier": carrier,
            "tracking_number": tracking_number,
            "shipped_at": aware(shipped_at) if shipped_at else None,
        }
        for (
            order_id,
            number,
            status,
            fulfilment_type,
            placed_at,
            location_id,
            carrier,
            tracking_number,
            shipped_at,
            sent,
        ) in rows
    ]


def recent_returns(
    session: Session, customer_id: int, codes: Mapping[int, str]
) -> list[dict[str, Any]]:
    """The customer's latest returns, at any store, of orders that are theirs."""
    rows = session.execute(_RETURNS, {"customer_id": customer_id}).all()
    # Whole or part: every unit of the order back now, by this return and any other.
    whole = {
        order_id
        for order_id, bought, back in session.execute(
            _RETURNED, {"order_ids": [row[1] for row in rows]}
        ).tuples()
        if back >= bought
    }
    return [
        {
            "id": r_id,
            "order_id": order_id,
            "order_number": number,
            "location_code": codes.get(location_id, ""),
            "units": int(units),
            "refund_kurus": refund,
            "currency": currency,
            "refund_method": method,
            "state": "whole_order" if order_id in whole else "part_of_order",
            "created_at": created_at,
        }
        for r_id, order_id, number, location_id, refund, currency, method, created_at, units in rows
    ]


def customer_transfers(
    session: Session, customer_id: int, codes: Mapping[int, str]
) -> list[dict[str, Any]]:
    """Transfers asked for this customer (not for a shelf), latest first."""
    rows = session.execute(_TRANSFERS, {"customer_id": customer_id}).all()
    return [
        {
            "id": t_id,
            "status": status,
            "from_code": codes.get(from_id, ""),
            "to_code": codes.get(to_id, ""),
            "units": int(units),
            "units_received": int(received),
            "requested_at": requested_at,
            "updated_at": updated_at,
        }
        for t_id, status, from_id, to_id, requested_at, updated_at, units, received in rows
    ]
