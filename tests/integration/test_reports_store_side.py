"""The manager's report, store side: click & collect and reserve-in-store pickups made ready by
their promised day, and returns taken back at the store by reason. Real HTTP, SQLite and
PostgreSQL.

At IZM01 like test_reports.py, in the first days of June 2025 (Istanbul, UTC+3 all year), which
no other test reports on: one order goes the whole way through the API (placed, paid, picked,
ready, handed over, returned) and is moved to those days; the rest are written as the API
would have left them, each at a chosen moment, so every figure is known exactly."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlmodel import col

from app.qr.pickup import make_pickup_code
from app.server.catalog.models import Variant
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.returns.models import OrderReturn, ReturnLine
from tests import factories
from tests.conftest import World
from tests.integration.test_click_and_collect import _hand_over, _pick_all, _ready
from tests.integration.test_reports import STORE, Staff, izmir_staff, report, utc
from tests.integration.test_returns import _key, _pay

J1, J2, J3, J4, J5 = (date(2025, 5, 31) + timedelta(days=i) for i in range(1, 6))
WINDOW = {"first_day": J2.isoformat(), "last_day": J4.isoformat()}  # June 2nd to 4th


def _local(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """Istanbul time, as UTC (three hours behind all year since 2016)."""
    return utc(day, hour, minute, second) - timedelta(hours=3)


def _order(
    world: World,
    customer: int,
    *,
    fulfilment: str,
    pickup: int,
    placed: datetime,
    lines: list[tuple[str, int, int]],
    ready: Sequence[datetime] = (),
    status: str = "ready",
) -> tuple[int, list[int]]:
    """An order for pickup written as the API leaves it: lines (sku, quantity, source
    location), its `ready` history rows. Returns its id and line ids."""
    with world.db.write() as s:
        order = Order(
            number=factories.unique("P-"),
            customer_id=customer,
            channel="web",
            status=status,
            fulfilment_type=fulfilment,
            pickup_location_id=pickup,
            subtotal_kurus=10000,
            total_kurus=10000,
            kdv_kurus=909,
            placed_at=placed,
        )
        s.add(order)
        s.flush()
        assert order.id is not None
        line_ids = []
        for sku, quantity, source in lines:
            variant = s.execute(select(Variant.id).where(col(Variant.sku) == sku)).scalar_one()
            line = OrderLine(
                order_id=order.id,
                variant_id=variant,
                sku=sku,
                quantity=quantity,
                unit_price_kurus=10000,
                kdv_rate=10,
                line_total_kurus=10000 * quantity,
                source_location_id=source,
                picked=quantity,
            )
            s.add(line)
            s.flush()
            assert line.id is not None
            line_ids.append(line.id)
        for at in ready:
            s.add(OrderStatusEvent(order_id=order.id, status="ready", at=at))
        return order.id, line_ids


def _returned(
    world: World,
    order_id: int,
    line_ids: list[int],
    *,
    store: int,
    at: datetime,
    associate: int,
    lines: list[tuple[int, str, int]],
) -> None:
    """A return written as the API leaves it: (index into line_ids, reason, units) at 10000
    kuruş a unit, the order lines' `returned` counters moved with it."""
    with world.db.write() as s:
        ret = OrderReturn(
            order_id=order_id,
            location_id=store,
            associate_id=associate,
            refund_method="store_credit",
            refund_kurus=sum(10000 * units for _, _, units in lines),
            refund_reference=factories.unique("ref-"),
            created_at=at,
        )
        s.add(ret)
        s.flush()
        for index, reason, units in lines:
            line = s.get(OrderLine, line_ids[index])
            assert line is not None
            line.returned += units
            s.add(
                ReturnLine(
                    return_id=ret.id,  # type: ignore[arg-type]
                    order_line_id=line.id,  # type: ignore[arg-type]
                    variant_id=line.variant_id,
                    quantity=units,
                    reason=reason,
                    condition="sellable",
                    refund_kurus=10000 * units,
                )
            )


