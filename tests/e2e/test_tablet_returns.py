"""Scene 12 in a real browser (issue 14): a web order, paid and delivered to the customer's home,
is brought back to a store. The associate finds it by the receipt's number (a wrong number is
refused in words), counts the items by scanning (one too many is refused), chooses the reason,
and takes it back with a double tap: one refund to the card paid with, read back through the
API with the stock back on this store's shelf."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update
from sqlmodel import col

from app.qr.paylink import make_pay_token
from app.server.catalog.models import Location, Variant
from app.server.db import Database, make_engine
from app.server.inventory.models import StockLevel
from app.server.loyalty import service as loyalty
from app.server.orders.models import Order, OrderStatusEvent
from app.tablet.i18n import t
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
    HANG_MS,
    PORTRAIT,
    by_id,
    close,
    log_in,
    open_app,
    said,
    settled,
    shot,
    submit,
    type_into,
)
from tests.server import HANG_S, ApiProcess, start_api

SCAN = "Fiş numarası, sipariş QR'ı ya da müşterinin QR'ı"
BRAND_KEY = "brand-app-key-for-return-e2e"
HOME = {
    "recipient": "Ayşe Yılmaz",
    "line1": "Moda Cad. 12/3",
    "district": "Kadıköy",
    "city": "İstanbul",
    "postal_code": "34710",
}


def choose(page: Any, identifier: str) -> None:
    """Tap a chip and wait until the app has it chosen (a chip reads out as a checkbox): the
    next tap must not land while the scene is redrawn."""
    chip = by_id(page, identifier)
    chip.click()
    expect(chip.get_by_role("checkbox")).to_be_checked(timeout=HANG_MS)


@pytest.fixture
def web_shop(demo_world: DemoWorld, tmp_path: Path) -> Iterator[ApiProcess]:
    """The API with the brand app's credential, as the web shop reaches it."""
    api = start_api(
        demo_world.database_url, log_dir=tmp_path, extra_env={"REYON_BRAND_APP_KEY": BRAND_KEY}
    )
    try:
        yield api
    finally:
        api.stop()


def _available(location: str, at_least: int) -> Any:
    """Variants with at least `at_least` available at the location (a store code, or the
    warehouse), newest first."""
    where = (
        col(Location.kind) == "warehouse" if location == "WEB" else col(Location.code) == location
    )
    return (
        select(Variant.id, Variant.product_id, Variant.sku, Variant.ean13)
        .join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
        .join(Location, col(Location.id) == col(StockLevel.location_id))
        .where(
            where,
            col(StockLevel.on_hand) - col(StockLevel.reserved) >= at_least,
            col(Variant.active).is_(True),
            col(Variant.ean13).is_not(None),
        )
        .order_by(col(Variant.id).desc())
    )


