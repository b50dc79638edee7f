from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import event, func, select, update
from sqlmodel import col

from app.contracts.orders import OrderCreate
from app.server.catalog.directory import LocationDirectory
from app.server.customers.models import Customer
from app.server.deps import Principal
from app.server.idempotency import store
from app.server.inventory.models import Reservation, StockLevel
from app.server.orders import placing
from app.server.sync.models import ChangeLog
from tests import factories
from tests.conftest import World

HOME = {
    "recipient": "Ayşe Yılmaz",
    "line1": "Bağdat Cad. 12",
    "district": "Kadıköy",
    "city": "İstanbul",
    "postal_code": "34710",
}


def stock_of(world: World, sku_variant: str, location_id: int) -> tuple[int, int]:
    from app.server.catalog.models import Variant

    with world.db.session() as s:
        vid = s.execute(select(Variant.id).where(col(Variant.sku) == sku_variant)).scalar_one()
        row = s.get(StockLevel, (vid, location_id))
        return (row.on_hand, row.reserved) if row else (0, 0)


def test_ship_to_home_sources_from_warehouse_first_and_reserves(world: World) -> None:
    b = world.base
    _, skus = factories.product(
        world.db, price_kurus=59990, stock={b.stores["IST02"]: 5, b.warehouse: 3}
    )
    order = {
        "customer_id": b.consenting_customer,
        "lines": [{"sku": skus[0], "quantity": 2}],
        "fulfilment": {"type": "ship_to_home", "address": HOME},
    }
    with world.client() as c:
        r = c.post("/v1/orders", json=order)
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["lines"][0]["source_location_code"] == "WEB"
        assert body["store_location_id"] == b.stores["IST01"]
        assert body["associate_id"] == b.associates["t-associate"]
        assert body["channel"] == "endless_aisle"
        assert body["total_kurus"] == 2 * 59990
        assert body["kdv_kurus"] == round(2 * 59990 * 10 / 110)
        assert stock_of(world, skus[0], b.warehouse) == (3, 2)
        # Only one left at the warehouse: the next order of 2 goes to the nearest store with 2.
        r2 = c.post("/v1/orders", json=order)
        assert r2.json()["lines"][0]["source_location_code"] == "IST02"
        # The customer sees both orders in their single view.
        view = c.get(f"/v1/customers/{b.consenting_customer}").json()
        numbers = {o["number"] for o in view["orders"]}
        assert {body["number"], r2.json()["number"]} <= numbers
        fetched = c.get(f"/v1/orders/{body['id']}").json()
        assert fetched == body


def test_out_of_stock_is_409_naming_the_line_and_offering_alternatives(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["ANK01"]: 4})
    with world.client() as c:
        r = c.post(
            "/v1/orders",
            json={
                "customer_id": b.consenting_customer,
                "lines": [{"sku": skus[1], "quantity": 1}, {"sku": skus[0], "quantity": 1}],
                "fulfilment": {"type": "reserve_in_store", "location_id": b.stores["IST02"]},
            },
        )
        assert r.status_code == 409, r.text
        problem = r.json()
        assert problem["type"].endswith("/out-of-stock")
        assert problem["line_index"] in (0, 1)
        assert problem["alternatives"][0]["code"] == "ANK01"
        # Nothing half-written: no reservation, stock untouched.
        assert stock_of(world, skus[0], b.stores["ANK01"]) == (4, 0)
        assert stock_of(world, skus[1], b.stores["ANK01"]) == (4, 0)


def test_reserve_in_store_holds_there_and_cancel_releases(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST02"]: 2, b.warehouse: 10})
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
        order = r.json()
        assert order["lines"][0]["source_location_code"] == "IST02"
        assert stock_of(world, skus[0], b.stores["IST02"]) == (2, 2)
        with world.db.session() as s:
            held = (
                s.execute(select(Reservation).where(col(Reservation.order_id) == order["id"]))
                .scalars()
                .all()
            )
            assert [h.status for h in held] == ["held"] and held[0].expires_at is not None

        assert c.post(f"/v1/orders/{order['id']}/cancel").status_code == 403  # associates cannot
    with world.client("t-manager") as m:
        r = m.post(f"/v1/orders/{order['id']}/cancel", json={"reason": "customer changed mind"})
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "cancelled"
        assert [h["status"] for h in r.json()["history"]] == ["placed", "cancelled"]
        assert stock_of(world, skus[0], b.stores["IST02"]) == (2, 0)
        again = m.post(f"/v1/orders/{order['id']}/cancel")
        assert again.status_code == 409


def test_click_collect_prefers_the_pickup_store(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.stores["IST01"]: 1, b.warehouse: 10})
    with world.client() as c:
        r = c.post(
            "/v1/orders",
            json={
                "customer_id": b.consenting_customer,
                "lines": [{"sku": skus[0], "quantity": 1}],
                "fulfilment": {"type": "click_collect"},
            },
        )
        assert r.status_code == 201, r.text
        assert r.json()["pickup_location_id"] == b.stores["IST01"]
        assert r.json()["lines"][0]["source_location_code"] == "IST01"


