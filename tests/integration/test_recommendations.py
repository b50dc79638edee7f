"""Recommendations (issue 15) on SQLite and PostgreSQL: the worker's step learns what is bought
together from real order rows, and the API serves "complete the look", "similar and in stock
here" and "for this customer" with their reasons, stock read live at the associate's store.
Workers learning at once write the table once; the customer's list is personal data."""

from __future__ import annotations

import threading
from datetime import timedelta
from itertools import count

import pytest
from sqlmodel import col, func, select

from app.server.catalog.models import Variant
from app.server.customers.models import WishlistEntry
from app.server.db import utcnow
from app.server.recommend.models import ProductCompanion
from app.server.recommend.refresh import FRESH_ENOUGH, refresh
from tests import factories
from tests.conftest import World
from tests.integration.test_client_book import order

_clock = count(1)


def _learn(world: World) -> int:
    """The worker's step, each call a quarter of an hour after the last (FRESH_ENOUGH lets
    a step right after another be skipped)."""
    pairs = refresh(world.db, now=utcnow() + next(_clock) * 3 * FRESH_ENOUGH)
    assert pairs is not None
    return pairs


def _variant(world: World, sku: str) -> int:
    with world.db.session() as s:
        return int(s.execute(select(Variant.id).where(Variant.sku == sku)).scalar_one())


def _look(world: World) -> dict[str, tuple[int, list[int]]]:
    """A shirt, trousers, shoes and a second shirt; stock only at IST01, some of it."""
    ist = world.base.stores["IST01"]
    made = {
        "shirt": factories.product(world.db, category="shirts", stock={ist: 0}),
        "trousers": factories.product(
            world.db, name_tr="Chino", name_en="Chinos", category="trousers", stock={ist: 2}
        ),
        "shoes": factories.product(
            world.db, name_tr="Loafer", name_en="Loafers", category="shoes", stock={ist: 1}
        ),
        "shirt2": factories.product(world.db, category="shirts", stock={ist: 4}),
    }
    return {k: (pid, [_variant(world, sku) for sku in skus]) for k, (pid, skus) in made.items()}


def _buy(world: World, customer: int, *variant_ids: int, status: str = "delivered") -> None:
    order(world, customer, [(v, 1) for v in variant_ids], ago=timedelta(days=3), status=status)


def test_complete_the_look_from_orders_with_reasons_and_stock_here(world: World) -> None:
    items = _look(world)
    shirt, trousers, shoes, shirt2 = (items[k] for k in ("shirt", "trousers", "shoes", "shirt2"))
    buyer = factories.customer(world.db)
    for _ in range(3):
        _buy(world, buyer, shirt[1][0], trousers[1][1])
    for _ in range(2):
        _buy(world, buyer, shirt[1][1], shoes[1][0])
    for _ in range(2):  # another shirt with it: not a look
        _buy(world, buyer, shirt[1][2], shirt2[1][0])
    for _ in range(5):  # cancelled orders teach nothing
        _buy(world, buyer, shirt[1][0], shirt2[1][1], status="cancelled")
    _buy(world, buyer, shirt[1][0], shoes[1][2], trousers[1][0])  # once more, all three
    assert _learn(world) > 0
    with world.client() as c:
        r = c.get(f"/v1/products/{shirt[0]}/recommendations")
        assert r.status_code == 200, r.text
        body = r.json()
    look = [(x["product"]["id"], x["reason"]) for x in body["complete_the_look"]]
    assert [p for p, _ in look] == [trousers[0], shoes[0]]
    assert look[0][1] == {**look[0][1], "kind": "bought_together", "orders": 4, "here": 6}
    assert look[1][1] == {**look[1][1], "kind": "bought_together", "orders": 3, "here": 3}
    assert body["similar_here"] == []  # no size asked for
    assert body["learnt_at"] is not None
    # Both ways: the trousers' look holds the shirt; the shoes, bought with them only once,
    # are chance, not a companion.
    with world.client() as c:
        back = c.get(f"/v1/products/{trousers[0]}/recommendations").json()
    assert [x["product"]["id"] for x in back["complete_the_look"]] == [shirt[0]]


def test_similar_in_stock_here_in_the_size_asked_for(world: World) -> None:
    ist, ank = world.base.stores["IST01"], world.base.stores["ANK01"]
    wanted, _ = factories.product(world.db, category="knitwear", price_kurus=80_000, stock={})
    near, _ = factories.product(world.db, category="knitwear", price_kurus=85_000, stock={ist: 2})
    far, _ = factories.product(world.db, category="knitwear", price_kurus=300_000, stock={ist: 5})
    elsewhere, _ = factories.product(world.db, category="knitwear", stock={ank: 9})
    other_kind, _ = factories.product(world.db, category="jackets", stock={ist: 9})
    no_m, _ = factories.product(world.db, category="knitwear", sizes=("S",), stock={ist: 9})
    with world.client() as c:
        r = c.get(f"/v1/products/{wanted}/recommendations", params={"size": "M"})
        assert r.status_code == 200, r.text
        similar = r.json()["similar_here"]
    ids = [x["product"]["id"] for x in similar]
    assert near in ids and far in ids
    assert ids.index(near) < ids.index(far)  # the nearer price first (same brand)
    assert not {wanted, elsewhere, other_kind, no_m} & set(ids)
    first = similar[ids.index(near)]["reason"]
    assert (first["kind"], first["size"], first["here"]) == ("similar", "M", 2)


