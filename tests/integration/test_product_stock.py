"""The size x colour grid's numbers (GET /v1/products/{id}/stock) and the product search's
filters and count, over real HTTP on each database the fixture gives."""

from __future__ import annotations

from sqlalchemy import select, update

from app.contracts.catalog import ProductPage
from app.contracts.inventory import ProductStock
from app.server.catalog.models import Variant
from app.server.inventory.models import StockLevel
from tests import factories
from tests.conftest import World


def _reserve(world: World, sku: str, location_id: int, reserved: int) -> None:
    with world.db.write() as s:
        variant_id = s.execute(select(Variant.id).where(Variant.sku == sku)).scalar_one()
        s.execute(
            update(StockLevel)
            .where(StockLevel.variant_id == variant_id, StockLevel.location_id == location_id)  # type: ignore[arg-type]
            .values(reserved=reserved)
        )


def test_product_stock_counts_here_other_stores_and_online(world: World) -> None:
    b = world.base
    stock = {b.stores["IST01"]: 2, b.stores["IST02"]: 3, b.stores["ANK01"]: 1, b.warehouse: 5}
    pid, skus = factories.product(world.db, sizes=("L", "S", "M"), stock=stock)
    small, medium = skus[1], skus[2]
    _reserve(world, small, b.stores["IST01"], 2)  # both held for orders: none to sell here
    _reserve(world, medium, b.warehouse, 1)
    with world.client() as c:
        r = c.get(f"/v1/products/{pid}/stock", params={"near": b.stores["IST01"]})
        assert r.status_code == 200, r.text
        grid = ProductStock.model_validate_json(r.content)
        assert grid.product_id == pid and grid.location_id == b.stores["IST01"]
        # The product's order: by size as the grid reads, not as the variants were made.
        assert [v.sku for v in grid.variants] == [small, medium, skus[0]]
        cells = {v.sku: (v.here, v.other_stores, v.online) for v in grid.variants}
        assert cells[small] == (0, 4, 5)
        assert cells[medium] == (2, 4, 4)
        assert cells[skus[0]] == (2, 4, 5)

        # Seen from Ankara: IST01's units are another store's now.
        from_ankara = c.get(f"/v1/products/{pid}/stock", params={"near": b.stores["ANK01"]})
        cells = {v["sku"]: v for v in from_ankara.json()["variants"]}
        assert (cells[medium]["here"], cells[medium]["other_stores"]) == (1, 5)

        # No store asked: nothing is "here", every store is elsewhere.
        anywhere = c.get(f"/v1/products/{pid}/stock").json()
        assert anywhere["location_id"] is None
        cells = {v["sku"]: v for v in anywhere["variants"]}
        assert (cells[medium]["here"], cells[medium]["other_stores"]) == (0, 6)


def test_product_stock_without_any_stock_rows_is_all_zero(world: World) -> None:
    pid, skus = factories.product(world.db, sizes=("M",))
    with world.client() as c:
        body = c.get(f"/v1/products/{pid}/stock", params={"near": world.base.stores["IST01"]})
        assert body.json()["variants"] == [
            {"sku": skus[0], "here": 0, "other_stores": 0, "online": 0, "incoming": 0}
        ]


def test_product_stock_refuses_unknown_products_and_places(world: World) -> None:
    pid, _ = factories.product(world.db, sizes=("M",))
    with world.client() as c:
        missing = c.get("/v1/products/999999/stock")
        assert missing.status_code == 404
        assert missing.json()["type"].endswith("/not-found")
        assert c.get(f"/v1/products/{pid}/stock", params={"near": 999999}).status_code == 404
        assert c.get(f"/v1/products/{pid}/stock", params={"near": "here"}).status_code == 422
        assert c.get("/v1/products/0/stock").status_code == 422
    with world.client(associate=None) as anonymous:
        assert anonymous.get(f"/v1/products/{pid}/stock").status_code == 401


def test_search_filters_by_size_and_stock_here_and_counts_every_match(world: World) -> None:
    b = world.base
    here, there = b.stores["IST01"], b.stores["IST02"]
    category = factories.unique("cat")
    both, _ = factories.product(world.db, category=category, sizes=("S", "M"), stock={here: 1})
    large, _ = factories.product(world.db, category=category, sizes=("L",), stock={there: 4})
    held, held_skus = factories.product(world.db, category=category, sizes=("M",), stock={here: 1})
    _reserve(world, held_skus[0], here, 1)  # the one unit here is held for an order

    def search(**params: object) -> ProductPage:
        r = c.get("/v1/products", params={"category": category, **params})
        assert r.status_code == 200, r.text
        return ProductPage.model_validate_json(r.content)

    def ids(page: ProductPage) -> list[int]:
        return [p.id for p in page.items]

    with world.client() as c:
        everything = search()
        assert ids(everything) == [both, large, held] and everything.total == 3
        medium = search(size="M")
        assert ids(medium) == [both, held] and medium.total == 2
        stocked = search(in_stock_at=here)
        assert ids(stocked) == [both] and stocked.total == 1
        assert ids(search(in_stock_at=there)) == [large]
        # One garment in that size and in stock here, not a size elsewhere and another here.
        assert search(size="L", in_stock_at=here).total == 0
        assert ids(search(size="M", in_stock_at=here)) == [both]
        assert search(size="XXL").items == []
        assert ids(search(q="pamuklu gomlek", size="S")) == [both]

        # Paging keeps the count of everything, page after page, and covers each once.
        first = search(limit=2)
        assert ids(first) == [both, large] and first.total == 3 and first.next_cursor
        rest = search(limit=2, cursor=first.next_cursor)
        assert ids(rest) == [held] and rest.total == 3 and rest.next_cursor is None

        # The query string is the contract: a parameter it does not know is refused.
        unknown = c.get("/v1/products", params={"category": category, "colour": "red"})
        assert unknown.status_code == 422
        assert c.get("/v1/products", params={"in_stock_at": 0}).status_code == 422
        assert c.get("/v1/products", params={"limit": 101}).status_code == 422