def test_bad_order_bodies_are_refused_and_change_nothing(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 5})
    base = {
        "customer_id": b.consenting_customer,
        "fulfilment": {"type": "ship_to_home", "address": HOME},
    }
    stranger = factories.customer(world.db)  # no consent, never identified
    with world.client() as c, world.db.session() as s:
        before = s.execute(select(func.count()).select_from(ChangeLog)).scalar_one()
        cases = [
            ({**base, "lines": [{"sku": skus[0], "quantity": -1}]}, 422),
            ({**base, "lines": [{"sku": skus[0], "quantity": 0}]}, 422),
            ({**base, "lines": [{"sku": skus[0], "quantity": "two"}]}, 422),
            ({**base, "lines": []}, 422),
            ({**base, "lines": [{"sku": "NOPE-NOPE", "quantity": 1}]}, 422),
            (
                {
                    **base,
                    "lines": [{"sku": skus[0], "quantity": 1}, {"sku": skus[0], "quantity": 1}],
                },
                422,
            ),
            (
                {
                    **base,
                    "fulfilment": {"type": "ship_to_home"},
                    "lines": [{"sku": skus[0], "quantity": 1}],
                },
                422,
            ),
            (
                {
                    **base,
                    "fulfilment": {"type": "teleport"},
                    "lines": [{"sku": skus[0], "quantity": 1}],
                },
                422,
            ),
            ({**base, "customer_id": 99999999, "lines": [{"sku": skus[0], "quantity": 1}]}, 404),
            ({**base, "customer_id": stranger, "lines": [{"sku": skus[0], "quantity": 1}]}, 403),
            (
                {**base, "lines": [{"sku": skus[0], "quantity": 1, "source_location_id": 424242}]},
                422,
            ),
        ]
        for body, status in cases:
            r = c.post("/v1/orders", json=body)
            assert r.status_code == status, (body, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
        assert (
            c.post(
                "/v1/orders",
                content=b'{"customer_id": 1,',
                headers={"content-type": "application/json"},
            ).status_code
            == 400
        )
        after = s.execute(select(func.count()).select_from(ChangeLog)).scalar_one()
        assert after == before
        assert stock_of(world, skus[0], b.warehouse) == (5, 0)


def test_idempotency_key_replays_refuses_other_body(world: World) -> None:
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 10})
    body = {
        "customer_id": b.consenting_customer,
        "lines": [{"sku": skus[0], "quantity": 1}],
        "fulfilment": {"type": "ship_to_home", "address": HOME},
    }
    key = str(uuid.uuid4())
    with world.client() as c:
        first = c.post("/v1/orders", json=body, headers={"Idempotency-Key": key})
        assert first.status_code == 201
        again = c.post("/v1/orders", json=body, headers={"Idempotency-Key": key})
        assert again.status_code == 201
        assert again.json()["id"] == first.json()["id"]
        assert again.headers.get("idempotent-replayed") == "true"
        other = c.post(
            "/v1/orders",
            json={**body, "lines": [{"sku": skus[0], "quantity": 2}]},
            headers={"Idempotency-Key": key},
        )
        assert other.status_code == 422
        assert other.json()["type"].endswith("/idempotency-key-reused")
        assert stock_of(world, skus[0], b.warehouse) == (10, 1)
        assert (
            c.post(
                "/v1/orders", json=body, headers={"Idempotency-Key": "é".encode() * 3}
            ).status_code
            == 400
        )


