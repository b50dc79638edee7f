"""Orders from the brand's web shop and app (issue 14): POST /v1/brand/orders with the brand app's
key, credited to the store of the phone's last shelf scan within the attribution window, safe to
retry with its Idempotency-Key; and GET /v1/brand/customers/{id}/orders, the customer's orders
from every channel with their history. Real HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from app.qr import paylink, shelf
from app.server.db import utcnow
from app.server.loyalty.models import LoyaltyEntry
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.storefront.models import ShelfScan
from tests import factories
from tests.conftest import World
from tests.integration.test_orders import HOME, stock_of
from tests.server import HANG_S, ApiProcess, start_api

BRAND_KEY = "brand-app-key-for-order-tests"
PROBLEM = "application/problem+json"
RING = factories.TEST_RING


@pytest.fixture(scope="module")
def brand_api(world: World) -> Iterator[ApiProcess]:
    """The API with the brand app's credential set (the shared test API has none)."""
    api = start_api(
        world.database_url, log_dir=world.log_dir, extra_env={"REYON_BRAND_APP_KEY": BRAND_KEY}
    )
    try:
        yield api
    finally:
        api.stop()


@pytest.fixture
def brand(brand_api: ApiProcess) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=brand_api.url,
        headers={"Authorization": f"Bearer {BRAND_KEY}"},
        timeout=HANG_S,
    ) as client:
        yield client


@pytest.fixture
def product(world: World) -> tuple[int, list[str]]:
    b = world.base
    return factories.product(
        world.db, price_kurus=49_990, stock={b.warehouse: 20, b.stores["IST01"]: 5}
    )


def _body(customer: int, sku: str, **extra: object) -> dict:
    return {
        "customer_id": customer,
        "channel": "web",
        "lines": [{"sku": sku, "quantity": 1}],
        "fulfilment": {"type": "ship_to_home", "address": HOME},
        **extra,
    }


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _scans(world: World, product_id: int, *stores: str) -> str:
    """One phone opens a shelf label in each of `stores` in turn; its `reyon_v` cookie, which
    the brand's shop and app read (the pages and the shop share the brand's domain)."""
    with httpx.Client(base_url=world.url, timeout=HANG_S) as phone:
        for store in stores:
            r = phone.get(shelf.shelf_path(RING, shelf.ShelfRef(product_id, store)))
            assert r.status_code == 200, r.text
        return str(phone.cookies["reyon_v"])


def _orders_of(world: World, customer: int) -> int:
    with world.db.session() as s:
        return int(
            s.execute(
                select(func.count()).select_from(Order).where(col(Order.customer_id) == customer)
            ).scalar_one()
        )


def test_only_the_brand_apps_key_places_or_reads_orders(
    world: World, brand_api: ApiProcess, product: tuple[int, list[str]]
) -> None:
    customer = factories.customer(world.db)
    body = _body(customer, product[1][0])
    history = f"/v1/brand/customers/{customer}/orders"
    tablet = {"Authorization": f"Bearer {world.token('t-manager')}"}
    for url in (brand_api.url, world.url):  # the shared API has no key set: it refuses all
        for headers in ({}, {"Authorization": "Bearer not-the-key"}, tablet):
            with httpx.Client(base_url=url, headers=headers, timeout=HANG_S) as c:
                for r in (c.post("/v1/brand/orders", json=body, headers=_key()), c.get(history)):
                    assert r.status_code == 401, (url, headers, r.text)
                    assert r.headers["content-type"].startswith(PROBLEM)
    with httpx.Client(
        base_url=world.url, headers={"Authorization": f"Bearer {BRAND_KEY}"}, timeout=HANG_S
    ) as c:
        assert c.post("/v1/brand/orders", json=body).status_code == 401
    assert _orders_of(world, customer) == 0


def test_a_web_order_is_credited_to_the_store_of_the_phones_last_shelf_scan(
    world: World, brand: httpx.Client, product: tuple[int, list[str]]
) -> None:
    b = world.base
    product_id, skus = product
    customer = factories.customer(world.db, consent=True)
    phone = _scans(world, product_id, "ANK01", "IST02")
    r = brand.post(
        "/v1/brand/orders", json=_body(customer, skus[0], visitor_ref=phone), headers=_key()
    )
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["channel"] == "web" and order["number"].startswith("W-")
    assert order["store_location_id"] == b.stores["IST02"]  # last touch wins
    assert order["associate_id"] is None
    assert order["status"] == "placed" and [h["status"] for h in order["history"]] == ["placed"]
    assert order["lines"][0]["source_location_code"] == "WEB"
    assert stock_of(world, skus[0], b.warehouse) == (20, 1)
    # Its points wait for the payment, like any order's.
    with world.db.session() as s:
        kinds = s.execute(
            select(col(LoyaltyEntry.kind), col(LoyaltyEntry.points)).where(
                col(LoyaltyEntry.order_id) == order["id"]
            )
        ).all()
    assert [(k, p) for k, p in kinds] == [("pending", 49)]
    # The store sees it in the customer's single view, from the web.
    with world.client() as c:
        view = c.get(f"/v1/customers/{customer}").json()
    assert view["profile"]["pending_points"] == 49
    assert [(o["number"], o["channel"], o["store_location_code"]) for o in view["orders"]] == [
        (order["number"], "web", "IST02")
    ]

    # From the app, picked up in a store: the pickup store named, credited to the scan's store.
    r = brand.post(
        "/v1/brand/orders",
        json=_body(
            customer,
            skus[1],
            channel="app",
            visitor_ref=phone,
            fulfilment={"type": "click_collect", "location_id": b.stores["IST01"]},
        ),
        headers=_key(),
    )
    assert r.status_code == 201, r.text
    app_order = r.json()
    assert app_order["channel"] == "app" and app_order["number"].startswith("A-")
    assert app_order["pickup_location_id"] == b.stores["IST01"]
    assert app_order["store_location_id"] == b.stores["IST02"]
    assert app_order["lines"][0]["source_location_code"] == "IST01"  # on the pickup shelf


