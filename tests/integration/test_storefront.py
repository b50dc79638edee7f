"""The storefront over real HTTP: shelf-label product pages (stock for the scanning store,
online availability, the scan recorded for attribution) and paying an order from a pay link."""

from __future__ import annotations

import re
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from app.qr import paylink, shelf
from app.qr.keys import KeyRing
from app.server.db import Database, make_engine, utcnow
from app.server.migrate import upgrade
from app.server.orders.models import Order, Payment
from app.server.storefront.models import ShelfScan
from app.server.storefront.service import attributable_scan
from tests import factories
from tests.conftest import World
from tests.integration.test_concurrency import ADDRESS
from tests.server import HANG_S

RING = factories.TEST_RING


def _path(product_id: int, store: str, ring: KeyRing = RING) -> str:
    return shelf.shelf_path(ring, shelf.ShelfRef(product_id, store))


def _scans(world: World, product_id: int) -> list[ShelfScan]:
    with world.db.session() as s:
        return list(
            s.execute(select(ShelfScan).where(col(ShelfScan.product_id) == product_id)).scalars()
        )


def test_shelf_page_shows_this_stores_sizes_and_online_stock_and_records_the_scan(
    world: World,
) -> None:
    b = world.base
    product_id, _ = factories.product(
        world.db,
        name_tr="Keten Gömlek",
        name_en="Linen Shirt",
        sizes=("S", "M", "L"),
        stock={b.stores["IST01"]: 2, b.stores["IST02"]: 9, b.warehouse: 4},
    )
    with httpx.Client(base_url=world.url, timeout=HANG_S) as phone:
        r = phone.get(_path(product_id, "IST01"), headers={"Accept-Language": "tr-TR,tr;q=0.9"})
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"] == "no-store"
        assert "default-src 'none'" in r.headers["content-security-policy"]
        html = r.text
        assert len(r.content) < 30_000
        assert "Keten Gömlek" in html and "499,90 TL" in html and "KDV dahil" in html
        assert "Nişantaşı" in html
        # 2 of each size here ("Son 2"), 3 sizes x 4 online.
        assert html.count("Son 2") == 3
        assert "Online stokta: 12 adet" in html
        assert "reyon-app://wishlist/add?product=" in html
        scans = _scans(world, product_id)
        assert [(s.location_id, s.product_id) for s in scans] == [(b.stores["IST01"], product_id)]
        visitor = phone.cookies["reyon_v"]
        assert scans[0].visitor_ref == visitor and phone.cookies["reyon_scan"] == str(scans[0].id)

        # The same phone in another store, in English: that store's stock, linked visits.
        r = phone.get(_path(product_id, "IST02"), headers={"Accept-Language": "en-GB,en;q=0.8"})
        assert "Linen Shirt" in r.text and "In stock" in r.text and "incl. VAT" in r.text
        assert r.text.count("In stock") == 3
        assert {s.visitor_ref for s in _scans(world, product_id)} == {visitor}
        assert "Keten" in phone.get(_path(product_id, "IST02") + "?lang=tr").text
        # The language link is the same visit: no new scan.
        assert len(_scans(world, product_id)) == 2


def test_forged_moved_and_malformed_labels_are_404_pages(world: World) -> None:
    b = world.base
    product_id, _ = factories.product(world.db, stock={b.stores["IST01"]: 1})
    other = KeyRing({"A": b"not-this-retailers-key-0123456"}, "A")
    good = _path(product_id, "IST01")
    mac = good.rsplit("/", 1)[1]
    with httpx.Client(base_url=world.url, timeout=HANG_S) as phone:
        for path in (
            _path(product_id, "IST01", other),  # forged
            f"/p/{product_id}/IST02/{mac}",  # credit moved to another store
            f"/p/{product_id + 1}/IST01/{mac}",  # another product
            "/p/abc/IST01/AAAAAAAAAAA",
            "/p/1/ist01/" + "%00" * 11,
            _path(999_999, "IST01"),  # genuine but unknown product
            _path(product_id, "ZZZ99"),  # genuine but unknown store
        ):
            r = phone.get(path)
            assert r.status_code == 404, (path, r.status_code)
            assert "text/html" in r.headers["content-type"]
    assert _scans(world, product_id) == []


