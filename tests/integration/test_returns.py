"""Returns from any channel in any store (issue 14, scene 12): finding the order by its number,
its QR code or its customer; lines back within what was bought; the refund to the original
payment or as store credit, a coupon's discount and the points reversed in proportion; stock back
on this store's shelf or in its damaged bin; every refusal; and a line refunded once however many
tablets race. Real HTTP, SQLite and PostgreSQL."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from app.contracts.returns import ReturnCreate
from app.qr.paylink import make_pay_token
from app.qr.pickup import make_pickup_code
from app.server.catalog.models import Variant
from app.server.customers.models import Customer
from app.server.db import utcnow
from app.server.inventory.models import StockLevel
from app.server.loyalty import service as loyalty
from app.server.loyalty.models import LoyaltyEntry
from app.server.orders.models import Order, OrderLine, OrderStatusEvent
from app.server.returns.models import OrderReturn, ReturnLine, StoreCredit
from app.tablet.client import ReyonClient
from app.tablet.problem import ApiProblem
from tests import factories
from tests.conftest import World
from tests.integration.test_click_and_collect import _hand_over, _pick_all, _ready
from tests.integration.test_concurrency import race
from tests.integration.test_orders import HOME
from tests.server import HANG_S, ApiProcess, start_api

PROBLEM = "https://reyon.dev/problems/"
PRICE = 49_990
START = 5_000  # the customer's points before these orders
BRAND_KEY = "brand-app-key-for-return-tests"


def _key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def _kind(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM)


def _customer_with_points(world: World) -> int:
    """A consenting classic customer (10 points per 100 TL paid) with START points."""
    customer_id = factories.customer(world.db, consent=True)
    with world.db.write() as s:
        s.add(LoyaltyEntry(customer_id=customer_id, kind="adjust", points=START, channel="app"))
        s.execute(update(Customer).where(col(Customer.id) == customer_id).values(points=START))
    return customer_id


def _product(world: World) -> list[str]:
    b = world.base
    return factories.product(
        world.db, price_kurus=PRICE, stock={b.stores["IST01"]: 20, b.warehouse: 20}
    )[1]


@pytest.fixture
def customer(world: World) -> int:
    return _customer_with_points(world)


@pytest.fixture
def skus(world: World) -> list[str]:
    return _product(world)


def _place(c: httpx.Client, customer: int, lines: dict[str, int], **extra: Any) -> dict[str, Any]:
    body = {
        "customer_id": customer,
        "lines": [{"sku": sku, "quantity": q} for sku, q in lines.items()],
        "fulfilment": {"type": "click_collect"},
        **extra,
    }
    r = c.post("/v1/orders", json=body, headers=_key())
    assert r.status_code == 201, r.text
    return dict(r.json())


def _pay(world: World, order_id: int) -> None:
    with httpx.Client(base_url=world.url, timeout=HANG_S) as phone:
        r = phone.post("/pay/" + make_pay_token(factories.TEST_RING, order_id))
    assert r.status_code == 303 and "result=paid" in r.headers["location"], r.text


def _collected(
    world: World, customer: int, lines: dict[str, int], *, pay: bool = True, **extra: Any
) -> dict[str, Any]:
    """An order placed at IST01 for click & collect (reserve in store when unpaid: paid at the
    till), paid through the pay link, picked, made ready and handed over: collected."""
    with world.client() as c:
        if not pay:
            extra["fulfilment"] = {"type": "reserve_in_store"}
        order = _place(c, customer, lines, **extra)
        if pay:
            _pay(world, order["id"])
        _pick_all(world, c, order)
        assert _ready(c, order["id"]).status_code == 200
        code = make_pickup_code(factories.TEST_RING, order["id"])
        r = _hand_over(c, order["id"], code)
        assert r.status_code == 200 and r.json()["complete"], r.text
    return order


def _return(
    c: httpx.Client,
    order_id: int,
    lines: list[tuple[int, int, str]],
    method: str = "original_payment",
    key: dict[str, str] | None = None,
) -> httpx.Response:
    body = {
        "lines": [
            {"order_line_id": i, "quantity": q, "reason": "wrong_size", "condition": cond}
            for i, q, cond in lines
        ],
        "refund_method": method,
    }
    return c.post(f"/v1/orders/{order_id}/returns", json=body, headers=key or _key())


def _stock(world: World, sku: str, store: int) -> tuple[int, int, int]:
    """(on hand, reserved, damaged) of the SKU at the store; zeros where it has no row."""
    with world.db.session() as s:
        vid = s.execute(select(Variant.id).where(col(Variant.sku) == sku)).scalar_one()
        row = s.get(StockLevel, (vid, store))
        return (row.on_hand, row.reserved, row.damaged) if row else (0, 0, 0)


def _points(world: World, customer: int) -> int:
    with world.db.session() as s:
        return int(s.execute(select(Customer.points).where(col(Customer.id) == customer)).one()[0])


# --- the whole order back, in two visits ------------------------------------------------------


def test_a_collected_order_comes_back_in_parts_with_money_points_and_stock(
    world: World, customer: int, skus: list[str]
) -> None:
    ist01 = world.base.stores["IST01"]
    coupon = factories.coupon(world.db, kind="percent", value=1000)  # 10 % off
    order = _collected(world, customer, {skus[0]: 2, skus[1]: 1}, coupon=coupon)
    assert order["discount_kurus"] > 0
    line = {ln["sku"]: ln for ln in order["lines"]}
    shirt, other = line[skus[0]], line[skus[1]]
    earned = order["total_kurus"] // 1000  # classic: 1 point per 10 TL paid
    assert _points(world, customer) == START + earned
    before = {sku: _stock(world, sku, ist01) for sku in skus[:2]}

    with world.client() as c:
        found = c.get("/v1/returns/lookup", params={"code": order["number"].lower()})
        assert found.status_code == 200, found.text
        [seen] = found.json()["orders"]
        assert seen["order_id"] == order["id"] and seen["refusal"] is None
        assert seen["refund_methods"] == ["original_payment", "store_credit"]
        assert date.fromisoformat(seen["last_day"]) >= date.today() + timedelta(days=29)
        seen_lines = {ln["sku"]: ln for ln in seen["lines"]}
        assert seen_lines[skus[0]]["returnable"] == 2 and seen_lines[skus[0]]["size"] == "S"
        # The refund is what was paid after the coupon, not the shelf price.
        assert seen_lines[skus[0]]["next_unit_refund_kurus"] == shirt["line_total_kurus"] // 2
        by_qr = c.get(
            "/v1/returns/lookup",
            params={"code": make_pickup_code(factories.TEST_RING, order["id"])},
        )
        assert by_qr.status_code == 200 and by_qr.json() == found.json()
        stale = make_pickup_code(factories.TEST_RING, order["id"], now=time.time() - 40 * 86400)
        assert c.get("/v1/returns/lookup", params={"code": stale}).json() == found.json()
        by_customer = c.get("/v1/returns/lookup", params={"customer_id": customer}).json()
        assert [o["order_id"] for o in by_customer["orders"]] == [order["id"]]

        # One shirt sellable, the other item damaged.
        key = _key()
        lines = [(shirt["id"], 1, "sellable"), (other["id"], 1, "damaged")]
        first = _return(c, order["id"], lines, key=key)
        assert first.status_code == 201, first.text
        ret = first.json()
        refund = shirt["line_total_kurus"] // 2 + other["line_total_kurus"]
        assert ret["refund_kurus"] == refund and ret["refund_method"] == "original_payment"
        assert ret["refund_reference"].startswith("test_refund_")
        assert ret["location_code"] == "IST01" and not ret["order_fully_returned"]
        assert ret["points_reversed"] == earned * refund // order["total_kurus"]
        assert {(x["sku"], x["stock"]) for x in ret["lines"]} == {
            (skus[0], "on_hand"),
            (skus[1], "damaged"),
        }
        # Sellable: on hand here again; damaged: in the bin, never available.
        assert _stock(world, skus[0], ist01) == (before[skus[0]][0] + 1, *before[skus[0]][1:])
        on_hand, reserved, damaged = before[skus[1]]
        assert _stock(world, skus[1], ist01) == (on_hand, reserved, damaged + 1)
        assert _points(world, customer) == START + earned - ret["points_reversed"]
        # Queued offline and sent again: the first answer, no second refund.
        again = _return(c, order["id"], lines, key=key)
        assert again.json() == ret and again.headers["Idempotent-Replayed"] == "true"

        rest = _return(c, order["id"], [(shirt["id"], 1, "sellable")])
        assert rest.status_code == 201, rest.text
        assert rest.json()["order_fully_returned"]
        assert ret["refund_kurus"] + rest.json()["refund_kurus"] == order["total_kurus"]
        twice = _return(c, order["id"], [(shirt["id"], 1, "sellable")])
        assert twice.status_code == 409 and _kind(twice) == "return-already-returned"
        assert twice.json()["sku"] == skus[0]
        listed = c.get(f"/v1/orders/{order['id']}/returns").json()["returns"]
        assert [x["id"] for x in listed] == [ret["id"], rest.json()["id"]]
        assert listed[0]["lines"] == ret["lines"] and listed[0]["order_fully_returned"]
        closed = c.get("/v1/returns/lookup", params={"code": order["number"]}).json()
        assert closed["orders"][0]["refusal"] == "return-already-returned"
        history = c.get(f"/v1/orders/{order['id']}").json()["history"]
        assert [h["note"] for h in history].count(
            f"returned in full (return {rest.json()['id']})"
        ) == 1
    # Every point the order earned went back, and the ledger says so.
    assert _points(world, customer) == START
    assert _stock(world, skus[0], ist01)[0] == before[skus[0]][0] + 2
    with world.db.session() as s:
        returns = s.execute(select(OrderReturn).where(col(OrderReturn.order_id) == order["id"]))
        assert [(x.refund_provider, x.refund_kurus) for x in returns.scalars()] == [
            ("test", refund),
            ("test", order["total_kurus"] - refund),
        ]
        reversed_ = s.execute(
            select(func.sum(LoyaltyEntry.points)).where(
                col(LoyaltyEntry.order_id) == order["id"], col(LoyaltyEntry.kind) == "reversal"
            )
        ).scalar_one()
        assert reversed_ == -earned


# --- any channel, any store, store credit ----------------------------------------------------


@pytest.fixture(scope="module")
def brand_api(world: World) -> Iterator[ApiProcess]:
    """The API with the brand app's credential set, for orders from the web shop."""
    api = start_api(
        world.database_url, log_dir=world.log_dir, extra_env={"REYON_BRAND_APP_KEY": BRAND_KEY}
    )
    try:
        yield api
    finally:
        api.stop()


