"""Every scene speaks one language: a manager walks through every scene of the tablet in
Turkish and then in English (log-in, home, the customer, a product and its search, the basket,
an order, the till, the store report, the team, settings, the sync screen), and every text in
the accessibility tree of each is read. No English word of the tablet's may appear on a
Turkish screen, no Turkish word on an English one, and no raw code (not_owner) on either
(tests/e2e/words.py says how a word is told from data such as a product's name)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.server.auth.models import Associate
from app.server.catalog.models import Location, Product
from app.server.customers.models import CustomerAddress, CustomerNote, TryOn
from app.server.db import Database, make_engine
from app.server.promotions.models import Coupon
from tests import factories
from tests.conftest import DemoWorld
from tests.e2e.tablet_browser import by_id, close, frames, log_in, open_app, submit, type_into
from tests.e2e.words import data_words, foreign_words
from tests.server import ApiProcess

SCAN = {
    "tr": "QR veya barkodu okutun ya da kodu yazın",
    "en": "Scan a QR code or barcode, or type the code",
}
FIND = {"tr": "Ürün ara (ad, marka, stil kodu)", "en": "Find a product (name, brand, style code)"}
HOME = {"tr": "Son müşteriler", "en": "Recent customers"}


def _scenes(page: Any, lang: str, identity: str) -> list[tuple[str, Callable[[], None]]]:
    """Each scene and how to reach it from the one before (from home for the first)."""

    def customer() -> None:
        recent = by_id(page, "recent-1")
        if recent.count():  # seen this visit: an identity code is good for one scan only
            recent.click()
        else:
            type_into(page, SCAN[lang], identity)
            submit(page, SCAN[lang])
        by_id(page, "customer-name").wait_for()

    def search() -> None:
        by_id(page, "products").click()
        page.get_by_role("textbox", name=FIND[lang]).wait_for()  # the product scene is drawn
        cards = page.locator('[flt-semantics-identifier^="product-"]')
        # The scene keeps the last search's cards (the Turkish pass searched the same word):
        # wait for them to go, or a tap meant for the new ones lands on a scene being replaced.
        shown = cards.first.element_handle() if cards.count() else None
        type_into(page, FIND[lang], "gomlek")
        submit(page, FIND[lang])
        if shown is not None:
            page.wait_for_function("e => !e.isConnected", arg=shown)
        cards.first.wait_for()

    def product() -> None:
        page.locator('[flt-semantics-identifier^="product-"]').first.click()
        by_id(page, "product-name").wait_for()

    def basket() -> None:
        by_id(page, "add-to-basket").click()
        by_id(page, "toast").wait_for()  # added: the scene is drawn again
        by_id(page, "back").click()
        by_id(page, "basket").wait_for()
        by_id(page, "basket").click()
        page.locator('[flt-semantics-identifier^="line-"]').first.wait_for()

    def order() -> None:
        go_home()
        customer()
        page.locator('[flt-semantics-identifier^="order-"]').first.click()
        by_id(page, "order-number").wait_for()

    def go_home() -> None:
        by_id(page, "nav-home").click()
        page.get_by_text(HOME[lang]).wait_for()

    def till() -> None:
        go_home()
        by_id(page, "till").click()
        by_id(page, "new-sale").wait_for()

    def manager() -> None:
        by_id(page, "nav-manager").click()
        by_id(page, "team").wait_for()

    def team() -> None:
        by_id(page, "team").click()
        by_id(page, "make-code").wait_for()

    def settings() -> None:
        by_id(page, "nav-settings").click()
        by_id(page, "api-status").wait_for()

    def sync() -> None:
        by_id(page, "net-status").click()
        by_id(page, "sync-now").wait_for()

    return [
        ("home", lambda: None),
        ("customer", customer),
        ("product search", search),
        ("product", product),
        ("basket", basket),
        ("order", order),
        ("till", till),
        ("manager", manager),
        ("team", team),
        ("settings", settings),
        ("sync", sync),
    ]


@pytest.mark.parametrize("demo_world", ["sqlite"], indirect=True)
def test_every_scene_speaks_only_the_language_chosen(
    demo_world: DemoWorld, tablet: ApiProcess, browser: Any, tmp_path: Path
) -> None:
    db = Database(make_engine(demo_world.database_url))
    try:
        identity = factories.identity_code(db, 1)
        with db.session() as s:
            # What people wrote, not the tablet: names, notes, addresses, campaigns. Colours
            # are not among them: the catalogue names each in both languages. The staff's
            # names too: a colleague's name ("Demo Satış Danışmanı") shows beside an
            # appointment another test booked for today.
            written = [
                *s.execute(select(Associate.name)).all(),
                *s.execute(select(Product.name_tr, Product.name_en, Product.brand)).all(),
                *s.execute(select(Location.name, Location.city, Location.district)).all(),
                *s.execute(select(TryOn.note)).all(),
                *s.execute(select(CustomerNote.body)).all(),
                *s.execute(select(Coupon.campaign)).all(),
                *s.execute(select(CustomerAddress.line1, CustomerAddress.district)).all(),
            ]
        data = data_words(text for row in written for text in row)
    finally:
        db.dispose()
    page = open_app(browser, tablet.url)
    found: dict[str, dict[str, str]] = {}
    try:
        found["tr: log-in"] = foreign_words(page, "tr", data)
        log_in(page, "demo-manager")
        for lang in ("tr", "en"):
            if lang == "en":
                by_id(page, "nav-home").click()
                page.get_by_text(HOME["tr"]).wait_for()  # home drawn: the tap is not lost
                by_id(page, "language").click()
                page.get_by_text(HOME["en"]).wait_for()
            for name, reach in _scenes(page, lang, identity):
                try:
                    reach()
                except Exception:
                    page.screenshot(path=str(tmp_path / f"stuck-{lang}-{name}.png"))
                    raise
                frames(page)
                found[f"{lang}: {name}"] = foreign_words(page, lang, data)
        by_id(page, "log-out").click()
        page.get_by_role("textbox", name=re.compile("Store code")).wait_for()
        found["en: log-in"] = foreign_words(page, "en", data)
    finally:
        close(page)
    wrong = {scene: words for scene, words in found.items() if words}
    assert not wrong, "\n".join(f"{scene}: {words}" for scene, words in wrong.items())