def _through_the_api(world: World, staff: Staff, customer: int, skus: list[str]) -> None:
    """Order A: click & collect from IZM01's own shelf, placed June 2nd at 10:00 (before the
    cut-off: promised that day), ready at 16:00, collected, then two of its three units brought
    back at IZM01 the same evening: 2 x 10000 wrong size, 1 x 15000 damaged kept."""
    with staff.client("Emre Aydın") as c:
        c.base_url = httpx.URL(world.url)
        r = c.post(
            "/v1/orders",
            json={
                "customer_id": customer,
                "lines": [{"sku": skus[0], "quantity": 2}, {"sku": skus[1], "quantity": 1}],
                "fulfilment": {"type": "click_collect"},
            },
            headers=_key(),
        )
        assert r.status_code == 201, r.text
        order: dict[str, Any] = r.json()
        assert order["pickup_location_id"] == world.base.stores[STORE]
        _pay(world, order["id"])
        _pick_all(world, c, order)
        assert _ready(c, order["id"]).status_code == 200
        r = _hand_over(c, order["id"], make_pickup_code(factories.TEST_RING, order["id"]))
        assert r.status_code == 200 and r.json()["complete"], r.text
        lines = {ln["sku"]: ln["id"] for ln in order["lines"]}
        r = c.post(
            f"/v1/orders/{order['id']}/returns",
            json={
                "lines": [
                    {
                        "order_line_id": lines[skus[0]],
                        "quantity": 2,
                        "reason": "wrong_size",
                        "condition": "sellable",
                    },
                    {
                        "order_line_id": lines[skus[1]],
                        "quantity": 1,
                        "reason": "damaged",
                        "condition": "damaged",
                    },
                ],
                "refund_method": "original_payment",
            },
            headers=_key(),
        )
        assert r.status_code == 201, r.text
        assert r.json()["refund_kurus"] == 35000
    with world.db.write() as s:
        s.execute(
            update(Order).where(col(Order.id) == order["id"]).values(placed_at=_local(J2, 10))
        )
        s.execute(
            update(OrderStatusEvent)
            .where(col(OrderStatusEvent.order_id) == order["id"])
            .values(at=_local(J2, 16))
        )
        s.execute(
            update(OrderReturn)
            .where(col(OrderReturn.order_id) == order["id"])
            .values(created_at=_local(J2, 19))
        )