def test_a_delivered_web_order_comes_back_as_store_credit_in_another_city(
    world: World, brand_api: ApiProcess, customer: int, skus: list[str]
) -> None:
    """Ordered in the web shop, sent home from the warehouse, delivered, brought to a store in
    Ankara that never stocked it: the stock row is made there, the money becomes credit. The
    tablet's own client all the way."""
    ank01 = world.base.stores["ANK01"]
    with httpx.Client(
        base_url=brand_api.url, headers={"Authorization": f"Bearer {BRAND_KEY}"}, timeout=HANG_S
    ) as shop:
        placed = shop.post(
            "/v1/brand/orders",
            json={
                "customer_id": customer,
                "channel": "web",
                "lines": [{"sku": skus[2], "quantity": 1}],
                "fulfilment": {"type": "ship_to_home", "address": HOME},
            },
            headers=_key(),
        )
    assert placed.status_code == 201, placed.text
    order = placed.json()
    assert order["channel"] == "web" and order["store_location_id"] is None
    _pay(world, order["id"])
    with world.db.write() as s:  # the carrier's delivery, which has no endpoint of its own
        s.execute(update(Order).where(col(Order.id) == order["id"]).values(status="delivered"))
        s.add(OrderStatusEvent(order_id=order["id"], status="delivered", note="carrier"))
        loyalty.order_reached(s, order_id=order["id"], status="delivered")
    assert _stock(world, skus[2], ank01) == (0, 0, 0)
    tablet = ReyonClient(world.url, timeout=HANG_S)
    tablet.token = world.token("t-ank-associate")
    try:
        [found] = tablet.find_return(customer_id=customer).orders
        assert (found.order_id, found.channel, found.refusal) == (order["id"], "web", None)
        body = ReturnCreate.model_validate(
            {
                "lines": [
                    {"order_line_id": found.lines[0].order_line_id, "quantity": 1,
                     "reason": "not_as_pictured"}
                ],
                "refund_method": "store_credit",
            }
        )  # fmt: skip
        ret = tablet.take_return(order["id"], body, key=str(uuid.uuid4()))
        assert ret.refund_kurus == order["total_kurus"] and ret.location_code == "ANK01"
        assert ret.refund_reference.startswith("credit-") and ret.order_fully_returned
        assert tablet.order_returns(order["id"]).returns == [ret]
        with pytest.raises(ApiProblem) as refused:
            tablet.take_return(order["id"], body, key=str(uuid.uuid4()))
        assert refused.value.kind == "return-already-returned"
    finally:
        tablet.close()
    assert _stock(world, skus[2], ank01) == (1, 0, 0)
    assert _points(world, customer) == START  # what the web order earned went back
    with world.db.session() as s:
        credit = s.execute(
            select(StoreCredit).where(col(StoreCredit.return_id) == ret.id)
        ).scalar_one()
    assert (credit.customer_id, credit.amount_kurus, credit.location_id) == (
        customer,
        order["total_kurus"],
        ank01,
    )


