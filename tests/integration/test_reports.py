"""The store manager's report over real HTTP, on SQLite and PostgreSQL.

The tests work at IZM01, a store no other test sells, redeems or scans at, with staff of their
own; the rows they make are moved to fixed days in March 2025 (Istanbul, UTC+3 all year), so
every figure can be asserted exactly whatever else the shared world holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select, update
from sqlmodel import col

from app.server.auth.models import Associate
from app.server.catalog.models import Variant
from app.server.orders.models import Order, OrderLine
from app.server.promotions.models import Coupon, Redemption
from app.server.storefront.models import ShelfScan
from tests import factories
from tests.conftest import World
from tests.server import HANG_S

STORE = "IZM01"
ADDRESS = {"recipient": "Ayşe Yılmaz", "line1": "Kıbrıs Şehitleri Cad. 5", "city": "İzmir"}
D0, D1, D2 = date(2025, 3, 10), date(2025, 3, 11), date(2025, 3, 12)


def utc(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


@dataclass
class Staff:
    ids: dict[str, int]
    tokens: dict[str, str]

    def client(self, who: str) -> httpx.Client:
        return httpx.Client(headers={"Authorization": f"Bearer {self.tokens[who]}"}, timeout=HANG_S)


def izmir_staff(world: World) -> Staff:
    """A manager, two associates and a cashier of IZM01, logged in; keyed by name."""
    codes: dict[str, str] = {}
    ids: dict[str, int] = {}
    with world.db.write() as s:
        for role, name in (
            ("manager", "Selin Kaya"),
            ("associate", "Emre Aydın"),
            ("associate", "Deniz Çelik"),
            ("cashier", "Burak Şahin"),
        ):
            a = Associate(
                code=factories.unique("izm-"),
                name=name,
                role=role,
                home_location_id=world.base.stores[STORE],
                pin_hash=factories.PIN_HASH,
            )
            s.add(a)
            s.flush()
            assert a.id is not None
            codes[name], ids[name] = a.code, a.id
    tokens = {}
    for name, code in codes.items():
        login = factories.login_body(world.tablet(STORE), code)
        r = httpx.post(f"{world.url}/v1/auth/login", json=login, timeout=HANG_S)
        r.raise_for_status()
        tokens[name] = r.json()["access_token"]
    return Staff(ids=ids, tokens=tokens)


def place(
    world: World, staff: Staff, who: str, customer_id: int, sku: str, qty: int, **extra
) -> dict:  # type: ignore[no-untyped-def]
    with staff.client(who) as c:
        r = c.post(
            f"{world.url}/v1/orders",
            json={
                "customer_id": customer_id,
                "lines": [{"sku": sku, "quantity": qty}],
                "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
                **extra,
            },
        )
        assert r.status_code == 201, r.text
        return dict(r.json())


def redeem(world: World, staff: Staff, code: str, sku: str, sale: str) -> dict:  # type: ignore[no-untyped-def]
    with staff.client("Burak Şahin") as c:
        r = c.post(
            f"{world.url}/v1/redemptions",
            json={
                "code": code,
                "location_id": world.base.stores[STORE],
                "till_id": "T1",
                "sale_ref": sale,
                "basket": {"lines": [{"sku": sku, "quantity": 1}], "channel": "store"},
            },
        )
        assert r.status_code == 201, r.text
        return dict(r.json())


def campaign_coupon(world: World, campaign: str, value: int) -> str:
    code = factories.coupon(world.db, kind="amount", value=value, max_redemptions=1)
    with world.db.write() as s:
        s.execute(update(Coupon).where(col(Coupon.code) == code).values(campaign=campaign))
    return code


def move_order(world: World, order_id: int, at: datetime) -> None:
    with world.db.write() as s:
        s.execute(update(Order).where(col(Order.id) == order_id).values(placed_at=at))
        s.execute(
            update(Redemption).where(col(Redemption.order_id) == order_id).values(created_at=at)
        )


def move_redemption(world: World, redemption_id: int, at: datetime) -> None:
    with world.db.write() as s:
        s.execute(
            update(Redemption).where(col(Redemption.id) == redemption_id).values(created_at=at)
        )


def direct_order(
    world: World,
    customer_id: int,
    channel: str,
    at: datetime,
    *,
    sku: str | None = None,
    store_id: int | None = None,
) -> None:
    """An order written as the website or a till would have: no associate, and a store only
    for a till sale."""
    with world.db.write() as s:
        order = Order(
            number=factories.unique(f"{channel[0].upper()}-T"),
            customer_id=customer_id,
            channel=channel,
            status="placed",
            fulfilment_type="ship_to_home",
            store_location_id=store_id,
            subtotal_kurus=10000,
            total_kurus=10000,
            kdv_kurus=909,
            placed_at=at,
        )
        s.add(order)
        s.flush()
        if sku is not None:
            variant_id = s.execute(select(Variant.id).where(col(Variant.sku) == sku)).scalar_one()
            s.add(
                OrderLine(
                    order_id=order.id,  # type: ignore[arg-type]
                    variant_id=variant_id,
                    sku=sku,
                    quantity=1,
                    unit_price_kurus=10000,
                    kdv_rate=10,
                    line_total_kurus=10000,
                    source_location_id=world.base.warehouse,
                )
            )


def scan(
    world: World,
    product_id: int,
    at: datetime,
    *,
    customer_id: int | None = None,
    visitor: str | None = None,
    store: str = STORE,
) -> None:
    with world.db.write() as s:
        s.add(
            ShelfScan(
                product_id=product_id,
                location_id=world.base.stores[store],
                customer_id=customer_id,
                visitor_ref=visitor,
                scanned_at=at,
            )
        )


def report(staff: Staff, world: World, who: str = "Selin Kaya", **params) -> httpx.Response:  # type: ignore[no-untyped-def]
    with staff.client(who) as c:
        return c.get(f"{world.url}/v1/reports/store", params=params)


def test_store_report_counts_sales_scans_coupons_and_cross_channel_customers(
    world: World,
) -> None:
    b = world.base
    staff = izmir_staff(world)
    p1, skus1 = factories.product(world.db, price_kurus=10000, stock={b.warehouse: 50})
    p2, skus2 = factories.product(world.db, price_kurus=25000, stock={b.warehouse: 50})
    converter, repeat, shopper, canceller, browser = (
        factories.customer(world.db, consent=True) for _ in range(5)
    )

    # Endless aisle. The first two straddle local midnight: 23:59:59 and 00:00:00 Istanbul.
    o1 = place(world, staff, "Emre Aydın", converter, skus1[0], 1)
    move_order(world, o1["id"], utc(D0, 20, 59, 59))
    vip = campaign_coupon(world, "vip", 5000)
    o2 = place(world, staff, "Emre Aydın", repeat, skus2[0], 2, coupon=vip)
    assert o2["total_kurus"] == 45000
    move_order(world, o2["id"], utc(D0, 21))
    o3 = place(world, staff, "Deniz Çelik", repeat, skus2[1], 3)
    move_order(world, o3["id"], utc(D2, 10))
    # Cancelled: neither its sale nor its customer counts.
    o4 = place(world, staff, "Deniz Çelik", canceller, skus2[0], 1)
    with staff.client("Selin Kaya") as m:
        assert m.post(f"{world.url}/v1/orders/{o4['id']}/cancel").status_code == 200
    move_order(world, o4["id"], utc(D1, 12))
    # Just outside the window on either side: 23:59:59 the day before, 00:00 the day after.
    before = place(world, staff, "Emre Aydın", shopper, skus1[0], 1)
    move_order(world, before["id"], utc(D0 - timedelta(days=1), 20, 59, 59))
    after = place(world, staff, "Emre Aydın", shopper, skus1[0], 1)
    move_order(world, after["id"], utc(D2, 21))
    # A sale at the till for `shopper` (not endless aisle), who also shops in the app.
    direct_order(world, shopper, "store", utc(D1, 8), store_id=b.stores[STORE])
    direct_order(world, shopper, "app", utc(date(2024, 12, 1), 9))
    direct_order(world, converter, "web", utc(date(2024, 6, 1), 9))
    direct_order(world, canceller, "web", utc(date(2024, 6, 1), 9))

    # Coupons at the till: two of one campaign, one voided.
    spring = [campaign_coupon(world, "spring", 2000) for _ in range(3)]
    r1 = redeem(world, staff, spring[0], skus1[0], "S1")
    move_redemption(world, r1["id"], utc(D0, 8))
    r2 = redeem(world, staff, spring[1], skus1[0], "S2")
    move_redemption(world, r2["id"], utc(D2, 20, 59))
    r3 = redeem(world, staff, spring[2], skus1[0], "S3")
    with staff.client("Burak Şahin") as c:
        assert c.post(f"{world.url}/v1/redemptions/{r3['id']}/void").status_code == 200
    move_redemption(world, r3["id"], utc(D1, 9))

    # Shelf scans.
    scan(world, p1, utc(D0, 12), customer_id=converter)  # then o1 (p1): converted
    scan(world, p2, utc(D0, 18), customer_id=repeat)  # then o2 and o3 (p2): converted, once
    scan(world, p1, utc(D1, 9), customer_id=repeat)  # never orders p1: not converted
    scan(world, p1, utc(D1, 10), customer_id=converter)  # ordered p1 before, not after
    scan(world, p2, utc(D1, 6), customer_id=canceller)  # o4 was cancelled: not converted
    scan(world, p1, utc(D2, 10), customer_id=browser)  # orders p1 7 days 1 hour later: late
    direct_order(world, browser, "web", utc(D2 + timedelta(days=7), 11), sku=skus1[0])
    scan(world, p1, utc(D2, 11), visitor="phone0000000000x")  # an anonymous phone, twice
    scan(world, p2, utc(D2, 11, 5), visitor="phone0000000000x")
    scan(world, p1, utc(D0, 13), customer_id=converter, store="IST01")  # another store
    scan(world, p1, utc(D2, 21), visitor="phone0000000000y")  # local 00:00 after the window

    r = report(staff, world, first_day=D0.isoformat(), last_day=D2.isoformat())
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["store_id"], got["store_code"], got["store_name"]) == (
        b.stores[STORE],
        STORE,
        "Alsancak",
    )
    assert (got["first_day"], got["last_day"], got["timezone"]) == (
        "2025-03-10",
        "2025-03-12",
        "Europe/Istanbul",
    )
    assert got["days"] == [
        {
            "day": "2025-03-10",
            "endless_aisle_orders": 1,
            "endless_aisle_revenue_kurus": 10000,
            "shelf_scans": 2,
            "redemptions": 1,
        },
        {
            "day": "2025-03-11",
            "endless_aisle_orders": 1,
            "endless_aisle_revenue_kurus": 45000,
            "shelf_scans": 3,
            "redemptions": 1,  # o2's coupon, redeemed on the order
        },
        {
            "day": "2025-03-12",
            "endless_aisle_orders": 1,
            "endless_aisle_revenue_kurus": 75000,
            "shelf_scans": 3,
            "redemptions": 1,
        },
    ]
    assert got["endless_aisle_orders"] == 3
    assert got["endless_aisle_revenue_kurus"] == 130000
    emre, deniz = staff.ids["Emre Aydın"], staff.ids["Deniz Çelik"]
    assert [(a["associate_id"], a["name"], a["orders"], a["revenue_kurus"])
            for a in got["by_associate"]] == [
        (deniz, "Deniz Çelik", 1, 75000),
        (emre, "Emre Aydın", 2, 55000),
    ]  # fmt: skip
    assert got["by_associate"][0]["associate_code"].startswith("izm-")
    assert got["shelf_scans"] == 8
    assert got["shelf_scan_visitors"] == 5  # four customers and one phone
    assert got["shelf_conversions"] == 2
    assert got["redemptions"] == 3
    assert got["redemption_discount_kurus"] == 2000 + 5000 + 2000
    assert got["by_campaign"] == [
        {"campaign": "spring", "redemptions": 2, "discount_kurus": 4000},
        {"campaign": "vip", "redemptions": 1, "discount_kurus": 5000},
    ]
    # converter (web) and shopper (app); repeat has no online orders; canceller's one order
    # here was cancelled.
    assert got["cross_channel_customers"] == 2

    # One day: only that day's figures, zeros where nothing happened.
    r = report(staff, world, first_day=D1.isoformat(), last_day=D1.isoformat())
    one = r.json()
    assert [d["day"] for d in one["days"]] == ["2025-03-11"]
    assert one["endless_aisle_orders"] == 1 and one["endless_aisle_revenue_kurus"] == 45000
    assert [a["associate_id"] for a in one["by_associate"]] == [emre]
    assert (one["shelf_scans"], one["shelf_conversions"], one["redemptions"]) == (3, 0, 1)
    assert one["cross_channel_customers"] == 1  # shopper, at the till

    # The longest window: 92 local days in order, the edges of March 9 and 13 included.
    r = report(staff, world, first_day="2025-01-01", last_day="2025-04-02")
    assert r.status_code == 200, r.text
    wide = r.json()
    assert len(wide["days"]) == 92
    assert [d["day"] for d in wide["days"]][:2] == ["2025-01-01", "2025-01-02"]
    assert wide["days"][-1]["day"] == "2025-04-02"
    assert wide["endless_aisle_orders"] == 5
    assert sum(d["endless_aisle_orders"] for d in wide["days"]) == 5
    by_day = {d["day"]: d for d in wide["days"]}
    assert by_day["2025-03-09"]["endless_aisle_orders"] == 1
    assert by_day["2025-03-13"]["endless_aisle_orders"] == 1
    assert by_day["2025-03-13"]["shelf_scans"] == 1
    assert by_day["2025-02-01"] == {
        "day": "2025-02-01",
        "endless_aisle_orders": 0,
        "endless_aisle_revenue_kurus": 0,
        "shelf_scans": 0,
        "redemptions": 0,
    }


def test_report_defaults_to_today_in_the_stores_time_zone_and_own_store(world: World) -> None:
    staff = izmir_staff(world)
    _, skus = factories.product(world.db, price_kurus=12345, stock={world.base.warehouse: 5})
    customer = factories.customer(world.db, consent=True)
    today = datetime.now(ZoneInfo("Europe/Istanbul")).date().isoformat()
    r = report(staff, world)
    assert r.status_code == 200, r.text
    before = r.json()
    assert before["store_id"] == world.base.stores[STORE]
    assert before["first_day"] == before["last_day"] == today
    assert [d["day"] for d in before["days"]] == [today]
    place(world, staff, "Emre Aydın", customer, skus[0], 1)
    now = report(staff, world).json()
    assert now["endless_aisle_orders"] == before["endless_aisle_orders"] + 1
    assert now["endless_aisle_revenue_kurus"] == before["endless_aisle_revenue_kurus"] + 12345
    # last_day alone: a one-day window; location_id may name the manager's own store.
    r = report(staff, world, last_day="2025-03-11", location_id=world.base.stores[STORE])
    assert r.status_code == 200, r.text
    assert (r.json()["first_day"], r.json()["last_day"]) == ("2025-03-11", "2025-03-11")


def test_report_is_for_managers_of_their_own_store_only(world: World) -> None:
    staff = izmir_staff(world)
    for who in ("Emre Aydın", "Burak Şahin"):  # an associate, a cashier
        r = report(staff, world, who=who)
        assert r.status_code == 403, r.text
        assert r.json()["type"].endswith("/forbidden-role")
    r = report(staff, world, location_id=world.base.stores["IST01"])
    assert r.status_code == 403
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/wrong-store")
    # IST01's own manager is refused IZM01 the same way.
    with world.client("t-manager") as m:
        r = m.get("/v1/reports/store", params={"location_id": world.base.stores[STORE]})
        assert r.status_code == 403 and r.json()["type"].endswith("/wrong-store")
        assert m.get("/v1/reports/store").json()["store_code"] == "IST01"
    r = report(staff, world, location_id=999_999)
    assert r.status_code == 404 and r.json()["type"].endswith("/not-found")
    with httpx.Client(timeout=HANG_S) as anonymous:
        assert anonymous.get(f"{world.url}/v1/reports/store").status_code == 401


def test_bad_windows_are_422_problems(world: World) -> None:
    staff = izmir_staff(world)
    r = report(staff, world, first_day="2025-03-12", last_day="2025-03-10")
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"].endswith("/bad-window")
    assert r.json()["detail"] == "last_day (2025-03-10) is before first_day (2025-03-12)."
    r = report(staff, world, first_day="2025-01-01", last_day="2025-04-03")
    assert r.status_code == 422
    assert r.json()["detail"] == ("The window is 93 days; at most 92 days can be reported at once.")
    assert r.json()["max_days"] == 92
    r = report(staff, world, first_day="2025-03-01", last_day="9999-12-31")
    assert r.status_code == 422 and r.json()["type"].endswith("/validation")  # no such year
    for bad in ({"last_day": "2025-13-01"}, {"first_day": "yesterday"}, {"location_id": "0"}):
        r = report(staff, world, **bad)
        assert r.status_code == 422, bad
        assert r.json()["type"].endswith("/validation")
