"""Scene 11 in a real browser (issue 14): an associate prepares a click & collect order and
hands it over by scanning the customer's app QR code. The item is scanned at the list (the
oldest order waiting for it opens), a wrong item is refused in words, ready tells the
customer, and the order is collected once, read back through the API."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect
from sqlalchemy import select
from sqlmodel import col

from app.qr.paylink import make_pay_token
from app.server.catalog.models import Location, Variant
from app.server.db import Database, make_engine
from app.server.inventory.models import StockLevel
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
    HANG_MS,
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

SCAN = "Ürün barkodu, müşteri QR'ı veya teslim kodu okutun"
HOME = {
    "recipient": "Ayşe Yılmaz",
    "line1": "Moda Cad. 12/3",
    "district": "Kadıköy",
    "city": "İstanbul",
    "postal_code": "34710",
}
SCAN_EN = "Scan an item's barcode, the customer's QR or a pickup code"


def _api(world: DemoWorld) -> tuple[httpx.Client, int]:
    """The API as the demo associate, and their store's id."""
    r = httpx.post(
        f"{world.url}/v1/auth/login",
        json=factories.login_body(world.tablet, "demo-associate", pin="1234"),
        timeout=HANG_S,
    )
    r.raise_for_status()
    session = r.json()
    client = httpx.Client(
        base_url=world.url,
        headers={"Authorization": f"Bearer {session['access_token']}"},
        timeout=HANG_S,
    )
    return client, int(session["associate"]["store"]["id"])