# --- refusals -----------------------------------------------------------------------------------


def test_returns_are_refused_in_words_and_leave_nothing_written(
    world: World, customer: int, skus: list[str]
) -> None:
    order = _collected(world, customer, {skus[0]: 2})
    line_id = order["lines"][0]["id"]
    with world.client() as c:
        unknown = _return(c, 999_999_999, [(line_id, 1, "sellable")])
        assert unknown.status_code == 404 and _kind(unknown) == "not-found"
        assert c.get("/v1/returns/lookup", params={"code": "W-NOSUCH1"}).status_code == 404
        too_many = _return(c, order["id"], [(line_id, 3, "sellable")])
        assert too_many.status_code == 409 and _kind(too_many) == "return-too-many"
        assert too_many.json()["returnable"] == 2
        open_order = _place(c, customer, {skus[1]: 1})
        stray = _return(c, order["id"], [(open_order["lines"][0]["id"], 1, "sellable")])
        assert stray.status_code == 422 and _kind(stray) == "return-unknown-line"
        doubled = c.post(
            f"/v1/orders/{order['id']}/returns",
            json={"lines": [{"order_line_id": line_id, "quantity": 1, "reason": "other"}] * 2},
            headers=_key(),
        )
        assert doubled.status_code == 422 and _kind(doubled) == "validation"
        # Not yet in the customer's hands: placed, then paid.
        for step in ("placed", "paid"):
            if step == "paid":
                _pay(world, open_order["id"])
            early = _return(c, open_order["id"], [(open_order["lines"][0]["id"], 1, "sellable")])
            assert early.status_code == 409 and _kind(early) == "return-not-received"
            assert early.json()["status_now"] == step
        # Lookups that name nothing or the wrong kind of code.
        assert _kind(c.get("/v1/returns/lookup")) == "return-lookup-empty"
        identity = factories.identity_code(world.db, customer)
        wrong = c.get("/v1/returns/lookup", params={"code": identity})
        assert wrong.status_code == 422 and _kind(wrong) == "return-code-invalid"
        forged = make_pickup_code(factories.TEST_RING, order["id"])[:-4] + "AAAA"
        assert _kind(c.get("/v1/returns/lookup", params={"code": forged})) == "return-code-invalid"
        # Outside the window: collected 40 days ago.
        with world.db.write() as s:
            s.execute(
                update(OrderStatusEvent)
                .where(col(OrderStatusEvent.order_id) == order["id"])
                .values(at=utcnow() - timedelta(days=40))
            )
        late = _return(c, order["id"], [(line_id, 1, "sellable")])
        assert late.status_code == 409 and _kind(late) == "return-window-closed"
        found = c.get("/v1/returns/lookup", params={"code": order["number"]}).json()
        assert found["orders"][0]["refusal"] == "return-window-closed"
    with world.db.session() as s:
        assert (
            s.execute(
                select(func.count())
                .select_from(OrderReturn)
                .where(col(OrderReturn.order_id).in_([order["id"], open_order["id"]]))
            ).scalar_one()
            == 0
        )
        assert s.get(OrderLine, line_id).returned == 0  # type: ignore[union-attr]


