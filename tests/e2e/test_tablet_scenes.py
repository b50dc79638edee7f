"""The tablet's other ways in and its back office, in a real browser against the demo API:
a customer identified through the tablet's camera (Chromium's fake camera films a photo-like
scene of their identity QR), a product from a picked photo of its barcode, the manager's
report with charts, settings, and the portrait layout."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import httpx
import zxingcpp
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from app.server.catalog.models import Product, Variant
from app.server.db import Database, make_engine
from app.server.inventory.models import StockLevel
from app.tablet.i18n import money
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.conftest import launch
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
from tests.qr_scenes import barcode_png, photo_scene, y4m_video
from tests.server import HANG_S, ApiProcess


def _db(world: DemoWorld) -> Database:
    return Database(make_engine(world.database_url))


def test_the_camera_reads_a_customers_identity_code(
    demo_world: DemoWorld, tablet: ApiProcess, playwright: Any, tmp_path: Path
) -> None:
    db = _db(demo_world)
    try:
        code = factories.identity_code(db, 2)
    finally:
        db.dispose()
    video = y4m_video(photo_scene(code, seed=3), tmp_path / "counter.y4m")
    camera_browser = launch(
        playwright,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    try:
        page = open_app(camera_browser, tablet.url)
        log_in(page, "demo-associate")
        by_id(page, "scan-camera").click()
        # The dialog films the counter until the code decodes, then opens the customer.
        by_id(page, "customer-name").wait_for()
        assert by_id(page, "camera-status").count() == 0  # the camera closed itself
        page.get_by_text("QR ile tanımlandı", exact=False).first.wait_for()
        close(page)
    finally:
        camera_browser.close()


def test_a_picked_photo_of_a_barcode_opens_the_product(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, tmp_path: Path
) -> None:
    db = _db(demo_world)
    try:
        with db.session() as s:
            ean, name = s.execute(
                select(Variant.ean13, Product.name_tr)
                .join(Product, Product.id == Variant.product_id)  # type: ignore[arg-type]
                .order_by(Variant.id)
                .limit(1)
            ).one()
    finally:
        db.dispose()
    photo = tmp_path / "hang-tag.png"
    photo.write_bytes(barcode_png(ean, zxingcpp.BarcodeFormat.EAN13))
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        with page.expect_file_chooser() as chooser:
            by_id(page, "scan-photo").click()
        chooser.value.set_files(str(photo))
        by_id(page, "product-name").wait_for()
        assert name in by_id(page, "product-name").inner_text()

        # A photo with no code in it says so.
        blank = tmp_path / "shelf.png"
        Image.new("RGB", (640, 480), (200, 190, 170)).save(blank)
        by_id(page, "nav-home").click()
        with page.expect_file_chooser() as chooser:
            by_id(page, "scan-photo").click()
        chooser.value.set_files(str(blank))
        page.get_by_text("Fotoğrafta okunabilir bir kod bulunamadı.").wait_for()
    finally:
        close(page)


def _endless_aisle_order(world: DemoWorld) -> int:
    """An order placed today by the demo associate, as the tablet would place it."""
    db = _db(world)
    try:
        with db.session() as s:
            sku = s.execute(
                select(Variant.sku)
                .join(StockLevel, StockLevel.variant_id == Variant.id)  # type: ignore[arg-type]
                .where(StockLevel.on_hand - StockLevel.reserved >= 5)
                .order_by(Variant.id)
                .limit(1)
            ).scalar_one()
    finally:
        db.dispose()
    token = world.token("demo-associate")
    r = httpx.post(
        f"{world.url}/v1/orders",
        headers={"Authorization": f"Bearer {token}"},
        json={
            "customer_id": 3,
            "lines": [{"sku": sku, "quantity": 1}],
            "fulfilment": {
                "type": "ship_to_home",
                "address": {"recipient": "Test", "line1": "Bağdat Cad. 1", "city": "İstanbul"},
            },
        },
        timeout=HANG_S,
    )
    assert r.status_code == 201, r.text
    return int(r.json()["total_kurus"])


def test_the_manager_sees_the_store_day_as_charts(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    _endless_aisle_order(demo_world)
    manager = demo_world.token("demo-manager")
    report = httpx.get(
        f"{demo_world.url}/v1/reports/store",
        headers={"Authorization": f"Bearer {manager}"},
        timeout=HANG_S,
    ).json()
    assert report["endless_aisle_orders"] >= 1
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-manager")
        by_id(page, "nav-manager").click()
        tile = by_id(page, "kpi-endless-aisle")
        tile.wait_for()
        # The figures on screen are the API's, in Turkish money format. Each read waits for
        # the scene to show it: a redraw may still be on its way.
        expect(tile).to_contain_text(money(report["endless_aisle_revenue_kurus"]), timeout=HANG_MS)
        expect(by_id(page, "chart-associates")).to_contain_text(
            "Demo Satış Danışmanı", timeout=HANG_MS
        )
        # A month ending today holds the demo data's shelf scans and redemptions too.
        by_id(page, "period-30").click()
        page.get_by_text(re.compile(r"\d+ okutma")).wait_for()
        shot(page, screenshot_dir / "tablet-manager.png")
        by_id(page, "report-earlier").click()
        expect(by_id(page, "report-date")).to_contain_text("–", timeout=HANG_MS)
    finally:
        close(page)


def test_settings_check_the_api_and_keep_the_tablet_working(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    page = open_app(browser, tablet.url)
    try:
        by_id(page, "login-settings").click()
        assert by_id(page, "device-id").inner_text() == demo_world.tablet.device_id
        page.get_by_text("Bağlı: Reyon", exact=False).wait_for()
        type_into(page, "Merkez API adresi", "not a url at all")
        by_id(page, "api-save").click()
        page.get_by_text("Bu bir adres değil", exact=False).wait_for()
        type_into(page, "Merkez API adresi", "http://127.0.0.1:9")
        by_id(page, "api-save").click()
        page.get_by_text("önceki adres kullanılmaya devam ediyor", exact=False).wait_for()
        # Still the working API, and still its version shown.
        assert by_id(page, "api-in-use").inner_text() == demo_world.url
        assert by_id(page, "server-version").inner_text() != "–"
        by_id(page, "lang-en").click()
        page.get_by_text("This tablet's id").wait_for()
        shot(page, screenshot_dir / "tablet-settings.png")
        by_id(page, "back").click()
        # The tablet still talks to the API that works.
        type_into(page, "Store code", "IST01")
        type_into(page, "Associate code", "demo-associate")
        for d in "1234":
            by_id(page, f"pin-{d}").click()
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Recent customers").wait_for()
    finally:
        close(page)


def test_portrait_tablet_layout(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    db = _db(demo_world)
    try:
        code = factories.identity_code(db, 4)
    finally:
        db.dispose()
    page = open_app(browser, tablet.url, viewport=PORTRAIT)
    try:
        log_in(page, "demo-associate")
        for identifier in ("scan-submit", "scan-camera", "scan-photo", "products"):
            box = by_id(page, identifier).bounding_box()
            assert box is not None and box["height"] >= 48 and box["width"] >= 48, identifier
            assert box["x"] + box["width"] <= PORTRAIT["width"], f"{identifier} off screen"
        shot(page, screenshot_dir / "tablet-portrait-home.png")
        type_into(page, "QR veya barkodu okutun ya da kodu yazın", code)
        submit(page, "QR veya barkodu okutun ya da kodu yazın")
        by_id(page, "customer-name").wait_for()
        for section in ("wishlist", "orders", "notes"):
            box = by_id(page, f"section-{section}").bounding_box()
            assert box is not None and box["x"] + box["width"] <= PORTRAIT["width"], section
        shot(page, screenshot_dir / "tablet-portrait-customer.png")
    finally:
        close(page)
