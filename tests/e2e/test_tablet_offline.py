"""Scene 8 of the brief in a real browser: the API goes away mid-session (its process is
killed), the tablet says it is offline, finds a product in its cache and queues an order;
the API comes back on the same address and the order reaches it exactly once."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from app.server.catalog.models import Location, Variant
from app.server.customers.models import CustomerAddress
from app.server.db import Database, make_engine
from app.server.inventory.models import StockLevel
from app.server.orders.models import Order
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import (
    HANG_MS,
    by_id,
    close,
    log_in,
    open_app,
    shot,
    submit,
    type_into,
)
from tests.server import free_port, start_api, start_tablet

SCAN = "QR veya barkodu okutun ya da kodu yazın"


def _wait(what: str, check: Any, timeout: float = HANG_MS / 1000) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def _sync_state(cache: Path, name: str) -> str | None:
    if not cache.exists():
        return None
    with sqlite3.connect(cache) as conn:
        try:
            row = conn.execute("SELECT value FROM sync_state WHERE name = ?", (name,)).fetchone()
        except sqlite3.OperationalError:
            return None
    return None if row is None else str(row[0])


def _synced(cache: Path) -> bool:
    return _sync_state(cache, "snapshot.done") == "1"


def _rounds_after(cache: Path, rounds: int) -> Any:
    """A check that holds once the tablet has finished `rounds` more sync rounds."""
    seen = [_sync_state(cache, "last_sync")]

    def check() -> bool:
        now = _sync_state(cache, "last_sync")
        if now != seen[-1]:
            seen.append(now)
        return len(seen) > rounds

    return check


def test_an_order_queued_while_the_api_is_down_arrives_once(
    demo_world: DemoWorld, browser: Any, tmp_path: Path, screenshot_dir: Path
) -> None:
    db = Database(make_engine(demo_world.database_url))
    try:
        with db.session() as s:
            customer = s.execute(
                select(CustomerAddress.customer_id).order_by(col(CustomerAddress.id)).limit(1)
            ).scalar_one()
            sku = s.execute(
                select(Variant.sku)
                .join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
                .join(Location, col(Location.id) == col(StockLevel.location_id))
                .where(Location.code == "WEB", StockLevel.on_hand - StockLevel.reserved >= 3)
                .order_by(col(Variant.id).desc())
                .limit(1)
            ).scalar_one()
        code = factories.identity_code(db, customer)

        def orders() -> int:
            with db.session() as s:
                return int(
                    s.execute(
                        select(func.count()).where(col(Order.customer_id) == customer)
                    ).scalar_one()
                )

        port = free_port()
        api = start_api(demo_world.database_url, log_dir=tmp_path, port=port)
        app = start_tablet(api.url, log_dir=tmp_path, device=demo_world.tablet)
        page = open_app(browser, app.url)
        try:
            log_in(page, "demo-associate")
            type_into(page, SCAN, code)
            submit(page, SCAN)
            by_id(page, "customer-name").wait_for()
            cache = tmp_path / "tablet-cache" / f"{demo_world.tablet.device_id}.db"
            _wait("the first sync", lambda: _synced(cache))
            before = orders()

            api.kill()  # the store's Wi-Fi is gone
            by_id(page, "nav-home").click()
            type_into(page, SCAN, sku)  # a hang tag: found in the cache
            submit(page, SCAN)
            by_id(page, "product-name").wait_for()
            page.get_by_text("Çevrimdışı", exact=False).first.wait_for()
            by_id(page, "add-to-basket").click()
            # The scene is rebuilt after each tap; a tap that lands while it is being rebuilt
            # is lost (Flet), so wait for the new one before the next.
            page.get_by_text("Sepete eklendi.").wait_for()
            by_id(page, "back").click()
            by_id(page, "basket").click()
            by_id(page, "place-order").click()
            page.get_by_text("Sipariş kuyruğa alındı", exact=False).wait_for()
            page.get_by_text("1 bekliyor", exact=False).first.wait_for()
            shot(page, screenshot_dir / "tablet-offline-order.png")
            by_id(page, "net-status").click()  # the sync scene: what waits, and since when
            by_id(page, "sync-now").wait_for()
            assert (
                "Sipariş"
                in page.locator('[flt-semantics-identifier^="command-"]').first.inner_text()
            )
            shot(page, screenshot_dir / "tablet-sync.png")
            assert orders() == before

            api = start_api(demo_world.database_url, log_dir=tmp_path, port=port)  # back
            page.get_by_text("Bekleyen iş yok", exact=False).wait_for()
            assert orders() == before + 1
            _wait("two more sync rounds", _rounds_after(cache, 2))
            assert orders() == before + 1  # still one order
        except Exception:
            # What the screen and the tablet said, for whoever reads a failed run.
            page.screenshot(path=str(tmp_path / "failure.png"))
            print(f"tablet log ({app.log}):\n{app.log.read_text()[-4000:]}")
            raise
        finally:
            close(page)
            app.stop()
            api.stop()
    finally:
        db.dispose()
