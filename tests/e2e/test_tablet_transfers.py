"""Scene 13 in a real browser (issue 14): an associate asks another store for an item from the
product's stock list, the other store sends it (through the API, as its tablet would), and the
box is received here by scanning: one sound, one damaged, an item of another box refused; the
API's stock and the transfer's differences are read back."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlmodel import col

from app.server.auth.models import Associate
from app.server.catalog.models import Location, Variant
from app.server.db import Database, make_engine
from app.server.inventory.models import StockLevel
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

SCAN_HOME = "QR veya barkodu okutun ya da kodu yazın"
SCAN = "Koliye giren ya da koliden çıkan ürünün barkodunu okutun"


def _client(world: DemoWorld, body: dict[str, str]) -> tuple[httpx.Client, int]:
    r = httpx.post(f"{world.url}/v1/auth/login", json=body, timeout=HANG_S)
    r.raise_for_status()
    session = r.json()
    client = httpx.Client(
        base_url=world.url,
        headers={"Authorization": f"Bearer {session['access_token']}"},
        timeout=HANG_S,
    )
    return client, int(session["associate"]["store"]["id"])


def _the_other_store(world: DemoWorld) -> tuple[str, str, str, dict[str, str]]:
    """An item IST02 has at least three of (its EAN and SKU), another item's EAN, and a
    log-in of an associate at IST02 on a tablet enrolled there."""
    db = Database(make_engine(world.database_url))
    try:
        with db.session() as s:
            rows = s.execute(
                select(Variant.sku, Variant.ean13)
                .join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
                .join(Location, col(Location.id) == col(StockLevel.location_id))
                .where(
                    col(Location.code) == "IST02",
                    col(StockLevel.on_hand) - col(StockLevel.reserved) >= 3,
                    col(Variant.active).is_(True),
                    col(Variant.ean13).is_not(None),
                )
                .order_by(col(Variant.id))
                .limit(2)
            ).all()
            store = s.execute(select(Location.id).where(col(Location.code) == "IST02")).scalar()
        code = f"e2e-ist02-{uuid.uuid4().hex[:6]}"
        with db.write() as s:
            s.add(
                Associate(
                    code=code,
                    name="Beşiktaş Associate",
                    role="associate",
                    home_location_id=store,
                    pin_hash=factories.PIN_HASH,
                )
            )
        device = factories.tablet(db, "IST02", name="e2e IST02")
        (sku, ean), (_, other_ean) = rows[0], rows[1]
        assert ean is not None and other_ean is not None
        return sku, ean, other_ean, factories.login_body(device, code)
    finally:
        db.dispose()


def test_an_associate_asks_another_store_and_receives_the_box_by_scanning(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, screenshot_dir: Path
) -> None:
    sku, ean, other_ean, their_login = _the_other_store(demo_world)
    ist02, _ = _client(demo_world, their_login)
    ist01, here = _client(
        demo_world, factories.login_body(demo_world.tablet, "demo-associate", pin="1234")
    )
    page = open_app(browser, tablet.url)
    try:
        log_in(page, "demo-associate")
        # The product, by its barcode; IST02's row of its stock list asks for it.
        type_into(page, SCAN_HOME, ean)
        submit(page, SCAN_HOME)
        by_id(page, "ask-IST02").click()
        draft = by_id(page, "transfer-draft")
        draft.wait_for()
        by_id(page, "transfer-ask-more").click()
        # Flet merges a card's words into one accessible name, not into text nodes.
        draft.get_by_role("img", name="Adet: 2").wait_for()
        shot(page, screenshot_dir / "transfer-ask.png")
        by_id(page, "transfer-ask-submit").click()
        by_id(page, "transfer-opened").wait_for()
        page.get_by_text("2 ürün istendi", exact=False).wait_for()
        incoming = ist01.get(f"/v1/stores/{here}/transfers/incoming").json()["transfers"]
        asked = [t for t in incoming if t["lines"][0]["sku"] == sku]
        assert len(asked) == 1 and asked[0]["status"] == "requested"
        assert asked[0]["reason"] == "shelf" and asked[0]["lines"][0]["quantity"] == 2
        tid = asked[0]["id"]

        # IST02 sends both; here the box shows as on its way once the list is fetched again.
        r = ist02.post(
            f"/v1/transfers/{tid}/send",
            json={"scans": [ean, ean]},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code == 200, r.text
        by_id(page, "transfer-refresh").click()
        by_id(page, "transfer-receive").wait_for()

        def scan(text: str) -> None:
            type_into(page, SCAN, text)
            submit(page, SCAN)

        scan(other_ean)
        page.get_by_text("Okutulan ürün bu transferde yok", exact=False).wait_for()
        line = by_id(page, f"transfer-line-{asked[0]['lines'][0]['line_id']}")
        scan(ean)
        # Each step seen on screen before the next: a tap that lands while the scene is
        # redrawn after a scan is lost, as a fast finger's would be.
        line.get_by_role("img", name="Okutulan: 1/2").wait_for()
        by_id(page, "transfer-damaged").click()
        by_id(page, "transfer-damaged-on").wait_for()
        scan(ean)
        line.get_by_role("img", name="Okutulan: 2/2 Hasarlı: 1").wait_for()
        scan(ean)  # a third: more than was sent
        page.get_by_text("okutulacak adet tamamlandı", exact=False).wait_for()
        shot(page, screenshot_dir / "transfer-receive.png")
        by_id(page, "transfer-receive").click()
        page.get_by_text("farklar kaydedildi", exact=False).wait_for()
        done = ist01.get(f"/v1/transfers/{tid}").json()
        assert done["status"] == "partly_received"
        assert (done["lines"][0]["received"], done["lines"][0]["damaged"]) == (1, 1)

        # The lists in English, at portrait size too.
        by_id(page, "transfer-back").click()
        by_id(page, "language").click()
        page.get_by_text("Transfers").first.wait_for()
        page.set_viewport_size(PORTRAIT)
        page.get_by_role("textbox", name="Scan each item going into or coming out of the box")
        shot(page, screenshot_dir / "transfers-en-portrait.png")
    finally:
        close(page)
        ist01.close()
        ist02.close()
