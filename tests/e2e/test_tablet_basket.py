"""The endless-aisle basket in a real browser (issue 13): fast taps on the stepper all count
and stop at the line's bound, a large order is confirmed in a dialog before it goes, and the
confirmation says what happened (where from, the day promised, the pay link, sent by SMS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import col

from app.server.catalog.models import Location, Variant
from app.server.customers.models import Customer
from app.server.db import Database, make_engine
from app.server.inventory.models import StockLevel
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import by_id, close, log_in, open_app, shot, submit, type_into
from tests.server import ApiProcess

SCAN = "QR veya barkodu okutun ya da kodu yazın"


def _facts(world: DemoWorld) -> tuple[str, str, str]:
    """Customer 1's identity code and phone, and a SKU the warehouse holds plenty of."""
    db = Database(make_engine(world.database_url))
    try:
        code = factories.identity_code(db, 1)
        with db.session() as s:
            phone = s.execute(select(Customer.phone).where(col(Customer.id) == 1)).scalar_one()
            sku = s.execute(
                select(Variant.sku)
                .join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
                .join(Location, col(Location.id) == col(StockLevel.location_id))
                .where(
                    col(Location.kind) == "warehouse",
                    col(StockLevel.on_hand) - col(StockLevel.reserved) >= 15,
                    col(Variant.active).is_(True),
                )
                .order_by(col(Variant.id))
                .limit(1)
            ).scalar_one()
    finally:
        db.dispose()
    return code, str(phone), sku


def _scan(page: Any, text: str) -> None:
    type_into(page, SCAN, text)
    submit(page, SCAN)


def _tap(page: Any, identifier: str, times: int) -> None:
    """Fast taps where the button is, as a finger does: no waiting between them."""
    box = by_id(page, identifier).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for _ in range(times):
        page.mouse.click(x, y)


def _shows(page: Any, identifier: str, text: str) -> None:
    handle = by_id(page, identifier).element_handle()
    page.wait_for_function("([e, t]) => e.textContent.trim() === t", arg=[handle, text])


def test_fast_taps_count_a_large_order_is_confirmed_and_the_confirmation_says_it_all(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    code, phone, sku = _facts(demo_world)
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        # The first sync's end redraws the scene: a code typed meanwhile would be lost.
        handle = by_id(page, "net-status").element_handle()
        page.wait_for_function("e => e.textContent.includes('Çevrimiçi')", arg=handle)
        _scan(page, code)  # the customer, by their app's code
        by_id(page, "customer-name").wait_for()
        by_id(page, "nav-home").click()
        _scan(page, sku)  # the product, by its label
        by_id(page, "product-name").wait_for()
        by_id(page, "add-to-basket").click()
        page.get_by_text("Sepete eklendi.").wait_for()
        by_id(page, "nav-home").click()
        by_id(page, "recent-1").click()
        by_id(page, "basket").click()
        _shows(page, f"qty-{sku}", "1")

        # Fast taps all count (none lost to a redraw) ...
        _tap(page, f"qty-more-{sku}", 5)
        _shows(page, f"qty-{sku}", "6")
        _tap(page, f"qty-less-{sku}", 3)
        _shows(page, f"qty-{sku}", "3")
        # ... and stop at the line's bound; "-" stops at one.
        _tap(page, f"qty-more-{sku}", 30)
        _shows(page, f"qty-{sku}", "10")
        assert "10 ürün" in by_id(page, "basket-total").inner_text()
        shot(page, screenshot_dir / "basket-bounded.png")
        _tap(page, f"qty-less-{sku}", 12)
        _shows(page, f"qty-{sku}", "1")
        _tap(page, f"qty-more-{sku}", 6)
        _shows(page, f"qty-{sku}", "7")

        # Seven units: asked first. "No" leaves the basket as it was.
        by_id(page, "place-order").click()
        by_id(page, "large-order").wait_for()
        assert "7 ürün" in by_id(page, "large-order").inner_text()
        shot(page, screenshot_dir / "basket-large-order.png")
        by_id(page, "large-order-no").click()
        by_id(page, "large-order").wait_for(state="detached")
        _shows(page, f"qty-{sku}", "7")
        by_id(page, "place-order").click()
        by_id(page, "large-order-yes").click()

        by_id(page, "order-number").wait_for()
        number = by_id(page, "order-number").inner_text().rsplit(" ", 1)[-1]
        assert number.startswith("EA-IST01-")
        by_id(page, f"placed-{sku}").wait_for()
        page.get_by_text("Gönderileceği yer:", exact=False).first.wait_for()
        assert "Tahmini teslim:" in by_id(page, "expected-on").inner_text()
        by_id(page, "pay-link-qr").wait_for()
        by_id(page, "pay-link-sms").click()
        page.get_by_text("Ödeme bağlantısı müşterinin telefonuna SMS ile gönderildi.").wait_for()
        shot(page, screenshot_dir / "basket-confirmation.png")
        outbox = demo_world.api.sms_outbox
        assert outbox is not None
        texts = [x["text"] for x in map(json.loads, outbox.read_text().splitlines())]
        assert any(number in text and "/pay/" in text for text in texts), texts
        sent_to = {x["to"] for x in map(json.loads, outbox.read_text().splitlines())}
        assert phone in sent_to

        # The same confirmation in English.
        by_id(page, "language").click()
        page.get_by_text("Send by e-mail").wait_for()
        assert "Expected delivery:" in by_id(page, "expected-on").inner_text()
        shot(page, screenshot_dir / "basket-confirmation-en.png")
    finally:
        close(page)