def test_another_store_needs_the_customers_consent_or_code_and_a_payment_to_refund(
    world: World, skus: list[str]
) -> None:
    """A private customer's order from IST01, paid at the till: Ankara cannot see it until the
    customer shows their app's QR code there; with no payment on record, only store credit."""
    private = factories.customer(world.db, consent=False)
    with world.client() as c:  # the customer shows their code at IST01 to order
        assert c.post(
            "/v1/scan", json={"payload": factories.identity_code(world.db, private)}
        ).json()["valid"]
    order = _collected(world, private, {skus[0]: 1}, pay=False)
    line = [(order["lines"][0]["id"], 1, "sellable")]
    with world.client("t-ank-associate") as ank:
        hidden = _return(ank, order["id"], line)
        assert hidden.status_code == 404 and _kind(hidden) == "not-found"
        assert ank.get("/v1/returns/lookup", params={"code": order["number"]}).status_code == 404
        refused = ank.get("/v1/returns/lookup", params={"customer_id": private})
        assert refused.status_code == 403 and _kind(refused) == "consent-required"
        shown = ank.post("/v1/scan", json={"payload": factories.identity_code(world.db, private)})
        assert shown.json()["valid"], shown.text
        mine = ank.get("/v1/returns/lookup", params={"customer_id": private}).json()["orders"]
        assert [(o["order_id"], o["refund_methods"]) for o in mine] == [
            (order["id"], ["store_credit"])
        ]
        unpaid = _return(ank, order["id"], line)
        assert unpaid.status_code == 409 and _kind(unpaid) == "return-no-payment"
        credit = _return(ank, order["id"], line, "store_credit")
        assert credit.status_code == 201, credit.text
        assert credit.json()["order_fully_returned"]


