"""The shelf-label product page on a phone, in a real browser: it fits a 390x844 screen,
shows the scanning store's stock, and the scan is recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import col

from app.qr import shelf
from app.server.storefront.models import ShelfScan
from tests import factories
from tests.conftest import World
from tests.e2e.tablet_browser import HANG_MS


def test_phone_opens_the_shelf_label_page(world: World, browser: Any, screenshot_dir: Path) -> None:
    b = world.base
    product_id, _ = factories.product(
        world.db,
        name_tr="Keten Karışımlı Gömlek",
        name_en="Linen Blend Shirt",
        sizes=("XS", "S", "M", "L", "XL"),
        stock={b.stores["IST01"]: 1, b.warehouse: 6},
    )
    url = world.url + shelf.shelf_path(factories.TEST_RING, shelf.ShelfRef(product_id, "IST01"))
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="tr-TR",
    )
    try:
        page = context.new_page()
        response = page.goto(url)
        assert response is not None and response.status == 200
        assert page.get_by_role("heading", name="Keten Karışımlı Gömlek").is_visible()
        assert page.get_by_text("Bu mağazada: Nişantaşı").is_visible()
        assert page.get_by_text("Son 1").count() == 5  # one of each size in this store
        assert page.get_by_text("Online stokta: 30 adet").is_visible()
        save = page.get_by_role("link", name="Favorilerime ekle")
        assert save.is_visible() and save.bounding_box()["height"] >= 48  # touch target
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"page scrolls sideways: {width}px wide"
        page.screenshot(path=str(screenshot_dir / "storefront-product.png"), full_page=True)
        page.get_by_role("link", name="English").click()
        # A new page is loaded: wait for it (is_visible() asks once, maybe of the old one).
        expect(page.get_by_role("heading", name="Linen Blend Shirt")).to_be_visible(timeout=HANG_MS)
    finally:
        context.close()
    with world.db.session() as s:
        scans = list(
            s.execute(select(ShelfScan).where(col(ShelfScan.product_id) == product_id)).scalars()
        )
    # One scan: switching the language is the same visit.
    assert len(scans) == 1 and scans[0].location_id == b.stores["IST01"]
