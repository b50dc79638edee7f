"""Breaking things: a killed API process mid-order, retries after the crash, expired holds."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import func, select, text, update
from sqlmodel import col

from app.server.app import housekeeping
from app.server.db import utcnow
from app.server.idempotency.models import IdempotencyRecord
from app.server.inventory.models import Reservation
from app.server.orders.models import Order, OrderLine
from app.settings import ApiSettings
from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import ADDRESS, assert_stock_consistent
from tests.server import HANG_S, start_api


def _wait_until(what: str, check: Callable[[], bool]) -> None:
    deadline = time.monotonic() + HANG_S
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {HANG_S:.0f} s")
        time.sleep(0.02)


def _claims(world: World, keys: list[str]) -> int:
    with world.db.session() as s:
        return int(
            s.execute(select(func.count()).where(col(IdempotencyRecord.key).in_(keys))).scalar_one()
        )


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def test_killed_api_leaves_nothing_half_written_and_retries_create_each_order_once(
    world: World,
) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 500, b.stores["IST02"]: 50})
    api = start_api(
        world.database_url,
        log_dir=world.log_dir,
        extra_env={"REYON_IDEMPOTENCY_STALE_SECONDS": "1"},
    )
    token = world.token("t-associate")
    keys = [str(uuid.uuid4()) for _ in range(40)]

    def body(i: int) -> dict:
        return {
            "customer_id": b.consenting_customer,
            "lines": [{"sku": skus[i % len(skus)], "quantity": 1 + i % 2}],
            "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
        }

    def fire(url: str, i: int) -> int | None:
        try:
            with httpx.Client(
                base_url=url,
                timeout=10,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": keys[i]},
            ) as c:
                return c.post("/v1/orders", json=body(i)).status_code
        except httpx.TransportError:
            return None  # the process died under us: the tablet will retry

    # Tests share the database, and some write orders of their own making (reports): this
    # test judges the orders placed from here on.
    started = utcnow() - timedelta(seconds=1)
    threads = [threading.Thread(target=fire, args=(api.url, i)) for i in range(len(keys))]
    for t in threads:
        t.start()
    # Mid-flight: once the first orders have committed with their keys, however slow the
    # machine; the others are checking or writing.
    _wait_until("requests in flight", lambda: _claims(world, keys) >= 3)
    api.kill()  # SIGKILL mid-flight: no shutdown handler, open transactions just vanish
    for t in threads:
        t.join(30)

    # Whatever committed is whole: each order has its lines and each line its reservation.
    with world.db.session() as s:
        orders = s.execute(select(Order.id).where(col(Order.placed_at) >= started)).scalars().all()
        for order_id in orders:
            lines = s.execute(
                select(func.count())
                .select_from(OrderLine)
                .where(col(OrderLine.order_id) == order_id)
            ).scalar_one()
            holds = s.execute(
                select(func.count())
                .select_from(Reservation)
                .where(col(Reservation.order_id) == order_id)
            ).scalar_one()
            assert lines >= 1 and holds == lines, order_id
    for sku in skus:
        assert_stock_consistent(world, sku)

    # A claim commits with its order, so the dead process left none "running"; one left by an
    # earlier version would become stale one second after it was taken.
    with world.db.session() as s:
        newest = s.execute(
            select(func.max(IdempotencyRecord.locked_at)).where(
                col(IdempotencyRecord.key).in_(keys), col(IdempotencyRecord.state) == "running"
            )
        ).scalar_one()
    if newest is not None:
        _wait_until(
            "stale claims", lambda: datetime.now(UTC) - _aware(newest) > timedelta(seconds=1)
        )
    restarted = start_api(
        world.database_url,
        log_dir=world.log_dir,
        extra_env={"REYON_IDEMPOTENCY_STALE_SECONDS": "1"},
    )
    try:
        statuses = [fire(restarted.url, i) for i in range(len(keys))]
        assert all(s == 201 for s in statuses), statuses
        with world.db.session() as s:
            for key in keys:
                record = s.execute(
                    select(IdempotencyRecord).where(col(IdempotencyRecord.key) == key)
                ).scalar_one()
                assert record.state == "done" and record.response_status == 201
            numbers = [
                httpx.post(
                    f"{restarted.url}/v1/orders",
                    json=body(i),
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": keys[i]},
                ).json()["number"]
                for i in range(len(keys))
            ]
            assert len(set(numbers)) == len(keys)  # one order per key, never two
            per_key = s.execute(
                select(func.count()).select_from(Order).where(col(Order.number).in_(numbers))
            ).scalar_one()
            assert per_key == len(keys)
        for sku in skus:
            assert_stock_consistent(world, sku)
    finally:
        restarted.stop()


def test_expired_in_store_holds_are_released_and_the_order_cancelled(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST02"]: 2})
    with world.client() as c:
        r = c.post(
            "/v1/orders",
            json={
                "customer_id": b.consenting_customer,
                "lines": [{"sku": skus[0], "quantity": 2}],
                "fulfilment": {"type": "reserve_in_store", "location_id": b.stores["IST02"]},
            },
        )
        assert r.status_code == 201, r.text
        order_id = r.json()["id"]
    with world.db.write() as s:
        s.execute(
            update(Reservation)
            .where(col(Reservation.order_id) == order_id)
            .values(expires_at=Reservation.expires_at - timedelta(days=7))
        )  # type: ignore[operator]
    result = housekeeping(world.db, ApiSettings(database_url=world.database_url))
    assert result["expired_holds"] >= 1
    assert (
        housekeeping(world.db, ApiSettings(database_url=world.database_url))["expired_holds"] == 0
    )
    assert_stock_consistent(world, skus[0])
    with world.client() as c:
        order = c.get(f"/v1/orders/{order_id}").json()
        assert order["status"] == "cancelled"
        assert order["history"][-1]["note"] == "hold expired"
        avail = c.get(f"/v1/availability/{skus[0]}").json()
        ist02 = next(loc for loc in avail["locations"] if loc["code"] == "IST02")
        assert ist02["available"] == 2


def test_postgres_connections_cut_under_the_api_give_503_then_recover(pg_world: World) -> None:
    """PostgreSQL drops every connection of one API process (a restart, a failover): requests
    that meet a dead pooled connection get 503 problem+json with Retry-After, never a 500, and
    the API is whole again at once, without a restart."""
    b = pg_world.base
    _, skus = factories.product(pg_world.db, stock={b.warehouse: 5})
    name = f"reyon-cut-{uuid.uuid4().hex[:8]}"
    api = start_api(
        pg_world.database_url,
        log_dir=pg_world.log_dir,
        extra_env={"REYON_DB_APPLICATION_NAME": name},
    )
    token = pg_world.token("t-associate")
    headers = {"Authorization": f"Bearer {token}"}
    try:
        # Several connections in the pool: concurrent requests each check one out.
        def read(_: int) -> int:
            with httpx.Client(base_url=api.url, headers=headers, timeout=10) as c:
                return c.get(f"/v1/availability/{skus[0]}").status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(read, range(32))) == {200}
        with pg_world.db.engine.connect() as conn:
            cut = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = :name"
                ),
                {"name": name},
            ).scalar_one()
        assert cut >= 1

        statuses = []
        with httpx.Client(base_url=api.url, headers=headers, timeout=10) as c:
            for _ in range(6):
                r = c.get(f"/v1/availability/{skus[0]}")
                statuses.append(r.status_code)
                if r.status_code == 503:
                    assert r.headers["content-type"].startswith("application/problem+json")
                    assert r.json()["type"].endswith("/database-unavailable")
                    assert r.headers["retry-after"] == "1"
            order = c.post(
                "/v1/orders",
                json={
                    "customer_id": b.consenting_customer,
                    "lines": [{"sku": skus[0], "quantity": 1}],
                    "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
                },
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
        assert set(statuses) <= {200, 503}
        # One failure at most: the first dead connection invalidates every older one.
        assert statuses.count(503) <= 1 and statuses[-1] == 200, statuses
        assert order.status_code == 201, order.text
    finally:
        api.stop()