# --- racing tablets -----------------------------------------------------------------------------


def _race_one_line(world: World, urls: list[str]) -> None:
    """Twelve tablets take a two-unit line back at the same moment, each with its own key, half
    of them one unit, half both: whatever wins, exactly two units come back, once, and money,
    stock and points move for those two only."""
    ist01 = world.base.stores["IST01"]
    customer, skus = _customer_with_points(world), _product(world)
    order = _collected(world, customer, {skus[0]: 2})
    line = order["lines"][0]
    before = _stock(world, skus[0], ist01)
    token = world.token("t-associate")
    tablets = [
        httpx.Client(
            base_url=urls[i % len(urls)],
            timeout=HANG_S,
            headers={"Authorization": f"Bearer {token}"},
        )
        for i in range(12)
    ]
    try:
        results = race(
            12,
            lambda i: _return(tablets[i], order["id"], [(line["id"], 1 + i % 2, "sellable")]),
        )
    finally:
        for t in tablets:
            t.close()
    taken = [r.json() for r in results if r.status_code == 201]
    refused = [r for r in results if r.status_code != 201]
    assert 1 <= len(taken) <= 2 and all(r.status_code == 409 for r in refused), [
        r.text for r in refused if r.status_code != 409
    ]
    assert {_kind(r) for r in refused} <= {"return-already-returned", "return-too-many"}
    assert sum(x["lines"][0]["quantity"] for x in taken) == 2
    assert sum(x["refund_kurus"] for x in taken) == line["line_total_kurus"]
    assert _stock(world, skus[0], ist01) == (before[0] + 2, *before[1:])
    assert _points(world, customer) == START  # the order's points went back once, in full
    with world.db.session() as s:
        units = s.execute(
            select(func.sum(ReturnLine.quantity)).where(col(ReturnLine.order_line_id) == line["id"])
        ).scalar_one()
        refunded = s.execute(
            select(func.sum(OrderReturn.refund_kurus)).where(
                col(OrderReturn.order_id) == order["id"]
            )
        ).scalar_one()
        assert units == 2 and s.get(OrderLine, line["id"]).returned == 2  # type: ignore[union-attr]
        assert refunded == order["total_kurus"]


def test_racing_tablets_refund_a_line_once(world: World) -> None:
    _race_one_line(world, [world.url])


@pytest.mark.postgres
def test_two_api_processes_refund_a_line_once(pg_world: World) -> None:
    second = start_api(pg_world.database_url, log_dir=pg_world.log_dir)
    try:
        _race_one_line(pg_world, [pg_world.url, second.url])
    finally:
        second.stop()


def test_the_database_refuses_a_line_returned_past_what_was_bought(
    world: World, customer: int, skus: list[str]
) -> None:
    """The last word is the database's, whatever a code path forgets."""
    order = _collected(world, customer, {skus[1]: 1})
    line = order["lines"][0]
    with world.db.session() as s:
        variant = s.get(OrderLine, line["id"]).variant_id  # type: ignore[union-attr]
    with pytest.raises(IntegrityError, match="ck_orderline_returned"), world.db.write() as s:
        s.execute(update(OrderLine).where(col(OrderLine.id) == line["id"]).values(returned=2))
    with pytest.raises(IntegrityError, match="ck_stock_damaged"), world.db.write() as s:
        s.execute(
            update(StockLevel)
            .where(
                col(StockLevel.variant_id) == variant,
                col(StockLevel.location_id) == world.base.stores["IST01"],
            )
            .values(damaged=-1)
        )
