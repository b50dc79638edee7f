"""The product scene's state over the in-memory gateway: the search with its filters, count
and pages; the size x colour grid's stock; the confirmations the associate sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.contracts.catalog import ProductPage, ProductQuery
from app.contracts.inventory import ProductStock
from app.tablet.cache.pull import _put_products
from app.tablet.cache.store import Cache
from app.tablet.gateway.memory import MemoryGateway
from app.tablet.i18n import t
from app.tablet.problem import ApiProblem
from app.tablet.state import product as product_state
from app.tablet.state.product import CATEGORIES, SIZES
from app.tablet.state.tablet import Tablet
from tests.unit.conftest import demo_tablet
from tests.unit.test_tablet_cache import product as cached


@pytest.fixture
def tablet(gw: MemoryGateway) -> Tablet:
    t = demo_tablet(gw, "en")
    t.login.store_code, t.login.associate_code = "IST01", "ayse"  # store IST01 is location 1
    for digit in "1234":
        t.login.press_digit(digit)
    t.login.log_in()
    assert t.session.who is not None
    return t


def toast(t: Tablet) -> str | None:
    shown = t.session.take_toast()
    return shown.key if shown else None


def ids(t: Tablet) -> list[int]:
    return [p.id for p in t.product.results]


def test_filters_narrow_the_search_and_say_how_many(tablet: Tablet, gw: MemoryGateway) -> None:
    p = tablet.product
    p.search()  # nothing typed, no filter: nothing asked
    assert p.results == [] and p.total is None and p.error is None
    p.set_category("shirts")
    assert tablet.screen == "product" and ids(tablet) == [1] and p.total == 1
    p.set_category("shirts")  # tapped again: let go
    assert p.category is None and p.total is None
    p.set_size("M")
    assert ids(tablet) == [1, 2] and p.total == 2
    p.set_in_stock_here(True)  # both have an M here
    assert ids(tablet) == [1, 2]
    # Size and "in stock here" are one garment: the shirt's L is only in the other store.
    p.set_size("L")
    assert p.results == [] and p.total == 0 and p.error == "no_products"
    gw.stock["RY-1001-BEY-L", 1] = [1, 0]  # an L arrives here
    p.set_size("L")
    assert ids(tablet) == [1]
    p.query = "linen"
    p.set_size(None)
    assert ids(tablet) == [1] and p.filtered
    p.clear_filters()
    assert not p.filtered and ids(tablet) == [1]  # the typed words still count
    p.query = "x"  # one letter and no filter: nothing asked
    p.search()
    assert p.results == [] and p.total is None


def test_the_filters_reach_the_gateway_as_the_contract(
    tablet: Tablet, gw: MemoryGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[ProductQuery] = []
    search = gw.search_products

    def spy(query: ProductQuery) -> ProductPage:
        asked.append(query)
        return search(query)

    monkeypatch.setattr(gw, "search_products", spy)
    p = tablet.product
    p.query = "  " + "ş" * 150  # longer than the API takes: cut, never refused
    p.category, p.size = "shirts", "M"
    p.set_in_stock_here(True)
    [query] = asked
    assert query.q == "ş" * 100 and query.category == "shirts" and query.size == "M"
    assert query.in_stock_at == tablet.session.store_id == 1
    assert query.limit == product_state.PAGE and query.cursor is None


def test_more_appends_the_next_page_and_keeps_the_count(
    tablet: Tablet, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(product_state, "PAGE", 2)
    p = tablet.product
    p.set_in_stock_here(True)
    assert ids(tablet) == [1, 2] and p.total == 3 and p.next_cursor is not None
    p.more()
    assert ids(tablet) == [1, 2, 3] and p.total == 3 and p.next_cursor is None
    p.more()  # nothing more: nothing changes
    assert ids(tablet) == [1, 2, 3]


def test_the_grid_shows_this_stores_stock_and_where_else(tablet: Tablet) -> None:
    p = tablet.product
    p.open(1)
    assert p.stock is not None and p.stock.location_id == 1
    medium, large = p.cell("RY-1001-BEY-M"), p.cell("RY-1001-BEY-L")
    assert medium is not None and (medium.here, medium.other_stores, medium.online) == (3, 1, 10)
    assert p.level(medium) == "good" and not p.elsewhere(medium)
    assert large is not None and (large.here, large.other_stores, large.online) == (0, 2, 0)
    assert p.level(large) == "none" and p.elsewhere(large)
    p.select("RY-1001-BEY-L")  # a tap on the cell: the stores nearby
    assert p.sku == "RY-1001-BEY-L" and p.availability is not None
    assert [(s.code, s.available) for s in p.availability.locations][:2] == [
        ("IST01", 0),
        ("IST02", 2),
    ]
    p.open(2)
    jacket = p.cell("RY-2002-MAV-M")
    assert jacket is not None and p.level(jacket) == "low"
    assert p.level(None) == "unknown" and not p.elsewhere(None)


def test_a_product_opens_on_a_variant_this_store_has(tablet: Tablet, gw: MemoryGateway) -> None:
    gw.stock["RY-1001-BEY-M", 1] = [0, 0]
    gw.stock["RY-1001-BEY-L", 1] = [2, 0]
    tablet.product.open(1)
    assert tablet.product.sku == "RY-1001-BEY-L"
    tablet.product.open(1, "RY-1001-BEY-M")  # asked for (a scan, a saved item): that one
    assert tablet.product.sku == "RY-1001-BEY-M"


def test_the_product_shows_without_its_grid_stock(
    tablet: Tablet, gw: MemoryGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(product_id: int, near: int | None = None) -> ProductStock:
        raise ApiProblem(0, "offline", "The API cannot be reached")

    monkeypatch.setattr(gw, "product_stock", unreachable)
    tablet.product.open(1)
    p = tablet.product
    assert tablet.screen == "product" and p.product is not None and p.stock is None
    assert p.level(p.cell("RY-1001-BEY-M")) == "unknown"
    assert tablet.session.notice is None


def test_colours_pictures_and_the_way_back_to_the_results(tablet: Tablet) -> None:
    p = tablet.product
    p.query = "linen"
    p.search()
    p.open(1)
    assert p.colour_name("Beyaz") == "White"
    assert p.picture_url() == "/v1/media/products/1.webp?colour=beyaz&v=1"
    assert (
        p.picture_url("Beyaz", "thumb") == "/v1/media/products/1.webp?colour=beyaz&size=thumb&v=1"
    )
    tablet.set_language("tr")
    assert p.colour_name("Beyaz") == "Beyaz"
    p.close()
    assert p.product is None and ids(tablet) == [1] and tablet.screen == "product"


def test_what_was_done_is_confirmed_in_a_snack_bar(tablet: Tablet, gw: MemoryGateway) -> None:
    tablet.home.search_text = "elif@example.com"
    tablet.home.search()
    tablet.home.open_customer(tablet.home.search_results[0].id)
    toast(tablet)
    p = tablet.product
    p.open(1)
    p.save_for_customer()
    assert p.done == "saved_for_customer" and toast(tablet) == "saved_for_customer"
    p.record_try_on("did_not_fit")
    assert toast(tablet) == "try_on_recorded"
    p.add_to_basket()
    assert toast(tablet) == "added_to_basket"
    [line] = tablet.basket.lines
    assert line.label == "Linen Shirt · M · White"  # the tablet speaks English
    assert (line.product_id, line.colour, line.size) == (1, "Beyaz", "M")
    gw.online = False
    p.record_try_on("liked")
    assert toast(tablet) == "try_on_queued"
    p.record_try_on("stolen")  # refused: a message, no confirmation
    assert toast(tablet) is None


def test_offline_search_says_so(tablet: Tablet, gw: MemoryGateway) -> None:
    gw.online = False
    gw._synced = False
    tablet.product.query = "linen"
    tablet.product.search()
    assert tablet.product.error == "offline" and tablet.product.results == []


@pytest.mark.parametrize("lang", ["tr", "en"])
def test_every_filter_has_words(lang: str) -> None:
    for category in CATEGORIES:
        assert t(lang, f"category_{category}") != f"category_{category}"
    assert "STD" in SIZES and t(lang, "size_STD") != "size_STD"
    assert t("tr", "products_found", n="128") == "128 ürün"
    assert t("en", "products_found", n="128") == "128 products"


def test_the_offline_cache_filters_and_counts_as_the_api_does(tmp_path: Path) -> None:
    cache = Cache(tmp_path / "t.db")
    try:
        with cache.write() as conn:
            _put_products(
                conn,
                [
                    cached(1, "Yün Kaşe Palto", "Wool Coat", category="outerwear"),
                    cached(2, "Keten Gömlek", "Linen Shirt", ("S", "M"), category="shirts"),
                    cached(3, "Çizgili Gömlek", "Striped Shirt", category="shirts"),
                ],
            )
            conn.exec_driver_sql(
                "INSERT INTO stock(variant_id, location_id, on_hand, reserved) VALUES (?, ?, ?, ?)",
                [(20, 1, 2, 0), (21, 2, 3, 0), (30, 1, 1, 1)],  # product 3's one unit is held
            )

        def found(**asked: object) -> tuple[list[int], int | None, str | None]:
            page = cache.search_products(ProductQuery.model_validate(asked))
            return [p.id for p in page.items], page.total, page.next_cursor

        words = found(q="gomlek")
        assert sorted(words[0]) == [2, 3] and words[1:] == (2, None)  # best match first
        assert found(category="shirts") == ([2, 3], 2, None)
        assert found(q="gomlek", size="S") == ([2], 1, None)
        assert found(in_stock_at=1) == ([2], 1, None)
        # One garment in the size and in stock there: product 2's M is in the other store.
        assert found(size="M", in_stock_at=1) == ([], 0, None)
        assert found(size="M", in_stock_at=2) == ([2], 1, None)
        first = found(category="shirts", limit=1)
        assert first[:2] == ([2], 2) and first[2] is not None
        assert found(category="shirts", limit=1, cursor=first[2]) == ([3], 2, None)
        assert found(q="gomlek", limit=1)[1:] == (2, "cache:1")
        # The API's cursor cannot be followed here; nothing asked finds nothing.
        assert found(category="shirts", cursor="cDoxMg") == ([], None, None)
        assert found() == ([], 0, None)
    finally:
        cache.close()
