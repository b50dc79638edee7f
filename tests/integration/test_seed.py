"""`reyon seed --size demo`: the demo retailer is complete, internally consistent, refuses to
seed twice, and is identical on every run."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, SQLModel, select

import app.server.models  # noqa: F401  (every table on the metadata)
from app.domain import ean, money
from app.domain.loyalty import SPENDABLE
from app.domain.pins import verify_pin
from app.domain.text import fold
from app.server.db import make_scratch_engine
from app.server.orders.models import Order
from app.server.seed import DEMO_LOGINS, seed

pytestmark = pytest.mark.slow


def _seed(path: Path) -> tuple[str, dict[str, int], list[str]]:
    url = f"sqlite:///{path}"
    lines: list[str] = []
    counts = seed(url, "demo", progress=lines.append)
    return url, counts, lines


def _rows(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def _table_hashes(engine: Engine) -> dict[str, str]:
    hashes = {}
    for name, table in sorted(SQLModel.metadata.tables.items()):
        key = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
        digest = hashlib.sha256()
        for row in _rows(engine, f'SELECT * FROM "{name}" ORDER BY {key}'):
            digest.update(repr(row).encode())
        hashes[name] = digest.hexdigest()
    return hashes


@dataclass
class Seeded:
    url: str
    counts: dict[str, int]
    lines: list[str]
    engine: Engine


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    url, counts, lines = _seed(tmp_path_factory.mktemp("seed") / "demo.db")
    engine = make_scratch_engine(url)
    yield Seeded(url, counts, lines, engine)
    engine.dispose()


def test_counts_are_in_the_expected_ranges(demo: Seeded) -> None:
    counts, lines, engine = demo.counts, demo.lines, demo.engine
    assert counts["location"] == 13
    assert 1_700 <= counts["product"] <= 2_300
    assert counts["variant"] == 15_000
    assert counts["stocklevel"] == 15_000 * 13
    assert counts["customer"] == 500
    assert 1_200 <= counts["order"] <= 1_800
    assert counts["orderline"] >= counts["order"]
    assert counts["associate"] == 12 * 4 + 3
    assert counts["cart"] == 150
    for table in ("customeraddress", "wishlistentry", "tryon", "coupon", "redemption",
                  "loyaltyentry", "shelfscan", "orderstatusevent"):  # fmt: skip
        assert counts[table] > 0, table
    for table, n in counts.items():
        assert _rows(engine, f'SELECT count(*) FROM "{table}"')[0][0] == n, table
    assert _rows(engine, "SELECT count(*) FROM changelog")[0][0] == 0
    assert _rows(engine, "SELECT count(*) FROM reservation")[0][0] == 0
    assert any("seeded demo" in line for line in lines)
    kinds = dict(_rows(engine, "SELECT code, kind FROM location"))
    assert kinds["WEB"] == "warehouse"
    assert {"IST01", "IST02", "IST03", "IST04", "ANK01", "IZM01", "BRS01", "ANT01"} <= set(kinds)


def test_seeding_twice_is_refused(demo: Seeded) -> None:
    url = demo.url
    with pytest.raises(ValueError, match="already holds 13 locations"):
        seed(url, "demo", progress=lambda _: None)
    with pytest.raises(ValueError, match="unknown seed size"):
        seed(url, "huge", progress=lambda _: None)


def test_catalogue_barcodes_skus_search_text_and_stock(demo: Seeded) -> None:
    engine = demo.engine
    for barcode, sku in _rows(engine, "SELECT ean13, sku FROM variant"):
        assert ean.is_valid(barcode) and barcode.startswith("868"), barcode
        assert re.fullmatch(r"[A-Za-z0-9._-]{1,40}", sku), sku
    for name_tr, name_en, brand, category, style, search, kdv in _rows(
        engine,
        "SELECT name_tr, name_en, brand, category, style_code, search_text, kdv_rate FROM product",
    ):
        assert search == fold(" ".join([name_tr, name_en, brand, category, style]))
        assert kdv == (20 if category == "accessories" else 10)
        assert re.fullmatch(r"[a-z]+", category)
    names = " ".join(r[0] for r in _rows(engine, "SELECT name_tr FROM product"))
    assert all(ch in names for ch in "çğıİöşü")
    assert _rows(engine, "SELECT count(*) FROM stocklevel WHERE reserved <> 0")[0][0] == 0
    zeros = _rows(
        engine,
        "SELECT count(*) FROM stocklevel s JOIN location l ON l.id = s.location_id "
        "WHERE l.kind = 'store' AND s.on_hand = 0",
    )[0][0]
    assert zeros > 15_000 * 12 // 4  # many store shelves are empty: endless aisle matters


def test_demo_log_ins_work_at_ist01(demo: Seeded) -> None:
    engine = demo.engine
    roles = {"demo-associate": "associate", "demo-cashier": "cashier", "demo-manager": "manager"}
    assert set(DEMO_LOGINS["associates"]) == set(roles)
    for code in DEMO_LOGINS["associates"]:
        ((role, store, pin_hash, active),) = _rows(
            engine,
            "SELECT a.role, l.code, a.pin_hash, a.active FROM associate a "
            f"JOIN location l ON l.id = a.home_location_id WHERE a.code = '{code}'",
        )
        assert (role, store, active) == (roles[code], DEMO_LOGINS["store"], 1)
        assert verify_pin(DEMO_LOGINS["pin"], pin_hash)
        assert not verify_pin("0000", pin_hash)


def test_customers_points_equal_their_ledger(demo: Seeded) -> None:
    engine = demo.engine
    # The balance is the sum of the spendable kinds: pending points (an unpaid order's) are not.
    spendable = ", ".join(f"'{kind.value}'" for kind in sorted(SPENDABLE))
    ledger = dict(
        _rows(
            engine,
            f"SELECT customer_id, sum(points) FROM loyaltyentry WHERE kind IN ({spendable}) "
            "GROUP BY 1",
        )
    )
    for cid, points, phone, email, loyalty in _rows(
        engine, "SELECT id, points, phone, email, loyalty_number FROM customer"
    ):
        assert points == ledger.get(cid, 0) >= 0, cid
        assert re.fullmatch(r"\+905\d{9}", phone)
        assert email is None or email == email.lower()
        assert re.fullmatch(r"RY\d{10}", loyalty)
    for column in ("phone", "email"):
        dupes = f"SELECT {column} FROM customer WHERE {column} IS NOT NULL GROUP BY 1 HAVING count(*) > 1"
        assert _rows(engine, dupes) == []


def test_coupon_counts_match_their_redemptions(demo: Seeded) -> None:
    engine = demo.engine
    used = dict(
        _rows(
            engine, "SELECT coupon_id, count(*) FROM redemption WHERE status <> 'voided' GROUP BY 1"
        )
    )
    for cid, count, limit in _rows(
        engine, "SELECT id, redeemed_count, max_redemptions FROM coupon"
    ):
        assert count == used.get(cid, 0), cid
        assert limit is None or count <= limit
    statuses = {r[0] for r in _rows(engine, "SELECT DISTINCT status FROM redemption")}
    assert {"confirmed", "voided"} <= statuses


def test_orders_add_up_and_have_a_history(demo: Seeded) -> None:
    engine = demo.engine
    lines: defaultdict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in _rows(
        engine,
        "SELECT order_id, quantity, unit_price_kurus, kdv_rate, discount_kurus, line_total_kurus "
        "FROM orderline",
    ):
        lines[row[0]].append(row[1:])
    history: defaultdict[int, list[str]] = defaultdict(list)
    for order_id, status in _rows(
        engine, "SELECT order_id, status FROM orderstatusevent ORDER BY id"
    ):
        history[order_id].append(status)
    with Session(engine) as session:
        orders = session.exec(select(Order)).all()
    for o in orders:
        assert o.id is not None
        ls = lines[o.id]
        assert 1 <= len(ls) <= 3
        assert o.subtotal_kurus == sum(q * unit for q, unit, *_ in ls)
        assert o.total_kurus == o.subtotal_kurus - o.discount_kurus == sum(r[4] for r in ls)
        assert o.kdv_kurus == sum(money.kdv_included(total, rate) for _, _, rate, _, total in ls)
        assert history[o.id][0] == "placed" and history[o.id][-1] == o.status
        if o.status == "cancelled":
            assert history[o.id] == ["placed", "cancelled"]
        assert (o.ship_to is not None) == (o.fulfilment_type == "ship_to_home")
        if o.channel in ("store", "endless_aisle"):
            assert o.store_location_id is not None and o.associate_id is not None
        assert o.placed_at.tzinfo is not None
    assert {o.channel for o in orders} == {"web", "app", "store", "endless_aisle"}
    assert {o.fulfilment_type for o in orders} == {
        "ship_to_home",
        "click_collect",
        "reserve_in_store",
    }
    assert {"delivered", "collected", "cancelled", "shipped"} <= {o.status for o in orders}


def test_every_run_produces_identical_data(demo: Seeded, tmp_path: Path) -> None:
    counts, engine = demo.counts, demo.engine
    url2, counts2, _ = _seed(tmp_path / "again.db")
    assert counts2 == counts
    engine2 = make_scratch_engine(url2)
    try:
        assert _table_hashes(engine2) == _table_hashes(engine)
    finally:
        engine2.dispose()
