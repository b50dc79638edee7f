"""Exchanges (issue 14): another size or colour for what the customer brings back, in one step,
from this store's shelf or ordered from another store, with only the difference settled;
refusals that leave nothing half-done; a replayed request; and racing tablets. Real HTTP,
SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlmodel import col

from app.contracts.exchanges import ExchangeCreate
from app.server.inventory.models import Reservation
from app.server.orders.models import Order, OrderLine, Payment
from app.server.returns.models import OrderReturn, StoreCredit
from app.tablet.client import ReyonClient
from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import race
from tests.integration.test_orders import HOME
from tests.integration.test_returns import (
    PRICE,
    START,
    _collected,
    _customer_with_points,
    _key,
    _kind,
    _points,
    _stock,
)
from tests.server import HANG_S, start_api

DEARER = 79_990


def _exchange(
    c: httpx.Client,
    order: dict[str, Any],
    replacements: dict[str, int],
    *,
    line: int = 0,
    units: int = 1,
    source: str = "from_shelf",
    key: dict[str, str] | None = None,
    **extra: Any,
) -> httpx.Response:
    body = {
        "lines": [{"order_line_id": order["lines"][line]["id"], "quantity": units,
                   "reason": "wrong_size", "condition": "sellable"}],
        "replacements": [{"sku": sku, "quantity": q} for sku, q in replacements.items()],
        "source": source,
        **extra,
    }  # fmt: skip
    return c.post(f"/v1/orders/{order['id']}/exchanges", json=body, headers=key or _key())


def _shirts(world: World, price: int = PRICE, **stock: int) -> list[str]:
    """A product in S, M, L with `stock` {store code or "WEB": on hand} of every size."""
    b = world.base
    where = {b.warehouse if code == "WEB" else b.stores[code]: n for code, n in stock.items()}
    return factories.product(world.db, price_kurus=price, stock=where)[1]


def _orders_of(world: World, customer: int) -> int:
    with world.db.session() as s:
        return int(
            s.execute(
                select(func.count()).select_from(Order).where(col(Order.customer_id) == customer)
            ).scalar_one()
        )


# --- from this store's shelf ------------------------------------------------------------------


def test_a_size_from_the_shelf_is_an_even_swap_and_a_replay_is_the_same_exchange(
    world: World,
) -> None:
    ist01 = world.base.stores["IST01"]
    customer, skus = _customer_with_points(world), _shirts(world, IST01=5, WEB=5)
    order = _collected(world, customer, {skus[0]: 1})
    earned = order["total_kurus"] // 1000
    small, medium = _stock(world, skus[0], ist01), _stock(world, skus[1], ist01)
    key = _key()
    with world.client() as c:
        r = _exchange(c, order, {skus[1]: 1}, key=key)
        assert r.status_code == 201, r.text
        done = r.json()
        settled, new, ret = done["settlement"], done["order"], done["returned"]
        assert settled == {
            "difference_kurus": 0, "direction": "none", "amount_kurus": 0, "currency": "TRY",
            "method": None, "provider": None, "reference": settled["reference"],
        }  # fmt: skip
        assert settled["reference"].startswith("none-exc-")
        # The return: the small shirt back on this shelf, its value paying for the new one.
        assert ret["exchange_order_id"] == new["id"] and ret["refund_kurus"] == PRICE
        assert ret["order_fully_returned"] and ret["points_reversed"] == earned
        # The new order: a store sale, paid and handed over at once, from this shelf.
        assert (new["channel"], new["status"], new["total_kurus"]) == ("store", "collected", PRICE)
        assert [(ln["sku"], ln["source_location_id"]) for ln in new["lines"]] == [(skus[1], ist01)]
        assert [h["status"] for h in new["history"]] == ["placed", "paid", "collected"]
        # Sent again (a retry after a lost answer): the first exchange, nothing moves twice.
        again = _exchange(c, order, {skus[1]: 1}, key=key)
        assert again.json() == done and again.headers["Idempotent-Replayed"] == "true"
        # The replacement may itself come back, its window counted from today.
        found = c.get("/v1/returns/lookup", params={"code": new["number"]}).json()["orders"]
        assert found[0]["refusal"] is None and found[0]["channel"] == "store"
        listed = c.get(f"/v1/orders/{order['id']}/returns").json()["returns"]
        assert listed == [ret]
    assert _stock(world, skus[0], ist01) == (small[0] + 1, *small[1:])
    assert _stock(world, skus[1], ist01) == (medium[0] - 1, *medium[1:])  # held none left
    assert _points(world, customer) == START + earned  # the old order's points became the new's
    with world.db.session() as s:
        holds = s.execute(
            select(Reservation.status).where(col(Reservation.order_id) == new["id"])
        ).scalars()
        assert list(holds) == ["fulfilled"]
        line = s.execute(select(OrderLine).where(col(OrderLine.order_id) == new["id"])).scalar_one()
        assert (line.picked, line.collected) == (1, 1)
        assert s.execute(select(Payment).where(col(Payment.order_id) == new["id"])).first() is None
        rows = s.execute(select(OrderReturn).where(col(OrderReturn.order_id) == order["id"]))
        assert [x.exchange_order_id for x in rows.scalars()] == [new["id"]]


def test_a_dearer_item_is_paid_for_by_the_difference(world: World) -> None:
    ist01 = world.base.stores["IST01"]
    customer, skus = _customer_with_points(world), _shirts(world, IST01=5)
    jackets = _shirts(world, DEARER, IST01=2)
    order = _collected(world, customer, {skus[0]: 1})
    with world.client() as c:
        r = _exchange(c, order, {jackets[2]: 1})
    assert r.status_code == 201, r.text
    settled, new = r.json()["settlement"], r.json()["order"]
    assert (settled["direction"], settled["difference_kurus"]) == ("charge", DEARER - PRICE)
    assert settled["amount_kurus"] == DEARER - PRICE and settled["provider"] == "test"
    assert settled["method"] is None and settled["reference"].startswith("test_")
    assert new["total_kurus"] == DEARER and new["status"] == "collected"
    assert _stock(world, jackets[2], ist01) == (1, 0, 0)
    with world.db.session() as s:
        paid = s.execute(select(Payment).where(col(Payment.order_id) == new["id"])).scalar_one()
        assert (paid.amount_kurus, paid.status, paid.provider_ref) == (
            DEARER - PRICE,
            "succeeded",
            settled["reference"],
        )


def test_a_cheaper_item_gives_the_difference_back_to_the_card_or_as_credit(world: World) -> None:
    customer = _customer_with_points(world)
    jackets, skus = _shirts(world, DEARER, IST01=5), _shirts(world, IST01=5)
    order = _collected(world, customer, {jackets[0]: 2})
    back = DEARER - PRICE
    with world.client() as c:
        card = _exchange(c, order, {skus[0]: 1})
        credit = _exchange(c, order, {skus[1]: 1}, refund_method="store_credit")
    assert card.status_code == 201 and credit.status_code == 201, card.text + credit.text
    to_card, as_credit = card.json()["settlement"], credit.json()["settlement"]
    assert (to_card["direction"], to_card["difference_kurus"]) == ("refund", -back)
    assert (to_card["method"], to_card["provider"]) == ("original_payment", "test")
    assert to_card["reference"].startswith("test_refund_")
    assert (as_credit["direction"], as_credit["amount_kurus"]) == ("refund", back)
    assert as_credit["method"] == "store_credit" and as_credit["reference"].startswith("credit-")
    assert credit.json()["returned"]["order_fully_returned"]
    with world.db.session() as s:
        given = s.execute(
            select(StoreCredit).where(col(StoreCredit.return_id) == credit.json()["returned"]["id"])
        ).scalar_one()
        assert (given.customer_id, given.amount_kurus) == (customer, back)
        # The new orders were paid by the goods alone: no charge on them.
        new_ids = [card.json()["order"]["id"], credit.json()["order"]["id"]]
        assert s.execute(select(Payment).where(col(Payment.order_id).in_(new_ids))).first() is None


# --- ordered from another store ---------------------------------------------------------------


def test_a_size_only_another_store_has_is_ordered_from_there(world: World) -> None:
    """IST01 is out of the large size: from the shelf it is refused with where it is, and
    nothing is written; as an endless-aisle order home it comes from Ankara. The tablet's own
    client for the exchange."""
    ist01, ank01 = world.base.stores["IST01"], world.base.stores["ANK01"]
    customer, skus = _customer_with_points(world), _shirts(world, IST01=3, ANK01=3)
    factories.set_on_hand(world.db, skus[2], ist01, 0)
    order = _collected(world, customer, {skus[0]: 1})
    small, before = _stock(world, skus[0], ist01), _orders_of(world, customer)
    with world.client() as c:
        refused = _exchange(c, order, {skus[2]: 1})
        assert refused.status_code == 409 and _kind(refused) == "exchange-replacement-unavailable"
        assert refused.json()["sku"] == skus[2] and refused.json()["source"] == "from_shelf"
        assert [a["code"] for a in refused.json()["alternatives"]] == ["ANK01"]
    # No half-done exchange: nothing returned, nothing ordered, no stock moved.
    assert _stock(world, skus[0], ist01) == small and _orders_of(world, customer) == before
    with world.db.session() as s:
        assert s.get(OrderLine, order["lines"][0]["id"]).returned == 0  # type: ignore[union-attr]
        assert (
            s.execute(
                select(func.count()).where(col(OrderReturn.order_id) == order["id"])
            ).scalar_one()
            == 0
        )

    tablet = ReyonClient(world.url, timeout=HANG_S)
    tablet.token = world.token("t-associate")
    try:
        body = ExchangeCreate.model_validate(
            {
                "lines": [{"order_line_id": order["lines"][0]["id"], "quantity": 1,
                           "reason": "wrong_size"}],
                "replacements": [{"sku": skus[2], "quantity": 1}],
                "source": "order",
                "fulfilment": {"type": "ship_to_home", "address": HOME},
            }
        )  # fmt: skip
        done = tablet.exchange(order["id"], body, key=str(uuid.uuid4()))
    finally:
        tablet.close()
    assert (done.order.channel, done.order.status, done.order.fulfilment_type) == (
        "endless_aisle",
        "paid",
        "ship_to_home",
    )
    assert [ln.source_location_id for ln in done.order.lines] == [ank01]
    assert done.settlement.direction == "none" and done.returned.exchange_order_id == done.order.id
    assert _stock(world, skus[0], ist01) == (small[0] + 1, *small[1:])
    assert _stock(world, skus[2], ank01) == (3, 1, 0)  # held in Ankara for the parcel


def test_exchanges_are_refused_in_words_and_leave_nothing_written(world: World) -> None:
    customer, skus = _customer_with_points(world), _shirts(world, IST01=2)
    order = _collected(world, customer, {skus[0]: 1})
    before = _orders_of(world, customer)
    with world.client() as c:
        empty = _exchange(c, order, {})
        assert empty.status_code == 422 and _kind(empty) == "exchange-no-replacement"
        assert f"/v1/orders/{order['id']}/returns" in empty.json()["detail"]
        too_many = _exchange(c, order, {skus[1]: 1}, units=2)
        assert too_many.status_code == 409 and _kind(too_many) == "return-too-many"
        unknown = _exchange(c, order, {"NO-SUCH-SKU": 1})
        assert unknown.status_code == 422 and _kind(unknown) == "unknown-sku"
        nowhere = _exchange(c, order, {skus[1]: 9}, source="order",
                            fulfilment={"type": "click_collect"})  # fmt: skip
        assert nowhere.status_code == 409 and _kind(nowhere) == "exchange-replacement-unavailable"
        assert nowhere.json()["alternatives"] == []
        # The body's own shape: a shelf takes no delivery, an order needs one.
        shelf_home = _exchange(c, order, {skus[1]: 1},
                               fulfilment={"type": "ship_to_home", "address": HOME})  # fmt: skip
        assert shelf_home.status_code == 422 and _kind(shelf_home) == "validation"
        held = _exchange(c, order, {skus[1]: 1}, source="order",
                         fulfilment={"type": "reserve_in_store"})  # fmt: skip
        assert held.status_code == 422 and _kind(held) == "validation"
    assert _orders_of(world, customer) == before
    with world.db.session() as s:
        assert s.get(OrderLine, order["lines"][0]["id"]).returned == 0  # type: ignore[union-attr]


# --- racing tablets ---------------------------------------------------------------------------


def _race(world: World, urls: list[str]) -> None:
    """Eight tablets exchange the same one-unit line at once, each with its own key: one
    exchange happens, the rest are refused, and the stock and money move once. Meanwhile pairs
    of customers swap sizes the other way round (S for M and M for S) at the same moment: each
    swap goes through, none waits on the other for ever."""
    ist01 = world.base.stores["IST01"]
    skus = _shirts(world, IST01=20)
    customer = _customer_with_points(world)
    order = _collected(world, customer, {skus[0]: 1})
    swaps = [
        (_collected(world, c, {skus[i % 2]: 1}), skus[(i + 1) % 2])
        for i, c in enumerate(_customer_with_points(world) for _ in range(4))
    ]
    before = {sku: _stock(world, sku, ist01) for sku in skus}
    orders_before = _orders_of(world, customer)
    token = world.token("t-associate")
    tablets = [
        httpx.Client(
            base_url=urls[i % len(urls)],
            timeout=HANG_S,
            headers={"Authorization": f"Bearer {token}"},
        )
        for i in range(12)
    ]

    def go(i: int) -> httpx.Response:
        if i < 8:
            return _exchange(tablets[i], order, {skus[2]: 1})
        swapped, to = swaps[i - 8]
        return _exchange(tablets[i], swapped, {to: 1})

    try:
        results = race(12, go)
    finally:
        for t in tablets:
            t.close()
    same, crossed = results[:8], results[8:]
    assert all(r.status_code == 201 for r in crossed), [r.text for r in crossed]
    won = [r for r in same if r.status_code == 201]
    lost = [r for r in same if r.status_code != 201]
    assert len(won) == 1 and all(r.status_code == 409 for r in lost), [r.text for r in lost]
    assert {_kind(r) for r in lost} == {"return-already-returned"}
    assert _orders_of(world, customer) == orders_before + 1
    # The race's line: S back once, L out once; the swaps cancel out between S and M.
    assert _stock(world, skus[0], ist01) == (before[skus[0]][0] + 1, *before[skus[0]][1:])
    assert _stock(world, skus[1], ist01) == before[skus[1]]
    assert _stock(world, skus[2], ist01) == (before[skus[2]][0] - 1, *before[skus[2]][1:])
    with world.db.session() as s:
        rows = s.execute(select(OrderReturn).where(col(OrderReturn.order_id) == order["id"]))
        assert [x.refund_kurus for x in rows.scalars()] == [PRICE]
        assert s.get(OrderLine, order["lines"][0]["id"]).returned == 1  # type: ignore[union-attr]


def test_racing_tablets_exchange_a_line_once(world: World) -> None:
    _race(world, [world.url])


@pytest.mark.postgres
def test_two_api_processes_exchange_a_line_once(pg_world: World) -> None:
    second = start_api(pg_world.database_url, log_dir=pg_world.log_dir)
    try:
        _race(pg_world, [pg_world.url, second.url])
    finally:
        second.stop()


# --- the manager's report -----------------------------------------------------------------------


def test_the_managers_report_shows_the_share_of_returns_that_were_exchanges(world: World) -> None:
    customer, skus = _customer_with_points(world), _shirts(world, IST01=5)
    order = _collected(world, customer, {skus[0]: 3})
    with world.client() as c:
        plain = c.post(
            f"/v1/orders/{order['id']}/returns",
            json={"lines": [{"order_line_id": order["lines"][0]["id"], "quantity": 1,
                             "reason": "changed_mind"}]},
            headers=_key(),
        )  # fmt: skip
        assert plain.status_code == 201, plain.text
        for _ in range(2):
            assert _exchange(c, order, {skus[1]: 1}).status_code == 201
    # Moved to a day of their own, so the figure is this test's alone: noon in Istanbul.
    with world.db.write() as s:
        s.execute(
            update(OrderReturn)
            .where(col(OrderReturn.order_id) == order["id"])
            .values(created_at=datetime(2024, 3, 5, 9, tzinfo=UTC))
        )
    with world.client("t-manager") as m:
        day = m.get(
            "/v1/reports/store", params={"first_day": "2024-03-05", "last_day": "2024-03-05"}
        )
        after = m.get(
            "/v1/reports/store", params={"first_day": "2024-03-06", "last_day": "2024-03-06"}
        )
    assert day.status_code == 200, day.text
    assert (day.json()["returns_taken"], day.json()["exchange_rate"]) == (3, 0.6667)
    assert (after.json()["returns_taken"], after.json()["exchange_rate"]) == (0, None)