def _delivered_web_order(
    world: DemoWorld, shop: ApiProcess, units: int = 2, sibling_here: bool = False
) -> tuple[dict[str, Any], str, str | None]:
    """`units` of an item the online warehouse has, ordered on the web by customer 1, paid
    through the pay link and delivered: the order, the item's EAN, and (with `sibling_here`)
    the SKU of another size or colour of it that IST01 has on its shelf."""
    db = Database(make_engine(world.database_url))
    try:
        with db.session() as s:
            online = s.execute(_available("WEB", 5).limit(400)).all()
            here = s.execute(_available("IST01", 2).limit(4000)).all()
        sibling = None
        if sibling_here:
            on_shelf = {}
            for _, product, sku_here, _ in here:
                on_shelf.setdefault(product, sku_here)
            _, _, sku, ean = next(v for v in online if v[1] in on_shelf and on_shelf[v[1]] != v[2])
            sibling = on_shelf[next(v[1] for v in online if v[2] == sku)]
        else:
            _, _, sku, ean = online[0]
        with httpx.Client(
            base_url=shop.url, headers={"Authorization": f"Bearer {BRAND_KEY}"}, timeout=HANG_S
        ) as web:
            r = web.post(
                "/v1/brand/orders",
                json={
                    "customer_id": 1,
                    "channel": "web",
                    "lines": [{"sku": sku, "quantity": units}],
                    "fulfilment": {"type": "ship_to_home", "address": HOME},
                },
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
            assert r.status_code == 201, r.text
            order = r.json()
            paid = web.post("/pay/" + make_pay_token(factories.TEST_RING, order["id"]))
            assert paid.status_code == 303 and "result=paid" in paid.headers["location"]
        with db.write() as s:  # the carrier's delivery, which has no endpoint of its own yet
            s.execute(update(Order).where(col(Order.id) == order["id"]).values(status="delivered"))
            s.add(OrderStatusEvent(order_id=order["id"], status="delivered", note="carrier"))
            loyalty.order_reached(s, order_id=order["id"], status="delivered")
        return order, str(ean), sibling
    finally:
        db.dispose()


def test_a_web_order_is_returned_in_store_with_a_refund_to_the_card(
    demo_world: DemoWorld,
    web_shop: ApiProcess,
    tablet: ApiProcess,
    browser: Any,
    screenshot_dir: Path,
) -> None:
    order, ean, _ = _delivered_web_order(demo_world, web_shop)
    line_id = order["lines"][0]["id"]
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        by_id(page, "returns").click()
        by_id(page, "return-start").wait_for()

        def scan(text: str) -> None:
            type_into(page, SCAN, text)
            submit(page, SCAN)

        scan("W-1999-999999")  # a receipt of no order
        by_id(page, "notice").wait_for()
        scan(order["number"])
        by_id(page, "return-opened").wait_for()
        for _ in range(3):  # two were bought: the third is refused in words
            scan(ean)
        page.get_by_text("iade edilebilecek adet tamamlandı", exact=False).wait_for()
        choose(page, f"return-line-{line_id}-reason-wrong_size")
        shot(page, screenshot_dir / "return-chosen.png")
        by_id(page, "return-confirm").dblclick()  # an impatient double tap
        by_id(page, "return-done").wait_for()
        expect(by_id(page, "toast")).to_have_text(t("tr", "return_taken"), timeout=HANG_MS)
        shot(page, screenshot_dir / "return-done.png")
        # Switched to English while the confirmation is up: it follows the switch, as the scene
        # does. It lasts 2.5 s, so a machine slow enough to take longer than that from here to
        # the English scene finds it gone, and has nothing to read; none left in Turkish, then.
        by_id(page, "language").click()
        # The switch redraws the scene, and a tap that lands on the old one is lost (Flet):
        # wait for the English scene before reading it or tapping.
        said(page, t("en", "return_again")).wait_for()
        toasts = page.eval_on_selector_all(
            '[flt-semantics-identifier="toast"]', "els => els.map(e => e.textContent)"
        )
        assert all(words == t("en", "return_taken") for words in toasts), toasts

        token = demo_world.token("demo-associate")
        with httpx.Client(
            base_url=demo_world.url, headers={"Authorization": f"Bearer {token}"}, timeout=HANG_S
        ) as api:
            taken = api.get(f"/v1/orders/{order['id']}/returns").json()["returns"]
        assert len(taken) == 1, "a double tap takes it once"
        [ret] = taken
        assert ret["refund_method"] == "original_payment" and ret["location_code"] == "IST01"
        assert ret["refund_kurus"] == order["total_kurus"]
        assert [(x["quantity"], x["reason"], x["stock"]) for x in ret["lines"]] == [
            (2, "wrong_size", "on_hand")
        ]

        # In English, at portrait size: the same order, nothing left to return. The layout is
        # painted before the tap, which a scene being redrawn would lose.
        page.set_viewport_size(PORTRAIT)
        settled(page, page)
        by_id(page, "return-again").click()
        by_id(page, "return-opened").wait_for()
        said(page, "Returned: 2").wait_for()
        shot(page, screenshot_dir / "return-en-portrait.png")
    finally:
        close(page)


def test_a_size_is_exchanged_from_this_shelf_in_one_flow(
    demo_world: DemoWorld,
    web_shop: ApiProcess,
    tablet: ApiProcess,
    browser: Any,
    screenshot_dir: Path,
) -> None:
    order, ean, other = _delivered_web_order(demo_world, web_shop, units=1, sibling_here=True)
    assert other is not None
    line_id = order["lines"][0]["id"]
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        by_id(page, "returns").click()
        type_into(page, SCAN, order["number"])
        submit(page, SCAN)
        by_id(page, "return-opened").wait_for()
        type_into(page, SCAN, ean)  # the item brought back
        submit(page, SCAN)
        choose(page, f"return-line-{line_id}-reason-wrong_size")
        by_id(page, "exchange-start").click()
        choose(page, f"exchange-{line_id}-{other}")
        said(page, "rafından, hemen teslim").wait_for()
        shot(page, screenshot_dir / "exchange-chosen.png")
        by_id(page, "exchange-confirm").dblclick()  # an impatient double tap
        by_id(page, "exchange-done").wait_for()
        shot(page, screenshot_dir / "exchange-done.png")

        token = demo_world.token("demo-associate")
        with httpx.Client(
            base_url=demo_world.url, headers={"Authorization": f"Bearer {token}"}, timeout=HANG_S
        ) as api:
            [ret] = api.get(f"/v1/orders/{order['id']}/returns").json()["returns"]
            new = api.get(f"/v1/orders/{ret['exchange_order_id']}").json()
        assert [(x["quantity"], x["reason"]) for x in ret["lines"]] == [(1, "wrong_size")]
        assert new["status"] == "collected" and new["channel"] == "store"
        assert [(ln["sku"], ln["quantity"]) for ln in new["lines"]] == [(other, 1)]
    finally:
        close(page)
