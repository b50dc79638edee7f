"""Points follow money, not intentions (issue 14): a placed order's points are pending, earned when
the order is paid (or collected, per the retailer's rule), dropped or taken back when it is
cancelled, each exactly once however many payments, cancellations or processes race. Real HTTP
and real databases, SQLite and PostgreSQL."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from app.domain.loyalty import SPENDABLE, EarnAt
from app.qr import paylink
from app.server.customers.models import Customer
from app.server.db import utcnow
from app.server.inventory.models import Reservation
from app.server.loyalty import service as loyalty
from app.server.loyalty.models import LoyaltyEntry
from app.server.orders.models import Order
from app.server.orders.service import expire_holds
from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import race
from tests.integration.test_orders import HOME
from tests.server import HANG_S, ApiProcess, start_api

RING = factories.TEST_RING
PRICE = 49_990  # 499,90 TL: a classic customer earns 1 point per 10 TL, 49 points a unit
START = 7_224  # customer 1's balance in the issue, before three unpaid orders


@pytest.fixture
def customer(world: World) -> int:
    """A consenting classic customer with START points on their ledger (a welcome adjustment)."""
    customer_id = factories.customer(world.db, consent=True)
    with world.db.write() as s:
        s.add(
            LoyaltyEntry(
                customer_id=customer_id, kind="adjust", points=START, channel="app", note="welcome"
            )
        )
        s.execute(update(Customer).where(col(Customer.id) == customer_id).values(points=START))
    return customer_id


@pytest.fixture
def sku(world: World) -> str:
    b = world.base
    _, skus = factories.product(
        world.db, price_kurus=PRICE, stock={b.warehouse: 50, b.stores["IST01"]: 10}
    )
    return skus[0]


def _place(
    world: World, customer: int, sku: str, quantity: int, fulfilment: dict | None = None
) -> dict:
    with world.client() as c:
        r = c.post(
            "/v1/orders",
            json={
                "customer_id": customer,
                "lines": [{"sku": sku, "quantity": quantity}],
                "fulfilment": fulfilment or {"type": "ship_to_home", "address": HOME},
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _pay_response(url: str, order_id: int) -> httpx.Response:
    path = "/pay/" + paylink.make_pay_token(RING, order_id)
    with httpx.Client(base_url=url, timeout=HANG_S) as phone:
        return phone.post(path)


def _outcome(r: httpx.Response) -> str:
    assert r.status_code == 303, r.text
    found = re.search(r"result=(\w+)", r.headers["location"])
    assert found is not None
    return found[1]


def _pay(url: str, order_id: int) -> str:
    """Pay from the customer's phone through the pay link; the outcome the page redirects to."""
    return _outcome(_pay_response(url, order_id))


def _balance(world: World, customer: int) -> tuple[int, int]:
    """(spendable, pending) as the single customer view shows them."""
    with world.client() as c:
        profile = c.get(f"/v1/customers/{customer}").json()["profile"]
    return profile["points"], profile["pending_points"]


def _ledger(world: World, order_id: int) -> list[tuple[str, int]]:
    with world.db.session() as s:
        rows = s.execute(
            select(col(LoyaltyEntry.kind), col(LoyaltyEntry.points))
            .where(col(LoyaltyEntry.order_id) == order_id)
            .order_by(col(LoyaltyEntry.id))
        ).all()
    return [(kind, points) for kind, points in rows]


def _assert_balance_is_the_spendable_ledger(world: World, customer: int) -> None:
    with world.db.session() as s:
        spendable = s.execute(
            select(func.coalesce(func.sum(LoyaltyEntry.points), 0)).where(
                col(LoyaltyEntry.customer_id) == customer, col(LoyaltyEntry.kind).in_(SPENDABLE)
            )
        ).scalar_one()
        points = s.get(Customer, customer).points  # type: ignore[union-attr]
    assert points == spendable >= 0


def _cancel(world: World, order_id: int) -> httpx.Response:
    with world.client("t-manager") as c:
        return c.post(f"/v1/orders/{order_id}/cancel", json={"reason": "changed their mind"})


