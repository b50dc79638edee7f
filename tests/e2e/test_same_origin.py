"""Security finding 12: the tablet and the storefront pages load nothing from anywhere but
their own server. Every request the browser makes is recorded while a person uses them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from app.qr import paylink, shelf
from tests import factories
from tests.conftest import DemoWorld, World
from tests.e2e.tablet_browser import by_id, close, log_in, open_app
from tests.server import ApiProcess


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _elsewhere(requests: list[str], origin: str) -> list[str]:
    return [u for u in requests if not u.startswith(("data:", "blob:")) and _origin(u) != origin]


def test_the_tablet_asks_only_its_own_server(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any
) -> None:
    requests: list[str] = []
    page = open_app(browser, tablet.url, requests=requests)
    try:
        log_in(page, "demo-associate")
        by_id(page, "nav-settings").click()
        by_id(page, "nav-home").click()
        page.get_by_text("Son müşteriler").wait_for()
    finally:
        close(page)
    assert any(u.endswith("main.dart.js") or u.endswith("main.dart.wasm") for u in requests)
    assert _elsewhere(requests, _origin(tablet.url)) == []


def test_the_storefront_pages_ask_only_their_own_server(world: World, browser: Any) -> None:
    b = world.base
    product_id, _ = factories.product(world.db, stock={b.stores["IST01"]: 1, b.warehouse: 2})
    pages = [
        world.url + shelf.shelf_path(factories.TEST_RING, shelf.ShelfRef(product_id, "IST01")),
        world.url + "/pay/" + paylink.make_pay_token(factories.TEST_RING, 1),
    ]
    requests: list[str] = []
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="tr-TR")
    context.on("request", lambda r: requests.append(r.url))
    try:
        page = context.new_page()
        for url in pages:
            page.goto(url)
    finally:
        context.close()
    assert len(requests) >= len(pages)
    assert _elsewhere(requests, _origin(world.url)) == []
