"""What the pickup store sees of its click & collect and reserve-in-store orders: the queue of
orders to pick or hand over (oldest first), the overdue pickups, and one order as prepared.
The queue also holds the parcels the store sends home (ship to home, lines sourced here) until
they are shipped."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlmodel import Session, col

from app.contracts.fulfilment import (
    OverduePickup,
    OverduePickups,
    PickupLine,
    PickupOrder,
    PickupQueue,
)
from app.domain import fulfilment, masking, orders
from app.domain.errors import Forbidden
from app.domain.fulfilment import STORE_FULFILMENTS, LineProgress
from app.domain.orders import OrderStatus
from app.domain.sourcing import FulfilmentType
from app.server.catalog.directory import LocationDirectory, Place
from app.server.catalog.models import Product, Variant
from app.server.customers.access import access_level
from app.server.customers.models import Customer
from app.server.db import utcnow
from app.server.deps import Principal
from app.server.inventory.models import Reservation
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.orders.parcel_queue import parcel_out, parcels_to_send, shipments

# Still to pick (placed or paid) or to hand over (ready).
QUEUED = (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.READY)
LineRow = tuple[OrderLine, Variant, Product]


def aware(at: datetime) -> datetime:
    """SQLite hands back the UTC it stored without its zone."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def own_store(principal: Principal, location_id: int) -> None:
    if location_id != principal.store_id:
        raise Forbidden(
            "wrong-store", "Not your store", "Only your own store's pickups can be seen here."
        )


class Counted(Protocol):
    """What the steps read of an order line: an `OrderLine` or a row of those columns."""

    @property
    def id(self) -> int | None: ...
    @property
    def quantity(self) -> int: ...
    @property
    def picked(self) -> int: ...
    @property
    def collected(self) -> int: ...