def test_attribution_window_last_scan_wins(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'attribution.db'}"
    upgrade(db_url)
    db = Database(make_engine(db_url))
    try:
        base = factories.build_base(db)
        product_id, _ = factories.product(db)
        now = utcnow()
        with db.write() as s:
            for days, store in ((10, "IST01"), (3, "IST02"), (1, "ANK01")):
                s.add(
                    ShelfScan(
                        product_id=product_id,
                        location_id=base.stores[store],
                        visitor_ref="phone-a",
                        scanned_at=now - timedelta(days=days),
                    )
                )
        with db.session() as s:
            latest = attributable_scan(s, "phone-a", now)
            assert latest is not None and latest.location_id == base.stores["ANK01"]
            earlier = attributable_scan(s, "phone-a", now - timedelta(days=2))
            assert earlier is not None and earlier.location_id == base.stores["IST02"]
            week_later = attributable_scan(s, "phone-a", now + timedelta(days=5, hours=23))
            assert week_later is not None and week_later.location_id == base.stores["ANK01"]
            assert attributable_scan(s, "phone-a", now + timedelta(days=6)) is None  # too old
            assert attributable_scan(s, "phone-a", now - timedelta(days=11)) is None  # none yet
            assert attributable_scan(s, "phone-b", now) is None
    finally:
        db.dispose()


def _order(world: World) -> int:
    b = world.base
    _, skus = factories.product(world.db, stock={b.warehouse: 10})
    with world.client() as c:
        r = c.post(
            "/v1/orders",
            json={
                "customer_id": b.consenting_customer,
                "lines": [{"sku": skus[0], "quantity": 2}],
                "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
            },
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code == 201, r.text
        return int(r.json()["id"])


def _payments(world: World, order_id: int) -> list[Payment]:
    with world.db.session() as s:
        return list(s.execute(select(Payment).where(col(Payment.order_id) == order_id)).scalars())


def test_pay_link_from_the_tablet_pays_the_order_once(world: World) -> None:
    order_id = _order(world)
    with world.client() as c:
        link = c.get(f"/v1/orders/{order_id}/pay-link").json()
    url = link["url"]
    assert "/pay/RY1P" in url
    path = "/pay/" + url.rsplit("/pay/", 1)[1]
    with httpx.Client(base_url=world.url, timeout=HANG_S) as phone:
        page = phone.get(path)
        assert page.status_code == 200 and "999,80 TL" in page.text and "<form" in page.text
        r = phone.post(path)
        assert r.status_code == 303 and "result=paid" in r.headers["location"]
        done = phone.get(r.headers["location"])
        assert "Ödendi" in done.text and "<form" not in done.text
        again = phone.post(path)  # a double tap, or a second phone
        assert "result=already_paid" in again.headers["location"]
    with world.db.session() as s:
        assert s.get(Order, order_id).status == "paid"  # type: ignore[union-attr]
    assert [p.status for p in _payments(world, order_id)] == ["succeeded"]
    with world.client() as c:
        assert c.get(f"/v1/orders/{order_id}/pay-link").status_code == 409
        history = [h["status"] for h in c.get(f"/v1/orders/{order_id}").json()["history"]]
        assert history == ["placed", "paid"]


def test_concurrent_payments_charge_once(world: World) -> None:
    order_id = _order(world)
    path = "/pay/" + paylink.make_pay_token(RING, order_id)
    barrier = threading.Barrier(8)
    results: list[str] = []

    def tap() -> None:
        with httpx.Client(base_url=world.url, timeout=HANG_S) as phone:
            barrier.wait()
            location = phone.post(path).headers["location"]
            results.append(re.search(r"result=(\w+)", location)[1])  # type: ignore[index]

    threads = [threading.Thread(target=tap) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["already_paid"] * 7 + ["paid"]
    with world.db.session() as s:
        succeeded = s.execute(
            select(func.count())
            .select_from(Payment)
            .where(col(Payment.order_id) == order_id, col(Payment.status) == "succeeded")
        ).scalar_one()
    assert succeeded == 1


def test_expired_and_forged_pay_links_are_refused(world: World) -> None:
    order_id = _order(world)
    expired = "/pay/" + paylink.make_pay_token(RING, order_id, now=0)
    forged = "/pay/" + paylink.make_pay_token(KeyRing({"A": b"x" * 32}, "A"), order_id)
    with httpx.Client(base_url=world.url, timeout=HANG_S) as phone:
        r = phone.get(expired, headers={"Accept-Language": "en"})
        assert r.status_code == 410 and "expired" in r.text
        assert phone.post(expired).status_code == 410
        assert phone.get(forged).status_code == 404
        assert phone.post(forged).status_code == 404
        assert phone.get("/pay/garbage").status_code == 404
    assert _payments(world, order_id) == []
