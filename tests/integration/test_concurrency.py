"""Races over real HTTP: many clients at once against one coupon, one stock row, one key."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from app.server.catalog.models import Variant
from app.server.inventory.models import Reservation, StockLevel
from app.server.orders.models import Order
from app.server.promotions.models import Coupon, Redemption
from tests import factories
from tests.conftest import World
from tests.server import HANG_S, start_api

ADDRESS = {"recipient": "Ayşe", "line1": "Bağdat Cad. 1", "city": "İstanbul"}


def race(n: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Run `call` n times at once: every thread waits at a barrier, then all fire together."""
    barrier = threading.Barrier(n)

    def go(i: int) -> httpx.Response:
        barrier.wait()
        return call(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(go, range(n)))


def assert_stock_consistent(world: World, sku: str) -> None:
    """available never below zero; reserved equals the sum of open reservations."""
    with world.db.session() as s:
        vid = s.execute(select(Variant.id).where(col(Variant.sku) == sku)).scalar_one()
        for level in s.execute(
            select(StockLevel).where(col(StockLevel.variant_id) == vid)
        ).scalars():
            held = s.execute(
                select(func.coalesce(func.sum(Reservation.quantity), 0)).where(
                    col(Reservation.variant_id) == vid,
                    col(Reservation.location_id) == level.location_id,
                    col(Reservation.status) == "held",
                )
            ).scalar_one()
            assert level.on_hand - level.reserved >= 0
            assert level.reserved == held


def _orders_race(world: World, urls: list[str]) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST02"]: 3})
    token = world.token("t-associate")
    clients = [
        httpx.Client(
            base_url=urls[i % len(urls)],
            timeout=HANG_S,
            headers={"Authorization": f"Bearer {token}"},
        )
        for i in range(30)
    ]
    body = {
        "customer_id": b.consenting_customer,
        "lines": [{"sku": skus[0], "quantity": 1}],
        "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
    }
    try:
        results = race(30, lambda i: clients[i].post("/v1/orders", json=body))
    finally:
        for c in clients:
            c.close()
    statuses = Counter(r.status_code for r in results)
    assert statuses == {201: 3, 409: 27}, statuses
    assert all(r.json()["type"].endswith("/out-of-stock") for r in results if r.status_code == 409)
    assert_stock_consistent(world, skus[0])
    with world.db.session() as s:
        vid = s.execute(select(Variant.id).where(col(Variant.sku) == skus[0])).scalar_one()
        level = s.get(StockLevel, (vid, b.stores["IST02"]))
        assert level is not None and (level.on_hand, level.reserved) == (3, 3)


def test_30_concurrent_orders_for_3_units_exactly_3_succeed(world: World) -> None:
    _orders_race(world, [world.url])


def test_50_concurrent_redemptions_of_a_single_use_coupon_exactly_one_succeeds(
    world: World,
) -> None:
    _, skus = factories.product(world.db)
    code = factories.coupon(world.db, max_redemptions=1)
    token = world.token("t-cashier")
    clients = [
        httpx.Client(
            base_url=world.url, timeout=HANG_S, headers={"Authorization": f"Bearer {token}"}
        )
        for _ in range(50)
    ]
    try:
        results = race(
            50,
            lambda i: clients[i].post(
                "/v1/redemptions",
                json={
                    "code": code,
                    "location_id": world.base.stores["IST01"],
                    "till_id": f"T{i}",
                    "sale_ref": f"sale-{i}",
                    "basket": {"lines": [{"sku": skus[0], "quantity": 1}]},
                },
            ),
        )
    finally:
        for c in clients:
            c.close()
    statuses = Counter(r.status_code for r in results)
    assert statuses == {201: 1, 409: 49}, statuses
    with world.db.session() as s:
        coupon = s.execute(select(Coupon).where(col(Coupon.code) == code)).scalar_one()
        count = s.execute(
            select(func.count())
            .select_from(Redemption)
            .where(col(Redemption.coupon_id) == coupon.id)
        ).scalar_one()
        assert coupon.redeemed_count == 1 and count == 1


def test_concurrent_retries_with_one_idempotency_key_create_one_order(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 50})
    key = str(uuid.uuid4())
    body = {
        "customer_id": b.consenting_customer,
        "lines": [{"sku": skus[0], "quantity": 1}],
        "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
    }
    token = world.token("t-associate")
    clients = [
        httpx.Client(
            base_url=world.url,
            timeout=HANG_S,
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
        )
        for _ in range(20)
    ]
    try:
        results = race(20, lambda i: clients[i].post("/v1/orders", json=body))
    finally:
        for c in clients:
            c.close()
    # The key is claimed in the order's own transaction: every retry waits for the first
    # attempt's (on the key's index entry on PostgreSQL, for the writer on SQLite) and gets its
    # answer; none is told to come back later, none places a second order.
    statuses = Counter(r.status_code for r in results)
    assert statuses == {201: 20}, statuses
    ids = {r.json()["id"] for r in results}
    assert len(ids) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in results) == 19
    with httpx.Client(
        base_url=world.url, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key}
    ) as c:
        assert c.post("/v1/orders", json=body).json()["id"] in ids
    with world.db.session() as s:
        vid = s.execute(select(Variant.id).where(col(Variant.sku) == skus[0])).scalar_one()
        level = s.get(StockLevel, (vid, b.warehouse))
        assert level is not None and level.reserved == 1
        orders = s.execute(
            select(func.count()).select_from(Order).where(col(Order.id).in_(ids))
        ).scalar_one()
        assert orders == 1


def test_two_api_processes_on_one_database_never_oversell(world: World) -> None:
    """On SQLite the two processes' writers queue on a file lock beside the database (and
    its one writer), on PostgreSQL on its row locks."""
    second = start_api(world.database_url, log_dir=world.log_dir)
    try:
        _orders_race(world, [world.url, second.url])
        # And coupons across the two processes.
        _, skus = factories.product(world.db)
        code = factories.coupon(world.db, max_redemptions=1)
        token = world.token("t-cashier")
        urls = [world.url, second.url]
        clients = [
            httpx.Client(
                base_url=urls[i % 2], timeout=HANG_S, headers={"Authorization": f"Bearer {token}"}
            )
            for i in range(20)
        ]
        try:
            results = race(
                20,
                lambda i: clients[i].post(
                    "/v1/redemptions",
                    json={
                        "code": code,
                        "location_id": world.base.stores["IST01"],
                        "till_id": f"T{i}",
                        "sale_ref": f"s{i}",
                        "basket": {"lines": [{"sku": skus[0], "quantity": 1}]},
                    },
                ),
            )
        finally:
            for c in clients:
                c.close()
        assert Counter(r.status_code for r in results) == {201: 1, 409: 19}
    finally:
        second.stop()