class Promised(Protocol):
    """What the promised day reads of an order: an `Order` or a row of those columns."""

    @property
    def fulfilment_type(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def pickup_location_id(self) -> int | None: ...
    @property
    def placed_at(self) -> datetime: ...


def progress(line: Counted) -> LineProgress:
    assert line.id is not None
    return LineProgress(line.id, line.quantity, line.picked, line.collected)


def line_rows(session: Session, order_ids: Iterable[int | None]) -> dict[int, list[LineRow]]:
    """Order id -> its lines with their variant and product, in line order: one query."""
    rows: dict[int, list[LineRow]] = defaultdict(list)
    for line, variant, product in session.execute(
        select(OrderLine, Variant, Product)
        .join(Variant, col(Variant.id) == col(OrderLine.variant_id))
        .join(Product, col(Product.id) == col(Variant.product_id))
        .where(col(OrderLine.order_id).in_([i for i in order_ids if i is not None]))
        .order_by(col(OrderLine.id))
        # Fresh counts, whatever this session loaded before a pick or hand-over changed them.
        .execution_options(populate_existing=True)
    ).tuples():
        rows[line.order_id].append((line, variant, product))
    return rows


_HOLD_ENDS = select(col(Reservation.order_id), col(Reservation.expires_at)).where(
    col(Reservation.order_id).in_(bindparam("order_ids", expanding=True)),
    col(Reservation.status) == "held",
    col(Reservation.expires_at).is_not(None),
)


def hold_ends(session: Session, order_ids: Iterable[int | None]) -> dict[int, list[datetime]]:
    """Order id -> the ends of its holds that have one (units still waiting, not collected)."""
    ends: dict[int, list[datetime]] = defaultdict(list)
    for order_id, at in session.execute(
        _HOLD_ENDS, {"order_ids": [i for i in order_ids if i is not None]}
    ).tuples():
        if order_id is not None and at is not None:
            ends[order_id].append(aware(at))
    return ends


def _customer_names(
    session: Session, customer_ids: Iterable[int | None], principal: Principal
) -> dict[int, str]:
    """Customer id -> their name as this associate may see it: whole with the customer's
    consent or their QR visit at this store, else masked (KVKK / GDPR, like every route)."""
    ids = {i for i in customer_ids if i is not None}
    names: dict[int, str] = {}
    if not ids:
        return names
    for customer in session.execute(select(Customer).where(col(Customer.id).in_(ids))).scalars():
        assert customer.id is not None
        name = f"{customer.first_name} {customer.last_name}".strip()
        if access_level(session, customer, principal) == "none":
            name = " ".join(masking.mask_name(word) for word in name.split())
        names[customer.id] = name
    return names


def due_on(
    order: Promised, source_ids: list[int], places: dict[int, Place], tz: str
) -> date | None:
    """The day promised to the customer, from where each line comes (`source_ids`)."""
    sources = [
        orders.source_of(p.kind, p.id, order.pickup_location_id)
        for p in (places.get(source_id) for source_id in source_ids)
        if p is not None
    ]
    if len(sources) != len(source_ids):
        return None  # a line from a location no longer listed: promise nothing rather than guess
    placed_local = aware(order.placed_at).astimezone(ZoneInfo(tz))
    return orders.expected_on(order.fulfilment_type, sources, placed_local, order.status)


def pickup_orders(
    session: Session,
    found: list[Order],
    principal: Principal,
    directory: LocationDirectory,
    tz: str,
) -> list[PickupOrder]:
    """Orders as the store prepares them, in the order given: a few queries in all. A parcel's
    lines are only those sourced at the caller's store: the rest are another location's."""
    ids = [o.id for o in found]
    lines = line_rows(session, ids)
    here = principal.store_id
    parcels = shipments(session, ids, here)
    ends = hold_ends(session, ids)
    names = _customer_names(session, (o.customer_id for o in found), principal)
    places = directory.all(session)
    out = []
    for order in found:
        assert order.id is not None
        rows = lines.get(order.id, [])
        shipment = parcels.get(order.id)
        if order.fulfilment_type == FulfilmentType.SHIP_TO_HOME:
            rows = [row for row in rows if row[0].source_location_id == here]
            step = fulfilment.parcel_step(
                order.status,
                [progress(ln) for ln, _, _ in rows],
                shipment.status if shipment else None,
            )
        else:
            step = fulfilment.step_of(
                order.fulfilment_type, order.status, [progress(ln) for ln, _, _ in rows]
            )
        out.append(
            PickupOrder(
                order_id=order.id,
                number=order.number,
                status=order.status,
                fulfilment_type=order.fulfilment_type,
                channel=order.channel,
                step=step,
                pickup_location_id=order.pickup_location_id or here,
                customer_id=order.customer_id,
                customer_name=names.get(order.customer_id, "") if order.customer_id else "",
                placed_at=aware(order.placed_at),
                due_on=due_on(order, [ln.source_location_id for ln, _, _ in rows], places, tz),
                held_until=min(ends[order.id]) if ends.get(order.id) else None,
                lines=[
                    PickupLine(
                        line_id=ln.id or 0,
                        sku=ln.sku,
                        ean13=variant.ean13,
                        product_id=product.id or 0,
                        name_tr=product.name_tr,
                        name_en=product.name_en,
                        size=variant.size,
                        colour=variant.colour,
                        colour_en=variant.colour_en or variant.colour,
                        quantity=ln.quantity,
                        picked=ln.picked,
                        collected=ln.collected,
                    )
                    for ln, variant, product in rows
                ],
                parcel=parcel_out(shipment) if shipment is not None else None,
            )
        )
    return out


def pickup_order(
    session: Session, order: Order, principal: Principal, directory: LocationDirectory, tz: str
) -> PickupOrder:
    return pickup_orders(session, [order], principal, directory, tz)[0]


def _store_orders(
    session: Session, location_id: int, statuses: Iterable[str], limit: int
) -> list[Order]:
    return list(
        session.execute(
            select(Order)
            .where(
                col(Order.pickup_location_id) == location_id,
                col(Order.fulfilment_type).in_(sorted(STORE_FULFILMENTS)),
                col(Order.status).in_(list(statuses)),
            )
            .order_by(col(Order.placed_at), col(Order.id))
            .limit(limit)
        ).scalars()
    )


def to_prepare(
    *,
    db_session: Session,
    principal: Principal,
    location_id: int,
    directory: LocationDirectory,
    tz: str,
    limit: int = 200,
) -> PickupQueue:
    """This store's click & collect and reserve-in-store orders still to pick, mark ready or
    hand over, and the parcels it still has to pick, pack or ship, oldest first."""
    own_store(principal, location_id)
    found = sorted(
        _store_orders(db_session, location_id, QUEUED, limit)
        + parcels_to_send(db_session, location_id, limit),
        key=lambda o: (aware(o.placed_at), o.id or 0),
    )[:limit]
    return PickupQueue(
        location_id=location_id,
        orders=pickup_orders(db_session, found, principal, directory, tz),
    )


def overdue_pickups(
    *,
    db_session: Session,
    principal: Principal,
    location_id: int,
    directory: LocationDirectory,
    tz: str,
    as_of: datetime | None = None,
    limit: int = 500,
) -> OverduePickups:
    """Ready orders at this store whose hold has run out (or that waited the whole pickup
    window) by `as_of` (default now), oldest first: the manager calls the customer or lets
    the hold go."""
    own_store(principal, location_id)
    now = as_of or utcnow()
    ready = _store_orders(db_session, location_id, (OrderStatus.READY,), limit)
    ids = [o.id for o in ready]
    ends = hold_ends(db_session, ids)
    ready_at = {
        order_id: aware(at)
        for order_id, at in db_session.execute(
            select(col(OrderStatusEvent.order_id), func.max(OrderStatusEvent.at))
            .where(
                col(OrderStatusEvent.order_id).in_([i for i in ids if i is not None]),
                col(OrderStatusEvent.status) == OrderStatus.READY,
            )
            .group_by(col(OrderStatusEvent.order_id))
        ).tuples()
    }
    late: list[tuple[Order, fulfilment.Overdue]] = []
    for order in ready:
        assert order.id is not None
        why = fulfilment.overdue(
            order.status, ready_at=ready_at.get(order.id), hold_ends=ends[order.id], now=now
        )
        if why is not None:
            late.append((order, why))
    views = pickup_orders(db_session, [o for o, _ in late], principal, directory, tz)
    return OverduePickups(
        location_id=location_id,
        as_of=now,
        orders=[
            OverduePickup(
                order=view,
                reason=why,
                deadline=fulfilment.deadline(ready_at.get(order.id or 0), ends[order.id or 0]),
            )
            for view, (order, why) in zip(views, late, strict=True)
        ],
    )