def _order_to_prepare(world: DemoWorld) -> tuple[dict[str, Any], str, str, str]:
    """A click & collect order for customer 1 at IST01, of an item no order in the store's
    queue waits for (so scanning it at the list opens this one); its EAN, another item's EAN
    that is on no line of it, and the customer's app QR code."""
    db = Database(make_engine(world.database_url))
    try:
        api, store = _api(world)
        with api:
            queue = api.get(f"/v1/stores/{store}/to-prepare", params={"limit": 500}).json()
            wanted = {ln["sku"] for o in queue["orders"] for ln in o["lines"]}
            with db.session() as s:
                rows = s.execute(
                    select(Variant.sku, Variant.ean13)
                    .join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
                    .join(Location, col(Location.id) == col(StockLevel.location_id))
                    .where(
                        col(Location.code) == "IST01",
                        col(StockLevel.on_hand) - col(StockLevel.reserved) >= 3,
                        col(Variant.active).is_(True),
                    )
                    .order_by(col(Variant.id))
                    .limit(400)
                ).all()
            free = [(sku, ean) for sku, ean in rows if sku not in wanted and ean]
            (sku, ean), (_, other_ean) = free[0], free[1]
            r = api.post(
                "/v1/orders",
                json={
                    "customer_id": 1,
                    "lines": [{"sku": sku, "quantity": 2}],
                    "fulfilment": {"type": "click_collect"},
                },
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
            assert r.status_code == 201, r.text
        return r.json(), ean, other_ean, factories.identity_code(db, 1)
    finally:
        db.dispose()


def _parcel_to_send(world: DemoWorld) -> tuple[dict[str, Any], str]:
    """A home delivery for customer 1 of one item from IST01's shelf, paid through its pay
    link: a parcel for IST01 to pick, pack and ship; and the item's EAN."""
    db = Database(make_engine(world.database_url))
    try:
        with db.session() as s:
            sku, ean = s.execute(
                select(Variant.sku, Variant.ean13)
                .join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
                .join(Location, col(Location.id) == col(StockLevel.location_id))
                .where(
                    col(Location.code) == "IST01",
                    col(StockLevel.on_hand) - col(StockLevel.reserved) >= 3,
                    col(Variant.active).is_(True),
                    col(Variant.ean13).is_not(None),
                )
                .order_by(col(Variant.id).desc())
                .limit(1)
            ).one()
        api, store = _api(world)
        with api:
            r = api.post(
                "/v1/orders",
                json={
                    "customer_id": 1,
                    "lines": [{"sku": sku, "quantity": 1, "source_location_id": store}],
                    "fulfilment": {"type": "ship_to_home", "address": HOME},
                },
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
            assert r.status_code == 201, r.text
            paid = api.post("/pay/" + make_pay_token(factories.TEST_RING, r.json()["id"]))
            assert paid.status_code == 303 and "result=paid" in paid.headers["location"]
        return r.json(), str(ean)
    finally:
        db.dispose()


def _status(world: DemoWorld, order_id: int) -> str:
    api, _ = _api(world)
    with api:
        r = api.get(f"/v1/orders/{order_id}")
        r.raise_for_status()
        return str(r.json()["status"])


def test_an_associate_prepares_a_click_and_collect_order_and_hands_it_over_by_the_customers_qr(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    order, ean, other_ean, identity = _order_to_prepare(demo_world)
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        by_id(page, "prepare").click()
        page.get_by_text("Hazırlanacak siparişler").wait_for()
        by_id(page, f"prepare-order-{order['id']}").wait_for()
        shot(page, screenshot_dir / "prepare-queue.png")

        def scan(text: str, label: str = SCAN) -> None:
            type_into(page, label, text)
            submit(page, label)

        def arrives(target: Any, step: str) -> None:
            """Wait for `target`; a message that came instead fails the step with its words."""
            notice = by_id(page, "notice")
            target.or_(notice).first.wait_for()
            if not target.is_visible():
                raise AssertionError(f"{step}: the tablet said {notice.inner_text()!r}")

        # At the list, the item opens the order waiting for it and counts as picked.
        scan(ean)
        opened = by_id(page, "prepare-opened")
        arrives(opened, "scanning the item at the list")
        # Flet merges a card's words into its accessible name, not into text nodes.
        expect(opened).to_have_accessible_name(
            re.compile(re.escape(order["number"])), timeout=HANG_MS
        )
        expect(by_id(page, f"prepare-line-{order['lines'][0]['id']}")).to_have_accessible_name(
            re.compile("Toplanan: 1/2"), timeout=HANG_MS
        )
        # Something else is refused in words and nothing moves; the second unit completes it.
        scan(other_ean)
        page.get_by_text("Okutulan ürün bu siparişte yok", exact=False).wait_for()
        scan(ean)
        expect(by_id(page, f"prepare-line-{order['lines'][0]['id']}")).to_have_accessible_name(
            re.compile("Toplanan: 2/2"), timeout=HANG_MS
        )
        by_id(page, "prepare-ready").click()
        page.get_by_text("Müşterinin uygulamadaki QR kodunu", exact=False).wait_for()
        assert _status(demo_world, order["id"]) == "ready"
        shot(page, screenshot_dir / "prepare-ready.png")
        # The customer shows their app's QR code; the associate hands the order over.
        scan(identity)
        by_id(page, "prepare-proof").get_by_text("Müşterinin kodu okundu").wait_for()
        by_id(page, "prepare-hand-over").click()
        page.get_by_text("2 ürün teslim edildi", exact=False).wait_for()
        by_id(page, f"prepare-order-{order['id']}").wait_for(state="detached")
        assert _status(demo_world, order["id"]) == "collected"

        # The list in English, at portrait size too.
        by_id(page, "language").click()
        page.get_by_text("Orders to prepare").wait_for()
        page.set_viewport_size(PORTRAIT)
        page.get_by_role("textbox", name=SCAN_EN).wait_for()
        shot(page, screenshot_dir / "prepare-queue-en-portrait.png")
    finally:
        close(page)


def test_a_parcel_is_picked_packed_and_shipped_from_the_store(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    order, ean = _parcel_to_send(demo_world)
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        by_id(page, "prepare").click()
        by_id(page, f"prepare-order-{order['id']}").click()
        opened = by_id(page, "prepare-opened")
        opened.wait_for()
        type_into(page, SCAN, ean)
        submit(page, SCAN)
        by_id(page, "prepare-pack").click()
        by_id(page, "prepare-ship").wait_for()
        shot(page, screenshot_dir / "prepare-parcel.png")
        by_id(page, "prepare-ship").click()
        page.get_by_text("Kargoya verildi", exact=False).wait_for()
        by_id(page, f"prepare-order-{order['id']}").wait_for(state="detached")
        assert _status(demo_world, order["id"]) == "shipped"
    finally:
        close(page)