def test_refusals_under_a_key_are_remembered_and_leave_nothing_written(world: World) -> None:
    """A refusal found while checking (no consent) and one found while writing (sold out: the
    order row was already inserted) are both the key's answer: a retry after the cause went
    away replays it, and neither left an order, a hold or a change behind. A new key is a new
    request."""
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 1})
    factories.set_on_hand(world.db, skus[1], b.warehouse, 0)
    stranger = factories.customer(world.db)
    body = {
        "customer_id": stranger,
        "lines": [{"sku": skus[0], "quantity": 1}],
        "fulfilment": {"type": "ship_to_home", "address": HOME},
    }
    sold_out = {
        **body,
        "customer_id": b.consenting_customer,
        "lines": [{"sku": skus[1], "quantity": 1}],
    }
    checking, writing = str(uuid.uuid4()), str(uuid.uuid4())
    with world.client() as c, world.db.session() as s:
        changes = select(func.count()).select_from(ChangeLog)
        before = s.execute(changes).scalar_one()
        first = c.post("/v1/orders", json=body, headers={"Idempotency-Key": checking})
        assert first.status_code == 403 and first.json()["type"].endswith("/consent-required")
        refused = c.post("/v1/orders", json=sold_out, headers={"Idempotency-Key": writing})
        assert refused.status_code == 409 and refused.json()["type"].endswith("/out-of-stock")
        assert s.execute(changes).scalar_one() == before
        assert stock_of(world, skus[0], b.warehouse) == (1, 0)

        # The causes go away: the customer consents, the item is restocked.
        with world.db.write() as w:
            w.execute(
                update(Customer)
                .where(col(Customer.id) == stranger)
                .values(consent_clienteling=True)
            )
        factories.set_on_hand(world.db, skus[1], b.warehouse, 5)
        again = c.post("/v1/orders", json=body, headers={"Idempotency-Key": checking})
        assert again.status_code == 403 and again.headers.get("idempotent-replayed") == "true"
        assert again.json() == first.json()
        replayed = c.post("/v1/orders", json=sold_out, headers={"Idempotency-Key": writing})
        assert replayed.status_code == 409 and replayed.json() == refused.json()
        assert stock_of(world, skus[0], b.warehouse) == (1, 0)
        assert stock_of(world, skus[1], b.warehouse) == (5, 0)

        fresh = c.post("/v1/orders", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
        assert fresh.status_code == 201, fresh.text
        assert stock_of(world, skus[0], b.warehouse) == (1, 1)


def test_an_order_takes_one_pooled_connection_on_postgresql_and_two_on_sqlite(
    world: World,
) -> None:
    """On PostgreSQL an order is checked inside its write transaction, on one connection (one
    session and one checkout fewer); on SQLite it is checked on a connection of its own, so the
    one writer is held only for the writes. Either way it is placed once under its key, and its
    replay answers the same."""
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 5})
    me = Principal(
        associate_id=b.associates["t-associate"],
        role="associate",
        store_id=b.stores["IST01"],
        device_id="test",
        session_id="test",
    )
    body = OrderCreate.model_validate(
        {
            "customer_id": b.consenting_customer,
            "lines": [{"sku": skus[0], "quantity": 1}],
            "fulfilment": {"type": "ship_to_home", "address": HOME},
        }
    )
    directory = LocationDirectory()

    def place(key: str) -> tuple[int, int]:
        """The answer's status, and how many connections the pool handed out for it."""
        checkouts: list[int] = []

        def counted(*_: object) -> None:
            checkouts.append(1)

        def prepare(read):  # type: ignore[no-untyped-def]
            write = placing.check_order(
                read, principal=me, body=body, directory=directory, ring=None,  # type: ignore[arg-type]
                hold_hours=48,
            )  # fmt: skip
            return lambda s: (201, write(s))

        event.listen(world.db.engine.pool, "checkout", counted)
        try:
            answer = store.run(
                world.db, key=key, scope="associate:test", method="POST", path="/v1/orders",
                body=body, prepare=prepare, stale_after=timedelta(seconds=30),
            )  # fmt: skip
        finally:
            event.remove(world.db.engine.pool, "checkout", counted)
        return answer.status_code, len(checkouts)

    key = str(uuid.uuid4())
    with world.db.read_session() as s:
        directory.all(s)  # read once, as the API does at its first request
    expected = 1 if world.kind == "postgres" else 2
    assert place(key) == (201, expected)
    assert place(key) == (201, expected)  # the replay: the same answer
    assert stock_of(world, skus[0], b.warehouse) == (5, 1)
