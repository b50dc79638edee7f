"""The store side of the manager's report: click & collect and reserve-in-store pickups made
ready by the day the customer was promised, and the returns taken back here, by reason.

"On time", defined once here: an order for pickup at this store is counted in the window when
its first `ready` status event falls in it (whatever happened after: collected, cancelled, or
still waiting); it was on time when the local day it became ready is on or before its promised
day. The promised day is the one the customer was told when ordering (domain `expected_on`, as
the order scene and the pickup queue show it): the same day before the store's picking cut-off
(else the next) from this store's own shelf, 2 days from the warehouse, 3 from another store, at
once for a reservation, the slowest line deciding. A day, not an hour: "ready on Tuesday" is kept
by being ready at any time on Tuesday. An order with no line to promise on is not on time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlmodel import Session, col

from app.contracts.reports import ReturnReasonFigures
from app.domain import local_days, orders
from app.domain.fulfilment import STORE_FULFILMENTS
from app.domain.orders import OrderStatus
from app.server.catalog.models import Location
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.returns.models import OrderReturn, ReturnLine


@dataclass
class _Ready:
    fulfilment: str
    placed_at: datetime
    ready_at: datetime
    sources: list[orders.Source] = field(default_factory=list)


@dataclass(frozen=True)
class Pickups:
    ready: int
    on_time: int

    @property
    def share(self) -> float | None:
        return round(self.on_time / self.ready, 4) if self.ready else None


@dataclass(frozen=True)
class Returns:
    taken: int
    units: int
    refund_kurus: int
    by_reason: list[ReturnReasonFigures]


def _aware(at: datetime) -> datetime:
    """SQLite hands back the UTC it stored without its zone."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def on_time(ready_at: datetime, promised: date | None, tz: str) -> bool:
    return promised is not None and local_days.local_day(ready_at, tz) <= promised


def pickups(session: Session, store_id: int, starts: list[datetime], tz: str) -> Pickups:
    """Pickups here made ready in the window, and how many by their promised day: two
    grouped queries, then the domain's promise per order."""
    first_ready = (
        select(
            col(OrderStatusEvent.order_id).label("order_id"),
            func.min(col(OrderStatusEvent.at)).label("at"),
        )
        .join(Order, col(Order.id) == col(OrderStatusEvent.order_id))
        .where(
            col(OrderStatusEvent.status) == OrderStatus.READY,
            col(Order.pickup_location_id) == store_id,
            col(Order.fulfilment_type).in_(sorted(STORE_FULFILMENTS)),
        )
        .group_by(col(OrderStatusEvent.order_id))
        # A later row repeating `ready` (a note) must not move the moment it became ready.
        .having(
            and_(
                func.min(col(OrderStatusEvent.at)) >= starts[0],
                func.min(col(OrderStatusEvent.at)) < starts[-1],
            )
        )
        .subquery()
    )
    found: dict[int, _Ready] = {
        order_id: _Ready(fulfilment, _aware(placed_at), _aware(ready_at))
        for order_id, fulfilment, placed_at, ready_at in session.execute(
            select(
                col(Order.id),
                col(Order.fulfilment_type),
                col(Order.placed_at),
                first_ready.c.at,
            ).join(first_ready, first_ready.c.order_id == col(Order.id))
        ).tuples()
    }
    if not found:
        return Pickups(0, 0)
    # Where each line ships from, once per order and location: what the promise is made of.
    for order_id, location_id, kind in session.execute(
        select(col(OrderLine.order_id), col(OrderLine.source_location_id), col(Location.kind))
        .join(Location, col(Location.id) == col(OrderLine.source_location_id))
        .where(col(OrderLine.order_id).in_(sorted(found)))
        .distinct()
    ).tuples():
        found[order_id].sources.append(orders.source_of(kind, location_id, store_id))
    zone = ZoneInfo(tz)
    kept = sum(
        on_time(
            r.ready_at,
            # As at placing ("placed"): the promise the customer was given, not today's status.
            orders.expected_on(r.fulfilment, r.sources, r.placed_at.astimezone(zone)),
            tz,
        )
        for r in found.values()
    )
    return Pickups(len(found), kept)


def returns(session: Session, store_id: int, starts: list[datetime]) -> Returns:
    """Returns taken back at this store in the window: how many, and units and refunds per
    reason (a return of several lines counts each line under its own reason)."""
    taken = [
        col(OrderReturn.location_id) == store_id,
        col(OrderReturn.created_at) >= starts[0],
        col(OrderReturn.created_at) < starts[-1],
    ]
    count = session.execute(select(func.count(col(OrderReturn.id))).where(*taken)).scalar_one()
    by_reason = sorted(
        (
            ReturnReasonFigures(reason=reason, units=int(units), refund_kurus=int(refund))
            for reason, units, refund in session.execute(
                select(
                    col(ReturnLine.reason),
                    func.sum(col(ReturnLine.quantity)),
                    func.sum(col(ReturnLine.refund_kurus)),
                )
                .join(OrderReturn, col(OrderReturn.id) == col(ReturnLine.return_id))
                .where(*taken)
                .group_by(col(ReturnLine.reason))
            ).tuples()
        ),
        key=lambda r: (-r.units, -r.refund_kurus, r.reason),
    )
    return Returns(
        taken=int(count),
        units=sum(r.units for r in by_reason),
        refund_kurus=sum(r.refund_kurus for r in by_reason),
        by_reason=by_reason,
    )


def exchange_rate(session: Session, store_id: int, starts: list[datetime]) -> float | None:
    """Of the returns taken back at this store in the window, the share that were exchanges
    (the return of an exchange carries the order its value paid for); None when none were."""
    returned = col(OrderReturn.id)
    exchanged = col(OrderReturn.exchange_order_id)  # count() skips the plain returns' NULLs
    taken, swapped = session.execute(
        select(func.count(returned), func.count(exchanged)).where(
            col(OrderReturn.location_id) == store_id,
            col(OrderReturn.created_at) >= starts[0],
            col(OrderReturn.created_at) < starts[-1],
        )
    ).one()
    return round(swapped / taken, 4) if taken else None
