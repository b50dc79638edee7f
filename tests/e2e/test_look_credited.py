"""A look's sale credited, end to end in real browsers against the demo API (issue 15): the
demo associate sends Koray a look; Koray opens it on his phone (390 x 844) and reserves an
item in the store; the manager's report on the tablet then credits the associate with that
order and its amount (the figures read back from the API, not assumed)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import col

from app.domain.money import format_try
from app.server.catalog.models import Location, Product, Variant
from app.server.db import Database, make_engine
from app.server.inventory.models import StockLevel
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import HANG_MS, by_id, close, frames, log_in, open_app, shot
from tests.server import HANG_S, ApiProcess

KORAY = 15  # clienteling, e-mail and WhatsApp consent in the demo seed
PHONE = {"width": 390, "height": 844}
ASSOCIATE = "Demo Satış Danışmanı"


def _on_the_shelf(world: DemoWorld) -> int:
    """A variant with units free at the demo store (IST01), to reserve from the look."""
    db = Database(make_engine(world.database_url))
    try:
        with db.session() as s:
            return int(
                s.execute(
                    select(col(Variant.id))
                    .join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
                    .join(Location, col(Location.id) == col(StockLevel.location_id))
                    .join(Product, col(Product.id) == col(Variant.product_id))
                    .where(
                        col(Location.code) == "IST01",
                        col(StockLevel.on_hand) - col(StockLevel.reserved) >= 2,
                        col(Variant.active).is_(True),
                        col(Product.active).is_(True),
                    )
                    .order_by(col(Variant.id))
                    .limit(1)
                ).scalar_one()
            )
    finally:
        db.dispose()


def _mine(api: httpx.Client, me: int) -> dict[str, Any]:
    """The demo associate's outreach figures on today's store report."""
    r = api.get("/v1/reports/store")
    assert r.status_code == 200, r.text
    rows = [x for x in r.json()["outreach"] if x["associate_id"] == me]
    return rows[0] if rows else {"orders_credited": 0, "sales_credited_kurus": 0}


def test_a_reservation_from_a_look_is_credited_on_the_managers_report(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    headers = {"Authorization": f"Bearer {demo_world.token('demo-associate')}"}
    manager = {"Authorization": f"Bearer {demo_world.token('demo-manager')}"}
    with (
        httpx.Client(base_url=demo_world.url, headers=headers, timeout=HANG_S) as api,
        httpx.Client(base_url=demo_world.url, headers=manager, timeout=HANG_S) as boss,
    ):
        r = api.post(
            "/v1/looks",
            json={
                "customer_id": KORAY,
                "variant_ids": [_on_the_shelf(demo_world)],
                "channel": "whatsapp",
                "line": "Merhaba Koray, bunu sizin için ayırabilirim.",
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code == 201, r.text
        look = r.json()
        before = _mine(boss, look["associate_id"])

        phone = browser.new_context(
            viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="tr-TR"
        )
        try:
            page = phone.new_page()
            # The link as the message carries it, on this run's API (its public address is
            # the demo's default, not the port this test's API listens on).
            page.goto(demo_world.url + "/l/" + look["url"].rsplit("/l/", 1)[1])
            page.get_by_role("button", name="Mağazada ayırt").click()
            page.wait_for_url("**/reserved/**")
            assert page.get_by_role("heading", name="Sizin için ayrıldı").is_visible()
        finally:
            phone.close()

        after = _mine(boss, look["associate_id"])
        assert after["orders_credited"] == before["orders_credited"] + 1
        price = look["items"][0]["price_kurus"]
        assert after["sales_credited_kurus"] == before["sales_credited_kurus"] + price

    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-manager")
        by_id(page, "nav-manager").click()
        table = by_id(page, "outreach-table")
        expect(table).to_contain_text(ASSOCIATE, timeout=HANG_MS)
        expect(table).to_contain_text(format_try(after["sales_credited_kurus"]), timeout=HANG_MS)
        # Down to the table, as a finger would (Flutter draws the page on a canvas).
        page.mouse.move(640, 500)
        page.mouse.wheel(0, 3000)
        frames(page, 3)
        shot(page, screenshot_dir / "tablet-manager-outreach.png")
    finally:
        close(page)
