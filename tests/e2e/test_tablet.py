"""The associate tablet app in a real browser against a real API with the demo retailer:
log in (a wrong PIN first), identify a customer by typing their identity QR code the way a
hardware scanner does, see them as one person, switch to English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.qr.images import decode_one
from app.qr.paylink import verify_pay_token
from app.server.catalog.models import Variant
from app.server.db import Database, make_engine
from app.server.orders.models import Order
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
    by_id,
    close,
    enter_pin,
    log_in,
    open_app,
    settled,
    shot,
    submit,
    type_into,
)
from tests.server import ApiProcess


def test_log_in_scan_a_customer_and_see_them_as_one_person(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    db = Database(make_engine(demo_world.database_url))
    try:
        code = factories.identity_code(db, 1)
    finally:
        db.dispose()
    page = open_app(browser, tablet.url)
    try:
        type_into(page, "Mağaza kodu", "IST01")
        type_into(page, "Personel kodu", "demo-associate")
        enter_pin(page, "9999")
        page.get_by_role("button", name="Giriş").click()
        page.get_by_text("PIN hatalı. Tekrar deneyin.").wait_for()
        shot(page, screenshot_dir / "tablet-login.png")

        enter_pin(page, "1234")
        page.get_by_text("PIN hatalı. Tekrar deneyin.").wait_for(state="hidden")
        page.get_by_role("button", name="Giriş").click()
        page.get_by_text("Son müşteriler").wait_for()
        assert "Satış danışmanı" in by_id(page, "who").inner_text()
        shot(page, screenshot_dir / "tablet-home.png")

        # A hardware scanner types the code into the focused field and presses Enter.
        type_into(page, "QR veya barkodu okutun ya da kodu yazın", code)
        submit(page, "QR veya barkodu okutun ya da kodu yazın")
        page.get_by_text("Favoriler").wait_for()
        assert "Ayşe Yılmaz" in by_id(page, "customer-name").inner_text()
        for section in ("wishlist", "orders", "try-ons"):
            assert by_id(page, f"section-{section}").is_visible()
        assert "Kayıt yok." not in by_id(page, "section-orders").inner_text()
        # Customer 1 gave standing consent in the demo data; others show the visit grant.
        page.get_by_text(re.compile("Onaylı müşteri|QR ile tanımlandı")).first.wait_for()
        shot(page, screenshot_dir / "tablet-customer.png")

        # Find a product, see where it is in stock, record that she liked it (two taps).
        by_id(page, "products").click()
        type_into(page, "Ürün ara (ad, marka, stil kodu)", "gomlek")
        submit(page, "Ürün ara (ad, marka, stil kodu)")
        page.locator('[flt-semantics-identifier^="product-"]').first.click()
        by_id(page, "product-name").wait_for()
        assert "Gömlek" in by_id(page, "product-name").inner_text()
        assert by_id(page, "stock-IST01").is_visible()  # this store first
        assert by_id(page, "stock-WEB").is_visible()  # and the online warehouse
        by_id(page, "try-on-liked").click()
        page.get_by_text("Deneme kaydedildi.").wait_for()
        shot(page, screenshot_dir / "tablet-product.png")

        # The size is not here? Order it: basket, ship to home, place, pay-link QR on screen.
        by_id(page, "add-to-basket").click()
        page.get_by_text("Sepete eklendi.").wait_for()
        by_id(page, "back").click()  # back to the customer
        by_id(page, "basket").click()
        by_id(page, "place-order").click()
        by_id(page, "order-number").wait_for()
        number = by_id(page, "order-number").inner_text().rsplit(" ", 1)[-1]
        assert number.startswith("EA-IST01-")
        # The customer's phone scans the QR on the tablet's screen: read it off a screenshot.
        # The image is decoded and drawn a moment after the layout: read it once settled.
        shown = decode_one(settled(by_id(page, "pay-link-qr"), page))
        assert shown is not None, "no QR code readable on the confirmation screen"
        link = verify_pay_token(factories.TEST_RING, shown.text)
        shot(page, screenshot_dir / "tablet-order.png")
        by_id(page, "back").click()
        assert number in by_id(page, "section-orders").inner_text()
        orders = Database(make_engine(demo_world.database_url))
        try:
            with orders.session() as session:
                order_id = session.execute(
                    select(Order.id).where(Order.number == number)
                ).scalar_one()
        finally:
            orders.dispose()
        assert link.order_id == order_id  # the QR on screen pays exactly this order

        # The same code shown again is refused, with the reason.
        by_id(page, "back").click()
        type_into(page, "QR veya barkodu okutun ya da kodu yazın", code)
        submit(page, "QR veya barkodu okutun ya da kodu yazın")
        page.get_by_text("Kod kabul edilmedi", exact=False).wait_for()
        assert by_id(page, "recent-1").is_visible()  # the customer is in the recent list

        by_id(page, "language").click()
        page.get_by_text("Recent customers").wait_for()
        by_id(page, "recent-1").click()
        page.get_by_text("Saved items").wait_for()
    finally:
        close(page)


def test_cashier_redeems_a_coupon_once_and_the_second_time_is_refused(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    db = Database(make_engine(demo_world.database_url))
    try:
        code = factories.coupon(db, kind="amount", value=10_000, max_redemptions=1)
        payload = factories.coupon_payload(db, code)
        with db.session() as session:
            sku = session.execute(
                select(Variant.sku).where(Variant.price_kurus >= 20_000).limit(1)
            ).scalar_one()
    finally:
        db.dispose()
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-cashier")
        by_id(page, "till").click()

        def scan_at_till(text: str) -> None:
            type_into(page, "Ürün barkodu veya kupon QR'ı okutun", text)
            submit(page, "Ürün barkodu veya kupon QR'ı okutun")

        scan_at_till(sku)
        page.get_by_text(f"{sku} × 1").wait_for()
        scan_at_till(payload)
        by_id(page, "till-coupon").wait_for()
        by_id(page, "check-coupon").click()
        page.get_by_text("Kupon bu sepette geçerli.").wait_for()
        assert "İndirim: 100,00 TL" in by_id(page, "till-check").inner_text()
        by_id(page, "redeem").click()
        page.get_by_text("Kupon kullanıldı.").wait_for()

        by_id(page, "new-sale").click()
        scan_at_till(sku)
        page.get_by_text(f"{sku} × 1").wait_for()
        scan_at_till(payload)
        by_id(page, "till-coupon").wait_for()
        by_id(page, "redeem").click()
        page.get_by_text("Bu kupon zaten kullanılmış", exact=False).wait_for()
        shot(page, screenshot_dir / "tablet-till.png")
    finally:
        close(page)