def test_a_scan_outside_the_window_or_of_another_phone_credits_no_store(
    world: World, brand: httpx.Client, product: tuple[int, list[str]]
) -> None:
    b = world.base
    product_id, skus = product
    customer = factories.customer(world.db)
    now = utcnow()
    old_phone, recent_phone = uuid.uuid4().hex, uuid.uuid4().hex
    with world.db.write() as s:
        for phone, store, days in (
            (old_phone, "IST01", 8),  # the window is 7 days
            (recent_phone, "ANK01", 10),
            (recent_phone, "IZM01", 6),
        ):
            s.add(
                ShelfScan(
                    product_id=product_id,
                    location_id=b.stores[store],
                    visitor_ref=phone,
                    scanned_at=now - timedelta(days=days),
                )
            )
    credited = {}
    for name, ref in (
        ("old", old_phone),
        ("recent", recent_phone),
        ("unknown", uuid.uuid4().hex),
        ("none", None),
    ):
        extra = {"visitor_ref": ref} if ref else {}
        r = brand.post("/v1/brand/orders", json=_body(customer, skus[0], **extra), headers=_key())
        assert r.status_code == 201, (name, r.text)
        credited[name] = r.json()["store_location_id"]
    assert credited == {"old": None, "recent": b.stores["IZM01"], "unknown": None, "none": None}


def test_a_retry_with_the_same_key_gets_the_same_order(
    world: World, brand: httpx.Client, product: tuple[int, list[str]]
) -> None:
    b = world.base
    _, skus = product
    customer = factories.customer(world.db)
    body = _body(customer, skus[2])
    key = _key()
    first = brand.post("/v1/brand/orders", json=body, headers=key)
    again = brand.post("/v1/brand/orders", json=body, headers=key)
    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert _orders_of(world, customer) == 1
    assert stock_of(world, skus[2], b.warehouse) == (20, 1)  # held once
    other = brand.post("/v1/brand/orders", json={**body, "channel": "app"}, headers=key)
    assert other.status_code == 422 and other.json()["type"].endswith("/idempotency-key-reused")
    # The brand app's keys and an associate's live apart: the same key on a tablet is its own.
    with world.client() as c:
        endless = {k: v for k, v in body.items() if k != "channel"}
        customer_ok = {**endless, "customer_id": b.consenting_customer}
        r = c.post("/v1/orders", json=customer_ok, headers=key)
    assert r.status_code == 201 and r.json()["id"] != first.json()["id"]


