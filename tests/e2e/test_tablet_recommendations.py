"""Recommendations in a real browser against the demo API (issue 15), after the worker's step
has learnt what the demo's orders buy together: the associate scans a product and reads what
completes its look, each card with its reason; taps a size this store lacks and gets similar
products on this shelf in that size; opens a companion from its card; then scans a customer's
app code and finds "for this customer" under their lists. Turkish on a landscape tablet,
then English on a portrait one. What the cards say is checked against the API's answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect
from sqlalchemy import func, select
from sqlmodel import col

from app.server.catalog.models import Location, Product, Variant
from app.server.db import Database, make_engine, utcnow
from app.server.inventory.models import StockLevel
from app.server.recommend.models import ProductCompanion
from app.server.recommend.refresh import refresh
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
    HANG_MS,
    PORTRAIT,
    by_id,
    close,
    first_sync_done,
    frames,
    log_in,
    open_app,
    settled,
    shot,
    submit,
    type_into,
)
from tests.server import HANG_S, ApiProcess

SCAN = "QR veya barkodu okutun ya da kodu yazın"
SCAN_EN = "Scan a QR code or barcode, or type the code"


def _learnt(world: DemoWorld) -> tuple[Database, list[int]]:
    """The worker's step on the demo data; the products with the most companions first."""
    db = Database(make_engine(world.database_url))
    assert refresh(db, now=utcnow())
    with db.session() as s:
        ranked = s.execute(
            select(col(ProductCompanion.product_id))
            .group_by(col(ProductCompanion.product_id))
            .order_by(func.sum(col(ProductCompanion.together)).desc())
            .limit(40)
        ).scalars()
        return db, list(ranked)


def _shelf(db: Database, product_id: int) -> dict[str, int]:
    """Each variant's units on IST01's shelf (0 where it has none)."""
    with db.session() as s:
        store = s.execute(select(Location.id).where(col(Location.code) == "IST01")).scalar_one()
        rows = s.execute(
            select(col(Variant.sku), col(StockLevel.on_hand) - col(StockLevel.reserved))
            .outerjoin(
                StockLevel,
                (col(StockLevel.variant_id) == col(Variant.id))
                & (col(StockLevel.location_id) == store),
            )
            .where(col(Variant.product_id) == product_id)
            .order_by(col(Variant.id))
        ).all()
    return {sku: int(n or 0) for sku, n in rows}


def _size_of(db: Database, sku: str) -> str:
    with db.session() as s:
        return str(s.execute(select(Variant.size).where(col(Variant.sku) == sku)).scalar_one())


def _name(db: Database, product_id: int, lang: str = "tr") -> str:
    with db.session() as s:
        p = s.get(Product, product_id)
        assert p is not None
        return p.name_tr if lang == "tr" else p.name_en


def _pick(db: Database, api: httpx.Client, ranked: list[int]) -> tuple[int, str, str, dict, dict]:
    """A product with a look, a size on the shelf here to open it on, and a size missing here
    that similar products on this shelf have: (id, sku here, sku missing, look, similar)."""
    for pid in ranked:
        look = api.get(f"/v1/products/{pid}/recommendations").json()
        if not look["complete_the_look"]:
            continue
        shelf = _shelf(db, pid)
        here = [sku for sku, n in shelf.items() if n > 0]
        for missing in (sku for sku, n in shelf.items() if n <= 0):
            size = _size_of(db, missing)
            similar = api.get(f"/v1/products/{pid}/recommendations", params={"size": size})
            if here and similar.json()["similar_here"]:
                return pid, here[0], missing, look, similar.json()
    raise AssertionError("no demo product has a look and a size missing here")


def _scan(page: Any, text: str, label: str = SCAN) -> None:
    type_into(page, label, text)
    submit(page, label)


def _down_to(page: Any, identifier: str) -> None:
    """Scroll the scene as a finger would (Flutter draws on a canvas and leaves what is out of
    sight out of the page) until the control is there."""
    page.mouse.move(400, 500)
    for _ in range(30):
        if by_id(page, identifier).count():
            break
        page.mouse.wheel(0, 400)
        frames(page, 2)
    box = by_id(page, identifier).bounding_box()
    if box is not None and box["y"] + box["height"] > page.viewport_size["height"]:
        page.mouse.wheel(0, box["y"] + box["height"] - page.viewport_size["height"] + 24)
        frames(page, 2)
    by_id(page, identifier).wait_for()


