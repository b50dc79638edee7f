"""Ship from store (issue 14): a paid ship-to-home order sourced at a store is in that store's
queue; it is picked by scan (only its lines sourced there), packed, then shipped with the
carrier, whose tracking number the order and the single customer view show; the stock leaves
the store once, however many tablets ship at once. Real HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from app.server.orders.models import CustomerNotice, OrderStatusEvent, Shipment
from tests import factories
from tests.conftest import World
from tests.integration.test_click_and_collect import _ean, _key, _kind, _order, _pick, _queue
from tests.integration.test_concurrency import assert_stock_consistent, race
from tests.integration.test_orders import HOME, stock_of
from tests.integration.test_returns import _pay
from tests.server import HANG_S

PARCEL = {"type": "ship_to_home", "address": HOME}


def _pack(c: httpx.Client, order_id: int, **body: Any) -> httpx.Response:
    return c.post(f"/v1/orders/{order_id}/pack", json=body, headers=_key())


def _ship(c: httpx.Client, order_id: int, lang: str = "tr") -> httpx.Response:
    return c.post(f"/v1/orders/{order_id}/ship", json={"lang": lang}, headers=_key())


def _paid_parcel(
    world: World, c: httpx.Client, customer: int, lines: dict[str, int]
) -> dict[str, Any]:
    order = _order(c, customer, lines, PARCEL)
    _pay(world, order["id"])
    return order


def _in_queue(c: httpx.Client, store: int, order_id: int) -> dict[str, Any] | None:
    return next((o for o in _queue(c, store) if o["order_id"] == order_id), None)


def test_a_parcel_is_picked_packed_and_shipped_once(world: World) -> None:
    b = world.base
    ist01 = b.stores["IST01"]
    _, skus = factories.product(world.db, stock={ist01: 5})  # nowhere else: it ships from here
    customer = factories.customer(world.db, consent=True)
    with world.client() as c:
        unpaid = _order(c, customer, {skus[1]: 1}, PARCEL)
        order = _paid_parcel(world, c, customer, {skus[0]: 2})
        oid = order["id"]
        assert {ln["source_location_id"] for ln in order["lines"]} == {ist01}

        # In the queue once paid, with its own steps; an unpaid parcel is not prepared.
        queued = _in_queue(c, ist01, oid)
        assert queued is not None and _in_queue(c, ist01, unpaid["id"]) is None
        assert queued["step"] == "pick" and queued["fulfilment_type"] == "ship_to_home"
        assert queued["pickup_location_id"] == ist01 and queued["parcel"] is None
        assert [ln["sku"] for ln in queued["lines"]] == [skus[0]]
        refused = _pick(c, unpaid["id"], _ean(world, skus[1]))
        assert refused.status_code == 409 and _kind(refused) == "order-not-pickable"

        # Picking: the same scan as a pickup; a wrong item is refused.
        wrong = _pick(c, oid, _ean(world, skus[1]))
        assert wrong.status_code == 422 and _kind(wrong) == "pick-wrong-item"
        r = _pick(c, oid, _ean(world, skus[0]))
        assert r.status_code == 200, r.text
        assert r.json()["order"]["step"] == "pick"
        early = _pack(c, oid)
        assert early.status_code == 409 and _kind(early) == "not-all-picked"
        assert early.json()["left"] == 1
        not_packed = _ship(c, oid)
        assert not_packed.status_code == 409 and _kind(not_packed) == "ship-not-packed"
        r = _pick(c, oid, skus[0])  # the SKU on the hang tag counts too
        assert r.status_code == 200 and r.json()["order"]["step"] == "pack"

        r = _pack(c, oid, parcels=1, weight_grams=850)
        assert r.status_code == 200, r.text
        packed = r.json()
        assert packed["order"]["step"] == "ship"
        assert packed["parcel"]["status"] == "packed" and packed["parcel"]["weight_grams"] == 850
        again = _pack(c, oid)
        assert again.status_code == 409 and _kind(again) == "ship-already-packed"

        before = stock_of(world, skus[0], ist01)
        r = _ship(c, oid, lang="en")
        assert r.status_code == 200, r.text
        shipped = r.json()
        parcel = shipped["parcel"]
        assert parcel["status"] == "shipped" and parcel["carrier"] == "test"
        assert parcel["tracking_number"].startswith("TST") and parcel["label_url"]
        assert shipped["order"]["status"] == "shipped" and shipped["order"]["step"] == "done"
        assert shipped["notice"]["lang"] == "en"
        # The reserved units leave the store: on hand and reserved go down together.
        assert stock_of(world, skus[0], ist01) == (before[0] - 2, before[1] - 2)
        assert_stock_consistent(world, skus[0])

        twice = _ship(c, oid)
        assert twice.status_code == 409 and _kind(twice) == "ship-already-shipped"
        assert stock_of(world, skus[0], ist01) == (before[0] - 2, before[1] - 2)
        assert _in_queue(c, ist01, oid) is None
        fetched = c.get(f"/v1/orders/{oid}").json()
        assert [h["status"] for h in fetched["history"]] == ["placed", "paid", "shipped"]
    with world.db.session() as s:
        notice = s.execute(
            select(CustomerNotice).where(col(CustomerNotice.order_id) == oid)
        ).scalar_one()
        assert notice.kind == "order_shipped" and parcel["tracking_number"] in notice.text


def test_another_stores_tablet_may_not_touch_the_parcel(world: World) -> None:
    b = world.base
    ist01, ank01 = b.stores["IST01"], b.stores["ANK01"]
    _, skus = factories.product(world.db, stock={ist01: 5})
    with world.client() as c:
        order = _paid_parcel(world, c, b.consenting_customer, {skus[0]: 1})
    with world.client("t-ank-associate") as ank:
        assert order["id"] not in [o["order_id"] for o in _queue(ank, ank01)]
        for r in (
            _pick(ank, order["id"], skus[0]),
            _pack(ank, order["id"]),
            _ship(ank, order["id"]),
        ):
            assert r.status_code == 403 and _kind(r) == "other-store", r.text


def test_a_split_order_the_store_sends_only_its_own_lines(world: World) -> None:
    b = world.base
    ist01 = b.stores["IST01"]
    _, here = factories.product(world.db, stock={ist01: 5})
    _, there = factories.product(world.db, stock={b.warehouse: 5})
    customer = factories.customer(world.db, consent=True)
    with world.client() as c:
        order = _paid_parcel(world, c, customer, {here[0]: 1, there[0]: 1})
        oid = order["id"]
        sources = {ln["sku"]: ln["source_location_id"] for ln in order["lines"]}
        assert sources == {here[0]: ist01, there[0]: b.warehouse}
        queued = _in_queue(c, ist01, oid)
        assert queued is not None and [ln["sku"] for ln in queued["lines"]] == [here[0]]
        # The warehouse's line is not this store's to pick.
        wrong = _pick(c, oid, _ean(world, there[0]))
        assert wrong.status_code == 422 and _kind(wrong) == "pick-wrong-item"
        assert _pick(c, oid, _ean(world, here[0])).status_code == 200
        assert _pack(c, oid).status_code == 200
        r = _ship(c, oid)
        assert r.status_code == 200, r.text
        # The store's parcel is shipped; the order waits for the warehouse's.
        assert r.json()["parcel"]["status"] == "shipped"
        assert r.json()["order"]["status"] == "paid" and r.json()["order"]["step"] == "done"
        assert _in_queue(c, ist01, oid) is None
        twice = _ship(c, oid)
        assert twice.status_code == 409 and _kind(twice) == "ship-already-shipped"
        fetched = c.get(f"/v1/orders/{oid}").json()
        assert [h["status"] for h in fetched["history"]] == ["placed", "paid"]
    assert_stock_consistent(world, here[0])
    assert stock_of(world, there[0], b.warehouse)[1] == 1  # still held for the warehouse's parcel


def test_racing_tablets_ship_the_parcel_once(world: World) -> None:
    b = world.base
    ist01 = b.stores["IST01"]
    _, skus = factories.product(world.db, stock={ist01: 5})
    with world.client() as c:
        order = _paid_parcel(world, c, b.consenting_customer, {skus[0]: 2, skus[1]: 1})
        for sku, quantity in ((skus[0], 2), (skus[1], 1)):
            assert _pick(c, order["id"], _ean(world, sku), quantity).status_code == 200
        assert _pack(c, order["id"]).status_code == 200
    before = {sku: stock_of(world, sku, ist01) for sku in skus[:2]}
    token = world.token("t-associate")
    tablets = [
        httpx.Client(
            base_url=world.url, timeout=HANG_S, headers={"Authorization": f"Bearer {token}"}
        )
        for _ in range(8)
    ]
    try:
        results = race(8, lambda i: _ship(tablets[i], order["id"]))
    finally:
        for t in tablets:
            t.close()
    statuses = Counter(r.status_code for r in results)
    assert statuses == {200: 1, 409: 7}, [r.text for r in results if r.status_code != 409]
    assert all(_kind(r) == "ship-already-shipped" for r in results if r.status_code == 409)
    for sku, quantity in ((skus[0], 2), (skus[1], 1)):
        on_hand, reserved = before[sku]
        assert stock_of(world, sku, ist01) == (on_hand - quantity, reserved - quantity)
        assert_stock_consistent(world, sku)
    with world.db.session() as s:
        booked = s.execute(
            select(Shipment.tracking_number).where(col(Shipment.order_id) == order["id"])
        ).scalar_one()
        events = s.execute(
            select(func.count())
            .select_from(OrderStatusEvent)
            .where(
                col(OrderStatusEvent.order_id) == order["id"],
                col(OrderStatusEvent.status) == "shipped",
            )
        ).scalar_one()
    [winner] = [r for r in results if r.status_code == 200]
    assert (booked, events) == (winner.json()["parcel"]["tracking_number"], 1)


def test_the_customer_view_shows_the_shipped_parcels_carrier_and_tracking(world: World) -> None:
    b = world.base
    ist01 = b.stores["IST01"]
    _, skus = factories.product(world.db, stock={ist01: 5})
    customer = factories.customer(world.db, consent=True)
    with world.client() as c:
        waiting = _paid_parcel(world, c, customer, {skus[1]: 1})  # not shipped: not shown
        order = _paid_parcel(world, c, customer, {skus[0]: 3})
        assert _pick(c, order["id"], _ean(world, skus[0]), 3).status_code == 200
        assert _pack(c, order["id"]).status_code == 200
        tracking = _ship(c, order["id"]).json()["parcel"]["tracking_number"]
        r = c.get(f"/v1/customers/{customer}")
        assert r.status_code == 200, r.text
        shown = {p["order_id"]: p for p in r.json()["pickups_waiting"]}
    assert waiting["id"] not in shown
    parcel = shown[order["id"]]
    assert parcel["fulfilment_type"] == "ship_to_home" and parcel["status"] == "shipped"
    assert (parcel["carrier"], parcel["tracking_number"]) == ("test", tracking)
    assert parcel["pickup_location_code"] == "IST01" and parcel["step"] == "done"
    assert parcel["units"] == 3 and parcel["units_waiting"] == 0 and parcel["shipped_at"]
