"""The customer as one person, in a real browser against the demo API: their saved items,
try-ons and online cart as pictures; a saved item opens its product on that variant; an order
opens the order scene with its lines and status history, and back; in Turkish, then English,
on a landscape and a portrait tablet."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select

from app.server.catalog.models import Variant
from app.server.customers.models import WishlistEntry
from app.server.db import Database, make_engine
from app.server.orders.models import Order
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
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

SCAN = "QR veya barkodu okutun ya da kodu yazın"


def _first(page: Any, prefix: str) -> tuple[Any, int]:
    """The first control whose identifier is `prefix` and a number, and that number."""
    found = page.locator(f'[flt-semantics-identifier^="{prefix}"]').first
    found.wait_for()
    return found, int(str(found.get_attribute("flt-semantics-identifier"))[len(prefix) :])


def _is_a_picture(png: bytes) -> bool:
    """A product drawing has many colours; the grey placeholder with its icon a handful."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1 << 24)  # None only past 16 M colours
    return colours is None or len(colours) > 200


def _facts(world: DemoWorld, wish_id: int, order_id: int) -> tuple[str, str]:
    db = Database(make_engine(world.database_url))
    try:
        with db.session() as s:
            sku = s.execute(
                select(Variant.sku)
                .join(WishlistEntry, WishlistEntry.variant_id == Variant.id)  # type: ignore[arg-type]
                .where(WishlistEntry.id == wish_id)
            ).scalar_one()
            number = s.execute(select(Order.number).where(Order.id == order_id)).scalar_one()
    finally:
        db.dispose()
    return sku, number


def _scan_customer_1(world: DemoWorld, page: Any) -> None:
    db = Database(make_engine(world.database_url))
    try:
        code = factories.identity_code(db, 1)
    finally:
        db.dispose()
    type_into(page, SCAN, code)
    submit(page, SCAN)
    by_id(page, "customer-name").wait_for()


def test_the_customer_in_pictures_leads_to_products_and_orders(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        _scan_customer_1(demo_world, page)
        sizes = by_id(page, "customer-sizes").inner_text()
        assert "Beden" in sizes and "top:" not in sizes and "bottom:" not in sizes
        saved, wish_id = _first(page, "wish-")
        _, order_id = _first(page, "order-")
        sku, number = _facts(demo_world, wish_id, order_id)
        assert _is_a_picture(settled(saved, page)), "the saved item shows no picture"
        shot(page, screenshot_dir / "tablet-customer-pictures.png")

        # A saved item opens its product on that very variant.
        saved.click()
        by_id(page, "product-name").wait_for()
        page.get_by_text(sku, exact=True).wait_for()
        by_id(page, "back").click()
        by_id(page, "customer-name").wait_for()

        # An order opens the order scene: its lines and its status history.
        by_id(page, f"order-{order_id}").click()
        page.get_by_text(f"Sipariş {number}").wait_for()
        history = by_id(page, "order-history")
        history.wait_for()
        assert "Sipariş geçmişi" in history.inner_text()
        assert "Alındı" in history.inner_text()  # every order was placed once
        assert page.locator('[flt-semantics-identifier^="order-line-"]').count() >= 1
        assert "Toplam" in by_id(page, "order-totals").inner_text()
        shot(page, screenshot_dir / "tablet-order-scene.png")
        by_id(page, "back").click()
        by_id(page, "customer-name").wait_for()

        # The same in English.
        by_id(page, "language").click()
        page.get_by_text("Saved items").wait_for()
        by_id(page, f"order-{order_id}").click()
        page.get_by_text(f"Order {number}").wait_for()
        assert "Status history" in by_id(page, "order-history").inner_text()
        assert "Placed" in by_id(page, "order-history").inner_text()
        by_id(page, "back").click()
        page.get_by_text("Saved items").wait_for()
        by_id(page, "language").click()  # the next test's tablet starts in Turkish again
        page.get_by_text("Favoriler").wait_for()
    finally:
        close(page)


def test_the_customer_on_a_portrait_tablet(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    page = open_app(browser, tablet.url, viewport=PORTRAIT)
    try:
        log_in(page, "demo-associate")
        _scan_customer_1(demo_world, page)
        saved, _ = _first(page, "wish-")
        order, _ = _first(page, "order-")
        for control in (saved, order, by_id(page, "add-note")):
            box = control.bounding_box()
            assert box is not None and box["height"] >= 48 and box["width"] >= 48
            assert box["x"] + box["width"] <= PORTRAIT["width"]
        shot(page, screenshot_dir / "tablet-portrait-customer-pictures.png")
        order.click()
        by_id(page, "order-history").wait_for()
        for identifier in ("order-lines", "order-delivery", "order-totals", "order-history"):
            box = by_id(page, identifier).bounding_box()
            assert box is not None and box["x"] + box["width"] <= PORTRAIT["width"], identifier
        shot(page, screenshot_dir / "tablet-portrait-order.png")
    finally:
        close(page)
