"""The product scene in a real browser against the demo API: a search narrowed by a category
and "in stock here" says how many it found and shows pictures; a product shows this store's
count in every cell of its size x colour grid, and a tapped cell lists the stores nearby.
Landscape and portrait, Turkish and English."""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path
from typing import Any

from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import col

from app.contracts.catalog import ProductQuery
from app.server.catalog import service as catalog
from app.server.catalog.models import Location, Variant
from app.server.db import Database, make_engine
from app.server.inventory.models import StockLevel
from app.tablet.i18n import count, t
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
    HANG_MS,
    PORTRAIT,
    by_id,
    close,
    log_in,
    open_app,
    settled,
    shot,
    submit,
    type_into,
)
from tests.server import ApiProcess

SEARCH_TR, SEARCH_EN = t("tr", "search_product"), t("en", "search_product")


def _expected(world: DemoWorld, query: ProductQuery) -> int:
    """How many products the API finds for `query` (what the screen must say)."""
    db = Database(make_engine(world.database_url))
    try:
        with db.session() as s:
            total = catalog.search_products(db_session=s, query=query).total
    finally:
        db.dispose()
    assert total is not None
    return total


def _here(world: DemoWorld, product_id: int) -> dict[str, int]:
    """Each variant's units available in the demo associate's store, by SKU."""
    store_id = _store_id(world)
    db = Database(make_engine(world.database_url))
    try:
        with db.session() as s:
            skus = s.execute(
                select(col(Variant.sku), col(Variant.id)).where(
                    col(Variant.product_id) == product_id, col(Variant.active).is_(True)
                )
            ).all()
            held: dict[int, int] = {
                int(vid): int(n)
                for vid, n in s.execute(
                    select(
                        col(StockLevel.variant_id),
                        col(StockLevel.on_hand) - col(StockLevel.reserved),
                    ).where(col(StockLevel.location_id) == store_id)
                ).all()
            }
    finally:
        db.dispose()
    return {sku: max(held.get(vid, 0), 0) for sku, vid in skus}


def _store_id(world: DemoWorld, store: str = "IST01") -> int:
    db = Database(make_engine(world.database_url))
    try:
        with db.session() as s:
            found = s.execute(select(col(Location.id)).where(col(Location.code) == store))
            return int(found.scalar_one())
    finally:
        db.dispose()


def _is_a_picture(element: Any, page: Any) -> bool:
    """A drawn product, not the grey placeholder: the placeholder has two greys and their
    edges; a picture has many colours."""
    image = Image.open(BytesIO(settled(element, page))).convert("RGB")
    return len(set(image.get_flattened_data())) > 40


def _first_card(page: Any) -> tuple[Any, int]:
    card = page.locator('[flt-semantics-identifier^="product-"]').first
    card.wait_for()
    identifier = card.get_attribute("flt-semantics-identifier")
    return card, int(identifier.removeprefix("product-"))


def _filter_and_open(page: Any, world: DemoWorld, *, search: str, words: str) -> int:
    """Search, narrow to shirts in stock here, check the count and the pictures, open the
    first; the product's id."""
    by_id(page, "products").click()
    type_into(page, search, "gomlek")
    submit(page, search)
    lang = _lang(words)

    def says(n: int) -> None:
        said = re.compile(rf"\b{re.escape(count(lang, n))} {words}")
        expect(by_id(page, "search-count")).to_contain_text(said, timeout=HANG_MS)

    says(_expected(world, ProductQuery(q="gomlek")))
    by_id(page, "category-shirts").click()
    says(_expected(world, ProductQuery(q="gomlek", category="shirts")))
    by_id(page, "in-stock-here").click()
    n = _expected(world, ProductQuery(q="gomlek", category="shirts", in_stock_at=_store_id(world)))
    assert n > 0, "the demo store has shirts"
    says(n)
    _, product_id = _first_card(page)
    picture = by_id(page, f"thumb-{product_id}")
    assert _is_a_picture(picture, page), "the result shows its picture"
    return product_id


def _lang(words: str) -> str:
    return "tr" if words == "ürün" else "en"


PRODUCTS = {"tr": "ürün", "en": "products?"}  # how the count ends ("1 product")


def _grid_shows_this_store(page: Any, world: DemoWorld, product_id: int) -> None:
    here = _here(world, product_id)
    for sku, n in here.items():
        # The cell reads out its count (as its label or its text, as Flutter decides).
        cell = by_id(page, f"variant-{sku}")
        expect(cell).to_have_accessible_name(re.compile(rf"^{n}\b"), timeout=HANG_MS)
    # Tapping another cell: that variant is chosen and the stores list it.
    chosen = by_id(page, "chosen-sku").inner_text()
    other = [sku for sku in here if sku != chosen]
    if other:
        by_id(page, f"variant-{other[0]}").click()
        expect(by_id(page, "chosen-sku")).to_have_text(other[0], timeout=HANG_MS)
    by_id(page, "stock-IST01").wait_for()
    assert _is_a_picture(by_id(page, "product-picture"), page)


def test_search_with_filters_then_the_grid_with_this_stores_stock(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        product_id = _filter_and_open(page, demo_world, search=SEARCH_TR, words=PRODUCTS["tr"])
        # The search field stays at the top whatever scrolls below it.
        box = page.get_by_role("textbox", name=SEARCH_TR).bounding_box()
        assert box is not None and box["y"] < 200
        for identifier in ("category-shirts", "in-stock-here"):
            pill = by_id(page, identifier).bounding_box()
            assert pill is not None and pill["height"] >= 48, identifier
        shot(page, screenshot_dir / "product-search-tr.png")

        by_id(page, f"product-{product_id}").click()
        by_id(page, "product-name").wait_for()
        by_id(page, "grid-legend").wait_for()
        _grid_shows_this_store(page, demo_world, product_id)
        for sku in _here(demo_world, product_id):
            cell = by_id(page, f"variant-{sku}").bounding_box()
            assert cell is not None and cell["height"] >= 48, sku
        shot(page, screenshot_dir / "product-grid-tr.png")

        by_id(page, "language").click()
        page.get_by_text("Stock in this store").wait_for()
        shot(page, screenshot_dir / "product-grid-en.png")
        by_id(page, "to-results").click()
        by_id(page, "search-count").wait_for()
        expect(by_id(page, "search-count")).to_contain_text("products", timeout=HANG_MS)
        shot(page, screenshot_dir / "product-search-en.png")
    finally:
        close(page)


def test_the_product_scene_in_portrait(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    page = open_app(browser, tablet.url, viewport=PORTRAIT)
    try:
        log_in(page, "demo-associate")
        by_id(page, "language").click()
        page.get_by_text("Recent customers").wait_for()
        product_id = _filter_and_open(page, demo_world, search=SEARCH_EN, words=PRODUCTS["en"])
        for identifier in ("in-stock-here", f"product-{product_id}"):
            box = by_id(page, identifier).bounding_box()
            assert box is not None and box["x"] + box["width"] <= PORTRAIT["width"], identifier
        shot(page, screenshot_dir / "product-search-portrait-en.png")
        by_id(page, f"product-{product_id}").click()
        by_id(page, "grid-legend").wait_for()
        _grid_shows_this_store(page, demo_world, product_id)
        shot(page, screenshot_dir / "product-grid-portrait-en.png")
        by_id(page, "language").click()
        page.get_by_text("Bu mağazadaki stok").wait_for()
        shot(page, screenshot_dir / "product-grid-portrait-tr.png")
    finally:
        close(page)