def test_refused_orders_are_problem_details_and_write_nothing(
    world: World, brand: httpx.Client, product: tuple[int, list[str]]
) -> None:
    b = world.base
    _, skus = product
    customer = factories.customer(world.db)
    good = _body(customer, skus[0])
    refused = {
        "store channel": ({**good, "channel": "store"}, 422, "validation"),
        "endless aisle": ({**good, "channel": "endless_aisle"}, 422, "validation"),
        "no channel": ({k: v for k, v in good.items() if k != "channel"}, 422, "validation"),
        "bad phone ref": ({**good, "visitor_ref": "x; drop"}, 422, "validation"),
        "extra field": ({**good, "associate_id": 1}, 422, "validation"),
        "unknown sku": (
            {**good, "lines": [{"sku": "NO-SUCH-SKU", "quantity": 1}]},
            422,
            "unknown-sku",
        ),
        "no such customer": ({**good, "customer_id": 2_000_000_000}, 404, "not-found"),
        "no pickup store": (
            {**good, "fulfilment": {"type": "click_collect"}},
            422,
            "not-a-store",
        ),
        "pickup at the warehouse": (
            {**good, "fulfilment": {"type": "click_collect", "location_id": b.warehouse}},
            422,
            "not-a-store",
        ),
        "out of stock": (
            {**good, "lines": [{"sku": skus[0], "quantity": 99}]},
            409,
            "out-of-stock",
        ),
    }
    for name, (body, status, kind) in refused.items():
        r = brand.post("/v1/brand/orders", json=body, headers=_key())
        assert r.status_code == status, (name, r.status_code, r.text)
        assert r.headers["content-type"].startswith(PROBLEM), name
        problem = r.json()
        assert problem["type"].endswith(f"/{kind}") and problem["status"] == status, (name, problem)
    malformed = brand.post(
        "/v1/brand/orders", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400
    assert malformed.headers["content-type"].startswith(PROBLEM)
    assert _orders_of(world, customer) == 0
    assert stock_of(world, skus[0], b.warehouse) == (20, 0)


def test_the_order_history_lists_every_channel_newest_first_with_status_and_history(
    world: World, brand: httpx.Client, brand_api: ApiProcess, product: tuple[int, list[str]]
) -> None:
    b = world.base
    _, skus = product
    customer = factories.customer(world.db, consent=True)
    _till_sale(world, customer, skus[0], days_ago=2)  # a sale at a store's till, before Reyon's
    web = brand.post("/v1/brand/orders", json=_body(customer, skus[0]), headers=_key()).json()
    app = brand.post(
        "/v1/brand/orders",
        json=_body(
            customer,
            skus[1],
            channel="app",
            fulfilment={"type": "reserve_in_store", "location_id": b.stores["IST01"]},
        ),
        headers=_key(),
    ).json()
    with world.client() as c:
        r = c.post(
            "/v1/orders",
            json={
                "customer_id": customer,
                "lines": [{"sku": skus[2], "quantity": 1}],
                "fulfilment": {"type": "ship_to_home", "address": HOME},
            },
            headers=_key(),
        )
        assert r.status_code == 201, r.text
        endless = r.json()
    path = "/pay/" + paylink.make_pay_token(RING, web["id"])
    with httpx.Client(base_url=world.url, timeout=HANG_S) as phone:
        assert "result=paid" in phone.post(path).headers["location"]

    r = brand.get(f"/v1/brand/customers/{customer}/orders")
    assert r.status_code == 200, r.text
    orders = r.json()
    assert [(o["channel"], o["status"]) for o in orders] == [
        ("endless_aisle", "placed"),
        ("app", "placed"),
        ("web", "paid"),
        ("store", "collected"),
    ]
    by_channel = {o["channel"]: o for o in orders}
    assert [h["status"] for h in by_channel["web"]["history"]] == ["placed", "paid"]
    assert [h["status"] for h in by_channel["store"]["history"]] == ["placed", "paid", "collected"]
    assert by_channel["app"]["lines"][0]["held_until"] is not None  # held on the shelf until
    assert by_channel["endless_aisle"]["id"] == endless["id"]
    # Each as the order's own answer says it (the same contract, OrderOut), now.
    with world.client() as c:
        for o in orders[:3]:
            assert c.get(f"/v1/orders/{o['id']}").json() == o
    assert app["id"] == by_channel["app"]["id"]

    newest_two = brand.get(f"/v1/brand/customers/{customer}/orders", params={"limit": 2}).json()
    assert [o["id"] for o in newest_two] == [o["id"] for o in orders[:2]]
    assert brand.get("/v1/brand/customers/2000000000/orders").status_code == 404
    assert brand.get(f"/v1/brand/customers/{customer}/orders?limit=0").status_code == 422
    nobody = factories.customer(world.db)
    assert brand.get(f"/v1/brand/customers/{nobody}/orders").json() == []


def _till_sale(world: World, customer: int, sku: str, *, days_ago: int) -> None:
    """A store sale as an imported till would record it: placed, paid, collected at once."""
    from app.server.catalog.models import Variant

    at = utcnow() - timedelta(days=days_ago)
    store = world.base.stores["IST01"]
    with world.db.write() as s:
        variant = s.execute(select(Variant).where(col(Variant.sku) == sku)).scalar_one()
        order = Order(
            number=f"S-IST01-{uuid.uuid4().hex[:8]}",
            customer_id=customer,
            channel="store",  # type: ignore[arg-type]
            status="collected",  # type: ignore[arg-type]
            fulfilment_type="reserve_in_store",  # type: ignore[arg-type]
            pickup_location_id=store,
            store_location_id=store,
            subtotal_kurus=variant.price_kurus,
            total_kurus=variant.price_kurus,
            kdv_kurus=0,
            placed_at=at,
            updated_at=at,
        )
        s.add(order)
        s.flush()
        s.add(
            OrderLine(
                order_id=order.id,  # type: ignore[arg-type]
                variant_id=variant.id,
                sku=sku,
                quantity=1,
                unit_price_kurus=variant.price_kurus,
                kdv_rate=10,
                line_total_kurus=variant.price_kurus,
                source_location_id=store,
            )
        )
        for i, status in enumerate(("placed", "paid", "collected")):
            s.add(
                OrderStatusEvent(
                    order_id=order.id,  # type: ignore[arg-type]
                    status=status,  # type: ignore[arg-type]
                    at=at + timedelta(minutes=i),
                )
            )