def test_unpaid_orders_leave_points_alone_and_show_them_pending(
    world: World, customer: int, sku: str
) -> None:
    orders = [_place(world, customer, sku, quantity) for quantity in (1, 2, 3)]
    assert _balance(world, customer) == (START, 49 + 99 + 149)  # 49,99 / 99,98 / 149,97 TL
    for order in orders:
        assert _ledger(world, order["id"]) == [("pending", order["total_kurus"] // 1000)]
    _assert_balance_is_the_spendable_ledger(world, customer)


def test_paying_one_order_earns_exactly_its_points(world: World, customer: int, sku: str) -> None:
    first, second = _place(world, customer, sku, 2), _place(world, customer, sku, 1)
    assert _pay(world.url, first["id"]) == "paid"
    assert _balance(world, customer) == (START + 99, 49)
    assert _ledger(world, first["id"]) == [("settled", 99), ("earn", 99)]
    assert _ledger(world, second["id"]) == [("pending", 49)]
    _assert_balance_is_the_spendable_ledger(world, customer)


def test_paying_twice_or_racing_payments_earn_once(world: World, customer: int, sku: str) -> None:
    order = _place(world, customer, sku, 2)
    outcomes = race(8, lambda _: _pay_response(world.url, order["id"]))
    results = sorted(_outcome(r) for r in outcomes)
    assert results == ["already_paid"] * 7 + ["paid"]
    assert _pay(world.url, order["id"]) == "already_paid"  # a tap after the race
    assert _balance(world, customer) == (START + 99, 0)
    assert _ledger(world, order["id"]) == [("settled", 99), ("earn", 99)]
    # The hook itself, called again for the same order, has nothing left to earn.
    with world.db.write() as s:
        assert loyalty.order_reached(s, order_id=order["id"], status="paid") == 0
        assert loyalty.order_reached(s, order_id=order["id"], status="delivered") == 0
    assert _balance(world, customer) == (START + 99, 0)
    _assert_balance_is_the_spendable_ledger(world, customer)


def test_racing_status_changes_earn_once(world: World, customer: int, sku: str) -> None:
    """Six transactions reaching an earning status at once (the store's hand-over racing the
    payment, say): one earns, the others find the promise settled, on either database."""
    order = _place(world, customer, sku, 2)
    barrier = threading.Barrier(6)
    earned: list[int] = []

    def reach(i: int) -> None:
        barrier.wait()
        with world.db.write() as s:
            status = ("paid", "collected", "delivered")[i % 3]
            earned.append(loyalty.order_reached(s, order_id=order["id"], status=status))

    threads = [threading.Thread(target=reach, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(earned) == [0] * 5 + [99]
    assert _balance(world, customer) == (START + 99, 0)
    assert [kind for kind, _ in _ledger(world, order["id"])] == ["settled", "earn"]
    _assert_balance_is_the_spendable_ledger(world, customer)


def test_cancelling_a_paid_order_takes_its_points_back_once(
    world: World, customer: int, sku: str
) -> None:
    order = _place(world, customer, sku, 2)
    assert _pay(world.url, order["id"]) == "paid"
    assert _balance(world, customer) == (START + 99, 0)
    statuses = sorted(r.status_code for r in race(4, lambda _: _cancel(world, order["id"])))
    assert statuses == [200, 409, 409, 409]
    assert _balance(world, customer) == (START, 0)
    assert _ledger(world, order["id"]) == [("settled", 99), ("earn", 99), ("reversal", -99)]
    assert _cancel(world, order["id"]).status_code == 409
    with world.db.write() as s:  # reversing again finds nothing left to take
        again = loyalty.reverse_for_order(
            s,
            order_id=order["id"],
            customer_id=customer,
            number="x",
            channel="web",
            location_id=None,
        )
    assert again == 0
    assert _balance(world, customer) == (START, 0)
    _assert_balance_is_the_spendable_ledger(world, customer)


def test_cancelling_a_placed_order_drops_its_pending_points(
    world: World, customer: int, sku: str
) -> None:
    order = _place(world, customer, sku, 2)
    assert _balance(world, customer) == (START, 99)
    assert _cancel(world, order["id"]).status_code == 200
    assert _balance(world, customer) == (START, 0)
    assert _ledger(world, order["id"]) == [("dropped", 99)]
    # Nothing to pay now, and nothing can be earned from it any more.
    assert _pay(world.url, order["id"]) == "not_payable"
    with world.db.write() as s:
        assert loyalty.order_reached(s, order_id=order["id"], status="paid") == 0
    assert _balance(world, customer) == (START, 0)
    _assert_balance_is_the_spendable_ledger(world, customer)


def test_an_expired_hold_drops_its_pending_points(world: World, customer: int, sku: str) -> None:
    b = world.base
    order = _place(
        world, customer, sku, 1, {"type": "reserve_in_store", "location_id": b.stores["IST01"]}
    )
    assert _balance(world, customer) == (START, 49)
    with world.db.write() as s:
        s.execute(
            update(Reservation)
            .where(col(Reservation.order_id) == order["id"])
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    with world.db.write() as s:
        expire_holds(s)  # the API's housekeeping may have beaten us to it: either way, once
    with world.db.session() as s:
        assert s.get(Order, order["id"]).status == "cancelled"  # type: ignore[union-attr]
    assert _balance(world, customer) == (START, 0)
    assert _ledger(world, order["id"]) == [("dropped", 49)]
    _assert_balance_is_the_spendable_ledger(world, customer)


def test_an_order_that_earned_at_placing_before_this_rule_does_not_earn_again(
    world: World, customer: int, sku: str
) -> None:
    """Orders placed before points followed money earned when placed (an earn row, no pending
    one): paying them earns nothing more, cancelling still takes back what they earned."""
    order = _place(world, customer, sku, 2)
    with world.db.write() as s:  # as the old placing wrote it
        s.execute(
            update(LoyaltyEntry)
            .where(col(LoyaltyEntry.order_id) == order["id"])
            .values(kind="earn")
        )
        s.execute(update(Customer).where(col(Customer.id) == customer).values(points=START + 99))
    assert _pay(world.url, order["id"]) == "paid"
    assert _balance(world, customer) == (START + 99, 0)
    assert _cancel(world, order["id"]).status_code == 200
    assert _balance(world, customer) == (START, 0)
    _assert_balance_is_the_spendable_ledger(world, customer)


@pytest.fixture(scope="module")
def collecting_api(world: World) -> Iterator[ApiProcess]:
    """A second API process on the same database, for a retailer that gives points when the
    goods are collected (REYON_LOYALTY_EARN_AT=collected)."""
    api = start_api(
        world.database_url,
        log_dir=world.log_dir,
        extra_env={"REYON_LOYALTY_EARN_AT": "collected"},
    )
    try:
        yield api
    finally:
        api.stop()


def test_under_the_collected_rule_paying_does_not_earn_collecting_does(
    world: World, collecting_api: ApiProcess, customer: int, sku: str
) -> None:
    b = world.base
    order = _place(
        world, customer, sku, 2, {"type": "click_collect", "location_id": b.stores["IST01"]}
    )
    assert _pay(collecting_api.url, order["id"]) == "paid"
    with world.db.session() as s:
        assert s.get(Order, order["id"]).status == "paid"  # type: ignore[union-attr]
    assert _balance(world, customer) == (START, 99)  # paid, not yet in their hands
    assert _ledger(world, order["id"]) == [("pending", 99)]
    with world.db.write() as s:  # what the store's side calls as the order moves on
        assert (
            loyalty.order_reached(s, order_id=order["id"], status="ready", rule=EarnAt.COLLECTED)
            == 0
        )
        assert (
            loyalty.order_reached(
                s, order_id=order["id"], status="collected", rule=EarnAt.COLLECTED
            )
            == 99
        )
    assert _balance(world, customer) == (START + 99, 0)
    assert _ledger(world, order["id"]) == [("settled", 99), ("earn", 99)]
    _assert_balance_is_the_spendable_ledger(world, customer)
