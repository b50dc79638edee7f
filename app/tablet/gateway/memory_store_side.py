"""The demo world's store side (memory_world.py calls it): Elif's click & collect order waiting
at IST01, a return she made and a transfer asked for her, as the API's customer view lists
them; and what the manager's report counts of them, pickups made ready and returns by reason.
Data, kept apart from the gateway's behaviour (memory/back_office.py reads it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from app.contracts.reports import ReturnReasonFigures
from app.contracts.store_side import PickupWaiting, ReturnSummary, TransferSummary

if TYPE_CHECKING:
    from app.tablet.gateway.memory import MemoryGateway


@dataclass(frozen=True)
class ReadyPickup:
    """A pickup that became ready at a store on a local day, and the day it was promised."""

    store_id: int
    ready_on: date
    due_on: date | None


@dataclass(frozen=True)
class ReturnTaken:
    """A return as the report counts it: the store that took it, its day, units and refund
    per reason."""

    store_id: int
    day: date
    by_reason: tuple[ReturnReasonFigures, ...]


def fill_store_side(g: MemoryGateway) -> None:
    now = datetime.now(UTC)
    today = now.date()
    view = g.customers[1]
    codes = {loc.id: loc.code for loc in g.locations.values()}
    view.pickups_waiting = [
        PickupWaiting(
            order_id=p.order_id,
            number=p.number,
            status=p.status,
            fulfilment_type=p.fulfilment_type,
            step=p.step,
            pickup_location_code=codes[p.pickup_location_id],
            placed_at=p.placed_at,
            due_on=p.due_on,
            held_until=p.held_until,
            units=sum(ln.quantity for ln in p.lines),
            units_waiting=sum(ln.picked - ln.collected for ln in p.lines)
            if p.status == "ready"
            else 0,
        )
        for p in g.pickups.values()
        if p.customer_id == 1
    ]
    # Two days ago at IST01: the shirt of her web order came back (wrong size) as store credit.
    view.returns = [ReturnSummary(id=801, order_id=701, order_number="W-2026-000701", location_code="IST01", units=1, refund_kurus=80991, currency="TRY", refund_method="store_credit", state="part_of_order", created_at=now - timedelta(days=2))]  # fmt: skip
    # The large shirt in her size from IST02, on its way since this morning.
    view.transfers = [TransferSummary(id=602, status="sent", from_code="IST02", to_code="IST01", units=1, units_received=0, requested_at=now - timedelta(days=1), updated_at=now - timedelta(hours=3))]  # fmt: skip
    g.ready_pickups = (
        ReadyPickup(1, today - timedelta(days=1), today - timedelta(days=1)),
        ReadyPickup(1, today, today - timedelta(days=1)),  # a day late
        ReadyPickup(2, today, today),  # another store's
    )
    wrong_size = ReturnReasonFigures(reason="wrong_size", units=1, refund_kurus=80991)
    g.returns_taken = (ReturnTaken(1, today - timedelta(days=2), (wrong_size,)),)


def report_figures(
    pickups: tuple[ReadyPickup, ...],
    returns: tuple[ReturnTaken, ...],
    store_id: int,
    first_day: date,
    last_day: date,
) -> dict[str, object]:
    """The store side of StoreReport for one store and window, by the API's definitions: a
    pickup is on time when it became ready on or before its promised day; reasons by units."""
    ready = [p for p in pickups if p.store_id == store_id and first_day <= p.ready_on <= last_day]
    kept = sum(1 for p in ready if p.due_on is not None and p.ready_on <= p.due_on)
    taken = [r for r in returns if r.store_id == store_id and first_day <= r.day <= last_day]
    tally: dict[str, list[int]] = {}
    for r in taken:
        for x in r.by_reason:
            units, refund = tally.setdefault(x.reason, [0, 0])
            tally[x.reason] = [units + x.units, refund + x.refund_kurus]
    by_reason = sorted(
        (ReturnReasonFigures(reason=k, units=u, refund_kurus=m) for k, (u, m) in tally.items()),
        key=lambda x: (-x.units, -x.refund_kurus, x.reason),
    )
    return {
        "pickups_ready": len(ready),
        "pickups_on_time": kept,
        "pickups_on_time_share": round(kept / len(ready), 4) if ready else None,
        "returns_taken": len(taken),
        "returned_units": sum(x.units for x in by_reason),
        "return_refund_kurus": sum(x.refund_kurus for x in by_reason),
        "returns_by_reason": by_reason,
    }
