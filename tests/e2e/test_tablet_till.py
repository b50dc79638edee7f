"""A cashier redeems a customer's personal app coupon in one flow, in a real browser (issue
13): the till shows each item's name, size, price and picture and a running total, an old
message goes when it no longer applies, the personal coupon makes the sale its owner's, and
the redemption is credited to that customer (read back through the API)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.server.catalog.models import Variant
from app.server.db import Database, make_engine, utcnow
from app.server.promotions.models import Coupon, Redemption
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
    PORTRAIT,
    by_id,
    close,
    log_in,
    open_app,
    shot,
    submit,
    type_into,
)
from tests.server import HANG_S, ApiProcess

TILL_SCAN = "Ürün barkodu veya kupon QR'ı okutun"


def _personal_coupon(world: DemoWorld) -> tuple[str, str, str]:
    """Customer 1's own unused coupon (what their app's wallet shows), its QR payload, and
    an item to sell."""
    db = Database(make_engine(world.database_url))
    try:
        with db.session() as s:
            used = select(col(Redemption.coupon_id)).where(col(Redemption.status) != "voided")
            code = s.execute(
                select(Coupon.code)
                .where(
                    col(Coupon.customer_id) == 1,
                    col(Coupon.valid_from) <= utcnow(),
                    col(Coupon.valid_until) > utcnow(),
                    col(Coupon.min_basket_kurus) <= 50_000,
                    col(Coupon.id).not_in(used),
                )
                .order_by(col(Coupon.id))
                .limit(1)
            ).scalar_one()
            sku = s.execute(
                select(Variant.sku)
                .where(col(Variant.active).is_(True), col(Variant.price_kurus) >= 50_000)
                .order_by(col(Variant.id))
                .limit(1)
            ).scalar_one()
        return code, factories.coupon_payload(db, code), sku
    finally:
        db.dispose()


def _coupons_on_file(world: DemoWorld) -> dict[str, dict[str, Any]]:
    """Customer 1's coupons still to use, as the API shows them to the store."""
    r = httpx.get(
        f"{world.url}/v1/customers/1",
        headers={"Authorization": f"Bearer {world.token()}"},
        timeout=HANG_S,
    )
    r.raise_for_status()
    return {c["code"]: c for c in r.json()["coupons"]}


def test_a_cashier_redeems_a_customers_personal_app_coupon_in_one_flow(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    code, payload, sku = _personal_coupon(demo_world)
    assert _coupons_on_file(demo_world)[code]["redeemed_count"] == 0
    page = open_app(browser, tablet.url, viewport=PORTRAIT)
    try:
        log_in(page, "demo-cashier")
        by_id(page, "till").click()

        def scan(text: str) -> None:
            type_into(page, TILL_SCAN, text)
            submit(page, TILL_SCAN)

        by_id(page, "check-coupon").click()
        page.get_by_text("Önce ürünleri ve kuponu okutun.").wait_for()
        scan(sku)
        page.get_by_text(f"{sku} × 1").wait_for()
        # The old message went with the scan that answered it.
        page.get_by_text("Önce ürünleri ve kuponu okutun.").wait_for(state="detached")
        assert "Toplam:" in by_id(page, "till-total").inner_text()
        page.get_by_text("Beden ", exact=False).first.wait_for()

        scan(payload)  # the customer's own coupon, off their phone
        by_id(page, "till-shopper").wait_for()
        assert code in by_id(page, "till-coupon").inner_text()  # its code, not the QR's text
        by_id(page, "check-coupon").click()
        page.get_by_text("Kupon bu sepette geçerli.").wait_for()
        by_id(page, "redeem").click()
        page.get_by_text("Kupon kullanıldı.").wait_for()
        shot(page, screenshot_dir / "tablet-till-personal-coupon.png")
    finally:
        close(page)

    # Credited to its owner: used once (its limit), it is no longer among customer 1's
    # coupons to use ...
    assert code not in _coupons_on_file(demo_world)
    db = Database(make_engine(demo_world.database_url))
    try:
        with db.session() as s:
            owners = s.execute(
                select(Redemption.customer_id, Redemption.status)
                .join(Coupon, col(Coupon.id) == col(Redemption.coupon_id))
                .where(col(Coupon.code) == code)
            ).all()
    finally:
        db.dispose()
    # ... and the redemption is theirs.
    assert [(o, st) for o, st in owners] == [(1, "confirmed")]