def test_for_this_customer_from_what_they_saved_tried_and_bought(world: World) -> None:
    items = _look(world)
    shirt, trousers, shoes = items["shirt"], items["trousers"], items["shoes"]
    others = factories.customer(world.db)
    for _ in range(3):
        _buy(world, others, shirt[1][1], trousers[1][1], shoes[1][1])
    client = factories.customer(world.db, consent=True)
    # Size M of the shirt on her wish list; she bought the shoes (size M) long ago.
    with world.db.write() as s:
        s.add(WishlistEntry(customer_id=client, variant_id=shirt[1][1], channel="app"))
    _buy(world, client, shoes[1][1])
    _learn(world)
    with world.client() as c:
        r = c.get(f"/v1/customers/{client}/recommendations")
        assert r.status_code == 200, r.text
    got = {x["product"]["id"]: x["reason"] for x in r.json()["items"]}
    # The trousers go with the saved shirt; the shoes she has, the shirt she saved.
    assert trousers[0] in got and shoes[0] not in got and shirt[0] not in got
    reason = got[trousers[0]]
    assert reason["kind"] == "with_wishlist"
    assert reason["source_tr"] == "Pamuklu Gömlek" and reason["source_en"] == "Cotton Shirt"
    assert (reason["size"], reason["here"], reason["orders"]) == ("M", 2, 3)


def test_a_customer_without_consent_gets_nothing(world: World) -> None:
    stranger = factories.customer(world.db)  # the shared private customer meets other tests
    with world.client() as c:
        r = c.get(f"/v1/customers/{stranger}/recommendations")
        assert r.status_code == 403
        assert c.get("/v1/customers/999999999/recommendations").status_code == 404
        assert c.get("/v1/products/999999999/recommendations").status_code == 404
        assert c.get("/v1/products/1/recommendations", params={"size": "X" * 17}).status_code == 422
    with world.client(associate=None) as anonymous:
        assert anonymous.get("/v1/products/1/recommendations").status_code == 401


@pytest.mark.parametrize("workers", [4])
def test_workers_learning_at_once_write_the_table_once(world: World, workers: int) -> None:
    items = _look(world)
    buyer = factories.customer(world.db)
    for _ in range(2):
        _buy(world, buyer, items["shirt"][1][0], items["shoes"][1][0])
    now = utcnow() + next(_clock) * 3 * FRESH_ENOUGH
    results: list[int | None] = []
    errors: list[BaseException] = []
    start = threading.Barrier(workers)

    def work() -> None:
        try:
            start.wait()
            results.append(refresh(world.db, now=now))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    written = [n for n in results if n is not None]
    assert len(written) == 1 and results.count(None) == workers - 1
    with world.db.session() as s:
        rows = s.execute(select(func.count()).select_from(ProductCompanion)).scalar_one()
        pair = s.execute(
            select(col(ProductCompanion.together)).where(
                col(ProductCompanion.product_id) == items["shirt"][0],
                col(ProductCompanion.companion_id) == items["shoes"][0],
            )
        ).scalar_one()
    assert rows == written[0] and pair == 2


def test_a_look_keeps_other_kinds_and_no_longer_sold_ones_take_no_place(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Companions are cut to KEEP after the same kind is left out (a shirt mostly bought with
    shirts keeps its trousers), and a product no longer sold neither shows nor crowds out the
    next one of the customer's suggestions."""
    from app.domain import recommendations as rules
    from app.server.catalog.models import Product
    from app.server.recommend import refresh as learning

    monkeypatch.setattr(learning, "KEEP", 1)
    monkeypatch.setattr(rules, "PER_SOURCE", 1)
    items = _look(world)
    shirt, trousers, shoes, shirt2 = (items[k] for k in ("shirt", "trousers", "shoes", "shirt2"))
    buyer = factories.customer(world.db)
    for _ in range(4):
        _buy(world, buyer, shirt[1][0], shirt2[1][0])  # the most often: another shirt
    for _ in range(3):
        _buy(world, buyer, shirt[1][1], shoes[1][1])
    for _ in range(2):
        _buy(world, buyer, shirt[1][2], trousers[1][2])
    _learn(world)
    with world.client() as c:
        look = c.get(f"/v1/products/{shirt[0]}/recommendations").json()["complete_the_look"]
    assert [x["product"]["id"] for x in look] == [shoes[0]]
    # The shoes are no longer sold: the trousers take their place. (Sold again afterwards:
    # the other tests of this shared world count the catalogue the tablets sync.)
    monkeypatch.setattr(learning, "KEEP", 12)

    def selling(product_id: int, active: bool) -> None:
        with world.db.write() as s:
            s.get(Product, product_id).active = active  # type: ignore[union-attr]

    selling(shoes[0], False)
    try:
        _learn(world)
        client = factories.customer(world.db, consent=True)
        with world.db.write() as s:
            s.add(WishlistEntry(customer_id=client, variant_id=shirt[1][1], channel="app"))
        with world.client() as c:
            got = c.get(f"/v1/customers/{client}/recommendations").json()["items"]
    finally:
        selling(shoes[0], True)
    assert [x["product"]["id"] for x in got] == [trousers[0]]