def test_complete_the_look_similar_here_and_for_this_customer(
    demo_world: DemoWorld,
    tablet: ApiProcess,
    browser: Any,
    screenshot_dir: Path,
    tmp_path: Path,
) -> None:
    db, ranked = _learnt(demo_world)
    token = demo_world.token("demo-associate")
    api = httpx.Client(
        base_url=demo_world.url, headers={"Authorization": f"Bearer {token}"}, timeout=HANG_S
    )
    page = open_app(browser, tablet.url)
    try:
        _, sku_here, sku_missing, look, similar = _pick(db, api, ranked)
        first = look["complete_the_look"][0]
        log_in(page, "demo-associate")
        # The first sync's end redraws the scene: a code typed meanwhile would be lost.
        handle = by_id(page, "net-status").element_handle()
        page.wait_for_function("e => e.textContent.includes('Çevrimiçi')", arg=handle)
        first_sync_done(tmp_path / "tablet-cache", tablet)

        # The product, by its label: what completes its look, with the reason and stock here.
        _scan(page, sku_here)
        expect(by_id(page, "chosen-sku")).to_contain_text(sku_here, timeout=HANG_MS)
        _down_to(page, f"reco-look-{first['product']['id']}")
        card = by_id(page, f"reco-look-{first['product']['id']}")
        expect(card).to_contain_text(
            f"{first['reason']['orders']} siparişte birlikte alındı", timeout=HANG_MS
        )
        here = first["reason"]["here"]
        expect(card).to_contain_text(
            f"Burada {here} adet" if here else "Burada yok", timeout=HANG_MS
        )
        expect(by_id(page, "reco-look")).to_contain_text("Kombini tamamlayın")
        assert by_id(page, "reco-similar").count() == 0  # the size chosen is here
        shot(page, screenshot_dir / "tablet-recommendations.png")

        # A size this store lacks: similar ones on this shelf, in that size.
        size = _size_of(db, sku_missing)
        page.mouse.wheel(0, -4000)
        by_id(page, f"variant-{sku_missing}").click()
        expect(by_id(page, "chosen-sku")).to_contain_text(sku_missing, timeout=HANG_MS)
        alike = similar["similar_here"][0]
        _down_to(page, f"reco-similar-{alike['product']['id']}")
        expect(by_id(page, "reco-similar")).to_contain_text(
            f"Benzerleri, bu mağazada {size} beden", timeout=HANG_MS
        )
        expect(by_id(page, f"reco-similar-{alike['product']['id']}")).to_contain_text(
            f"{size} beden burada {alike['reason']['here']} adet"
        )
        shot(page, screenshot_dir / "tablet-recommendations-similar.png")

        # A card opens its product, with a look of its own.
        _down_to(page, f"reco-look-{first['product']['id']}")
        by_id(page, f"reco-look-{first['product']['id']}").click()
        expect(by_id(page, "product-name")).to_have_text(
            _name(db, first["product"]["id"]), timeout=HANG_MS
        )

        # The customer, by their app's code: "for this customer", under their lists.
        wanted = api.get("/v1/customers/1/recommendations").json()["items"]
        assert wanted, "the demo's customer 1 has nothing to go on"
        by_id(page, "nav-home").click()
        _scan(page, factories.identity_code(db, 1))
        by_id(page, "customer-name").wait_for()
        _down_to(page, f"reco-customer-{wanted[0]['product']['id']}")
        expect(by_id(page, "reco-customer")).to_contain_text("Bu müşteriye önerilenler")
        expect(by_id(page, f"reco-customer-{wanted[0]['product']['id']}")).to_contain_text(
            f"{wanted[0]['reason']['source_tr']} ile alınıyor"
        )
        shot(page, screenshot_dir / "tablet-recommendations-customer.png")

        # In English, on a portrait tablet.
        by_id(page, "language").click()
        page.get_by_role("button", name="Türkçe").wait_for()
        page.set_viewport_size(PORTRAIT)
        settled(page, page)  # a tap while Flutter lays the scene out again is lost
        by_id(page, "nav-home").click()
        _scan(page, sku_here, SCAN_EN)
        expect(by_id(page, "chosen-sku")).to_contain_text(sku_here, timeout=HANG_MS)
        _down_to(page, f"reco-look-{first['product']['id']}")
        expect(by_id(page, "reco-look")).to_contain_text("Complete the look", timeout=HANG_MS)
        expect(by_id(page, f"reco-look-{first['product']['id']}")).to_contain_text(
            f"Bought together in {first['reason']['orders']} orders"
        )
        shot(page, screenshot_dir / "tablet-recommendations-en-portrait.png")
    finally:
        api.close()
        db.dispose()
        close(page)