def test_pickups_on_time_and_returns_by_reason(world: World) -> None:
    b = world.base
    izm, ist = b.stores[STORE], b.stores["IST01"]
    staff = izmir_staff(world)
    _, cheap = factories.product(world.db, price_kurus=10000, stock={izm: 10})
    _, dear = factories.product(world.db, price_kurus=15000, stock={izm: 10})
    customer = factories.customer(world.db, consent=True)
    manager = staff.ids["Selin Kaya"]

    _through_the_api(world, staff, customer, [cheap[0], dear[0]])  # A: on time

    def pickup(**kw: Any) -> tuple[int, list[int]]:
        kw.setdefault("fulfilment", "click_collect")
        kw.setdefault("pickup", izm)
        return _order(world, customer, **kw)

    here = [(cheap[1], 1, izm)]
    # B: placed after the 17:00 cut-off, so promised the next day; ready its last second.
    pickup(placed=_local(J2, 18), lines=here, ready=[_local(J3, 23, 59, 59)], status="collected")
    # C: from the warehouse, placed May 31st: promised June 2nd; ready at June 4th 00:00, late.
    pickup(placed=_local(J1 - timedelta(days=1), 12), lines=[(cheap[1], 1, b.warehouse)],
           ready=[_local(J4, 0)])  # fmt: skip
    # D: a reservation, promised at once, ready five minutes later, cancelled since: counted.
    pickup(fulfilment="reserve_in_store", placed=_local(J4, 9), lines=here,
           ready=[_local(J4, 9, 5)], status="cancelled")  # fmt: skip
    # E: one line here, one from IST01: the slowest line's 3 days, so June 3rd is on time.
    e, e_lines = pickup(placed=_local(J1 - timedelta(days=1), 10),
                        lines=[*here, (cheap[2], 1, ist)], ready=[_local(J3, 15)])  # fmt: skip
    # Not in the window: ready a second before it, the moment after it, first ready before it
    # (a later row repeating `ready` does not move that), and a pickup at another store.
    pickup(placed=_local(J1, 9), lines=here, ready=[_local(J1, 23, 59, 59)])
    pickup(placed=_local(J5, 9), lines=here, ready=[_local(J5, 0)])
    pickup(placed=_local(J1, 9), lines=here, ready=[_local(J1, 12), _local(J2, 12)])
    pickup(pickup=ist, placed=_local(J2, 9), lines=[(cheap[1], 1, ist)], ready=[_local(J2, 10)])
    # Still to pick: placed in the window, never ready, so not counted yet.
    pickup(placed=_local(J3, 9), lines=here, status="paid")

    # Returns: one more at IZM01 on its last second; others at IST01 or just after the window.
    _returned(world, e, e_lines, store=izm, at=_local(J4, 23, 59, 59), associate=manager,
              lines=[(0, "wrong_size", 1), (1, "not_as_pictured", 1)])  # fmt: skip
    late, late_lines = pickup(placed=_local(J1, 9), lines=[(cheap[1], 3, izm)], status="collected")
    _returned(world, late, late_lines, store=ist, at=_local(J3, 12), associate=manager,
              lines=[(0, "changed_mind", 1)])  # fmt: skip
    _returned(world, late, late_lines, store=izm, at=_local(J5, 0), associate=manager,
              lines=[(0, "changed_mind", 1)])  # fmt: skip

    r = report(staff, world, **WINDOW)
    assert r.status_code == 200, r.text
    got = r.json()
    # A, B, D and E by their promised day; C a day late.
    assert (got["pickups_ready"], got["pickups_on_time"]) == (5, 4)
    assert got["pickups_on_time_share"] == 0.8
    assert (got["returns_taken"], got["returned_units"], got["return_refund_kurus"]) == (
        2,
        5,
        55000,
    )
    assert got["returns_by_reason"] == [
        {"reason": "wrong_size", "units": 3, "refund_kurus": 30000},
        {"reason": "damaged", "units": 1, "refund_kurus": 15000},
        {"reason": "not_as_pictured", "units": 1, "refund_kurus": 10000},
    ]

    # One day, June 3rd: B (on time) and E (on time); nothing returned at IZM01.
    one = report(staff, world, first_day=J3.isoformat(), last_day=J3.isoformat()).json()
    assert (one["pickups_ready"], one["pickups_on_time"], one["pickups_on_time_share"]) == (
        2,
        2,
        1.0,
    )
    assert (one["returns_taken"], one["returns_by_reason"]) == (0, [])
    # June 4th: C late, D on time; a share of one half.
    four = report(staff, world, first_day=J4.isoformat(), last_day=J4.isoformat()).json()
    assert (four["pickups_ready"], four["pickups_on_time"], four["pickups_on_time_share"]) == (
        2,
        1,
        0.5,
    )


def test_a_window_without_pickups_or_returns_has_no_share(world: World) -> None:
    staff = izmir_staff(world)
    got = report(staff, world, first_day="2025-07-01", last_day="2025-07-01").json()
    assert (got["pickups_ready"], got["pickups_on_time"], got["pickups_on_time_share"]) == (
        0,
        0,
        None,
    )
    assert (got["returns_taken"], got["returned_units"], got["return_refund_kurus"]) == (0, 0, 0)
    assert got["returns_by_reason"] == []
