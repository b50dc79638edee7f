"""The client book (issue 15, scene 14): who is in an associate's book (sold to, served,
assigned by a manager, moved to a colleague; never without clienteling consent), every filter
and sort, search with Turkish letters and phone digits, paging, a manager assigning and moving
clients, and a book that costs the same few queries however many clients it holds. Real HTTP,
SQLite and PostgreSQL. Each test makes its own associates and clients: the world is shared."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import event, select, update
from sqlmodel import col

from app.domain.local_days import local_today
from app.server.auth.models import Associate
from app.server.catalog.models import Product, Variant
from app.server.clienteling import book
from app.server.customers.models import Customer, CustomerNote, TryOn, WishlistEntry
from app.server.db import utcnow
from app.server.orders.models import Order, OrderLine
from app.server.returns.models import OrderReturn
from app.server.storefront.models import ShelfScan
from tests import factories
from tests.conftest import World

PROBLEM = "https://reyon.dev/problems/"
TZ = "Europe/Istanbul"

# --- making a small world ----------------------------------------------------------------------


def key() -> dict[str, str]:
    return {"Idempotency-Key": str(uuid.uuid4())}


def kind(r: httpx.Response) -> str:
    return str(r.json()["type"]).removeprefix(PROBLEM)


def associate(
    world: World, store: str = "IST01", role: str = "associate", active: bool = True
) -> tuple[int, str]:
    """A fresh associate (id, code): the shared ones have served other tests' customers. The
    world logs an associate in at ANK01 when their code starts with t-ank."""
    code = factories.unique("t-ank-cl" if store == "ANK01" else "t-cl")
    with world.db.write() as s:
        a = Associate(
            code=code,
            name=f"Test {code}",
            role=role,
            home_location_id=world.base.stores[store],
            pin_hash=factories.PIN_HASH,
            active=active,
        )
        s.add(a)
        s.flush()
        assert a.id is not None
        return a.id, code


def client(
    world: World,
    first: str,
    last: str,
    *,
    consent: bool = True,
    phone: str | None = None,
    tier: str = "classic",
    sizes: dict[str, str] | None = None,
    birth: date | None = None,
) -> int:
    with world.db.write() as s:
        c = Customer(
            loyalty_number=factories.unique("RYC"),
            first_name=first,
            last_name=last,
            phone=phone,
            tier=tier,
            preferred_sizes=sizes or {},
            birth_date=birth,
            consent_clienteling=consent,
            consent_clienteling_at=utcnow() if consent else None,
        )
        s.add(c)
        s.flush()
        assert c.id is not None
        return c.id


def variants(
    world: World, *, category: str, brand: str, stock: dict[int, int] | None = None
) -> list[int]:
    """A product's variants (S, M, L) with `stock` {location: on hand} of each."""
    product_id, skus = factories.product(world.db, category=category, stock=stock)
    with world.db.write() as s:
        s.execute(update(Product).where(col(Product.id) == product_id).values(brand=brand))
        return [
            s.execute(select(col(Variant.id)).where(col(Variant.sku) == sku)).scalar_one()
            for sku in skus
        ]


def order(
    world: World,
    customer: int,
    lines: list[tuple[int, int]],
    *,
    ago: timedelta,
    associate_id: int | None = None,
    store: str | None = "IST01",
    channel: str = "endless_aisle",
    status: str = "paid",
    fulfilment: str = "click_collect",
    unit_kurus: int = 100_000,
) -> int:
    """An order as placing writes it (`lines`: (variant, quantity)), placed `ago`."""
    store_id = world.base.stores[store] if store else None
    total = sum(q for _, q in lines) * unit_kurus
    with world.db.write() as s:
        o = Order(
            number=factories.unique("T-CL-"),
            customer_id=customer,
            channel=channel,
            status=status,
            fulfilment_type=fulfilment,
            store_location_id=store_id,
            pickup_location_id=store_id if fulfilment != "ship_to_home" else None,
            associate_id=associate_id,
            subtotal_kurus=total,
            total_kurus=total,
            kdv_kurus=total // 11,
            placed_at=utcnow() - ago,
        )
        s.add(o)
        s.flush()
        assert o.id is not None
        for variant_id, quantity in lines:
            s.add(
                OrderLine(
                    order_id=o.id,
                    variant_id=variant_id,
                    sku=f"v{variant_id}",
                    quantity=quantity,
                    unit_price_kurus=unit_kurus,
                    kdv_rate=10,
                    line_total_kurus=quantity * unit_kurus,
                    source_location_id=store_id or world.base.warehouse,
                )
            )
        return o.id


def try_on(
    world: World, customer: int, variant: int, *, associate_id: int | None, ago: timedelta,
    store: str = "IST01",
) -> None:  # fmt: skip
    with world.db.write() as s:
        s.add(
            TryOn(
                customer_id=customer,
                variant_id=variant,
                location_id=world.base.stores[store],
                associate_id=associate_id,
                outcome="liked",
                tried_at=utcnow() - ago,
            )
        )


def wish(
    world: World, customer: int, variant: int, *, associate_id: int | None = None,
    ago: timedelta = timedelta(days=1),
) -> int:  # fmt: skip
    with world.db.write() as s:
        entry = WishlistEntry(
            customer_id=customer,
            variant_id=variant,
            channel="store" if associate_id else "app",
            location_id=world.base.stores["IST01"] if associate_id else None,
            associate_id=associate_id,
            created_at=utcnow() - ago,
        )
        s.add(entry)
        s.flush()
        assert entry.id is not None
        return entry.id


def note(world: World, customer: int, associate_id: int) -> None:
    with world.db.write() as s:
        s.add(
            CustomerNote(
                customer_id=customer,
                associate_id=associate_id,
                location_id=world.base.stores["IST01"],
                body="Prefers navy.",
            )
        )


def get_book(world: World, who: str, **params: Any) -> dict[str, Any]:
    with world.client(who) as c:
        r = c.get("/v1/client-book", params=params)
    assert r.status_code == 200, r.text
    return dict(r.json())


def ids(world: World, who: str, **params: Any) -> list[int]:
    return [row["id"] for row in get_book(world, who, **params)["items"]]


def assign(world: World, who: str, customer: int, to: int) -> httpx.Response:
    with world.client(who) as c:
        return c.post(
            "/v1/client-book/assign",
            json={"customer_id": customer, "associate_id": to},
            headers=key(),
        )


# --- who is in the book ------------------------------------------------------------------------


def test_the_book_holds_clients_served_or_assigned_and_only_with_consent(world: World) -> None:
    a, a_code = associate(world)
    b, b_code = associate(world)
    _, ank_manager = associate(world, "ANK01", "manager")
    ank, _ = associate(world, "ANK01")
    gone, _ = associate(world, active=False)
    [v, *_] = variants(world, category="shirts", brand="Reyon")
    sold = client(world, "Selin", "Kaya")
    order(world, sold, [(v, 1)], ago=timedelta(days=2), associate_id=a)
    tried = client(world, "Tolga", "Aydın")
    try_on(world, tried, v, associate_id=a, ago=timedelta(days=5))
    wished = client(world, "Nazlı", "Er")
    wish(world, wished, v, associate_id=a)
    noted = client(world, "Kerem", "Ak")
    note(world, noted, a)
    private = client(world, "Gizli", "Müşteri", consent=False)
    try_on(world, private, v, associate_id=a, ago=timedelta(days=1))
    given = client(world, "Ece", "Sarı")
    moved = client(world, "Deniz", "Kurt")
    try_on(world, moved, v, associate_id=a, ago=timedelta(days=3))
    web_only = client(world, "Uzak", "Müşteri")
    order(world, web_only, [(v, 1)], ago=timedelta(days=1), store=None, channel="web")

    r = assign(world, "t-manager", given, a)
    assert r.status_code == 200, r.text
    assert r.json()["moved_from"] is None and r.json()["associate_id"] == a
    assert assign(world, "t-manager", moved, b).status_code == 200

    mine = get_book(world, a_code)
    assert {row["id"] for row in mine["items"]} == {sold, tried, wished, noted, given}
    assert mine["total"] == 5 and mine["associate_id"] == a
    assert {row["id"]: row["assigned"] for row in mine["items"]}[given] is True
    assert {row["id"]: row["assigned"] for row in mine["items"]}[sold] is False
    theirs = get_book(world, b_code)["items"]
    assert [(row["id"], row["assigned"]) for row in theirs] == [(moved, True)]
    assert ids(world, "t-manager", associate_id=a) == ids(world, a_code)

    # Moved back: the manager's move is reported, and the client is A's again.
    r = assign(world, "t-manager", moved, a)
    assert r.status_code == 200 and r.json()["moved_from"] == b
    assert moved in ids(world, a_code) and ids(world, b_code) == []

    # Consent withdrawn: nobody keeps the client, whoever served or was given them.
    with world.db.write() as s:
        s.execute(
            update(Customer).where(col(Customer.id) == given).values(consent_clienteling=False)
        )
    assert given not in ids(world, a_code)

    # Refusals, each in words.
    with world.client(a_code) as c:
        r = c.get("/v1/client-book", params={"associate_id": b})
        assert r.status_code == 403 and kind(r) == "forbidden-role"
    with world.client(ank_manager) as c:
        r = c.get("/v1/client-book", params={"associate_id": a})
        assert r.status_code == 403 and kind(r) == "other-store"
    r = assign(world, "t-manager", private, a)
    assert r.status_code == 403 and kind(r) == "consent-required"
    r = assign(world, "t-manager", sold, ank)
    assert r.status_code == 422 and kind(r) == "associate-other-store"
    r = assign(world, "t-manager", sold, gone)
    assert r.status_code == 422 and kind(r) == "associate-inactive"
    r = assign(world, "t-manager", 2**31 - 1, a)
    assert r.status_code == 404
    r = assign(world, a_code, sold, a)
    assert r.status_code == 403 and kind(r) == "forbidden-role"


def test_assigning_twice_at_once_leaves_one_assignment(world: World) -> None:
    from tests.integration.test_concurrency import race

    a, _ = associate(world)
    b, _ = associate(world)
    customer = client(world, "Yarış", "Müşteri")
    token = world.token("t-manager")
    calls = [
        httpx.Client(base_url=world.url, headers={"Authorization": f"Bearer {token}"})
        for _ in range(6)
    ]
    try:
        results = race(
            6,
            lambda i: calls[i].post(
                "/v1/client-book/assign",
                json={"customer_id": customer, "associate_id": (a, b)[i % 2]},
            ),
        )
    finally:
        for c in calls:
            c.close()
    assert {r.status_code for r in results} == {200}, [r.text for r in results]
    from app.server.clienteling.models import ClientAssignment

    with world.db.session() as s:
        rows = (
            s.execute(select(ClientAssignment).where(col(ClientAssignment.customer_id) == customer))
            .scalars()
            .all()
        )
    assert len(rows) == 1 and rows[0].associate_id in (a, b)


# --- filters, sorts, search, paging ------------------------------------------------------------


def _four_clients(world: World) -> tuple[str, dict[str, int]]:
    """Four clients of a fresh associate, each different in every way the book filters on."""
    a, code = associate(world)
    today = local_today(TZ, utcnow())
    ist01, ist02 = world.base.stores["IST01"], world.base.stores["IST02"]
    shoe_s, shoe_m, _ = variants(world, category="shoes", brand="Çınar", stock={ist01: 3})
    shirt, *_ = variants(world, category="shirts", brand="Reyon", stock={ist02: 5})
    # Şule: gold, M, born this month, 2 shoes two days ago, wishes shoes that are here.
    sule = client(world, "Şule", "Işık", tier="gold", sizes={"top": "M", "shoe": "38"},
                  birth=date(1990, today.month, 1))  # fmt: skip
    order(world, sule, [(shoe_s, 2)], ago=timedelta(days=2), associate_id=a)
    wish(world, sule, shoe_m)
    # İpek: bought shirts over a year ago, tried one on 200 days ago; her wish is not here.
    ipek = client(world, "İpek", "Çelik", sizes={"top": "L"},
                  birth=date(1985, today.month % 12 + 1, 15))  # fmt: skip
    order(world, ipek, [(shirt, 3)], ago=timedelta(days=400), associate_id=a)
    try_on(world, ipek, shirt, associate_id=a, ago=timedelta(days=200))
    wish(world, ipek, shirt)
    # Irmak: only a web order and a note: in the book, never seen in a store.
    irmak = client(world, "Irmak", "Uğur", tier="silver")
    order(world, irmak, [(shirt, 1)], ago=timedelta(days=30), store=None, channel="web",
          fulfilment="ship_to_home", unit_kurus=50_000)  # fmt: skip
    note(world, irmak, a)
    # Can: platinum, m, bought 350 000 of shoes (100 000 refunded), scanned a label yesterday.
    can = client(world, "Can", "Öztürk", tier="platinum", phone="+905321112233",
                 sizes={"top": "m"})  # fmt: skip
    bought = order(world, can, [(shoe_s, 1)], ago=timedelta(days=10), associate_id=a,
                   unit_kurus=350_000)  # fmt: skip
    cancelled = order(world, can, [(shoe_s, 9)], ago=timedelta(days=9), associate_id=a,
                      status="cancelled")  # fmt: skip
    assert cancelled
    with world.db.write() as s:
        s.add(
            OrderReturn(
                order_id=bought,
                location_id=ist01,
                associate_id=a,
                customer_id=can,
                refund_method="store_credit",
                refund_kurus=100_000,
                refund_reference=factories.unique("ref-cl-"),
            )
        )
        s.add(
            ShelfScan(
                product_id=s.get(Variant, shoe_s).product_id,  # type: ignore[union-attr]
                variant_id=shoe_s,
                location_id=ist02,
                customer_id=can,
                scanned_at=utcnow() - timedelta(days=1),
            )
        )
    return code, {"sule": sule, "ipek": ipek, "irmak": irmak, "can": can}


def test_every_filter_sort_search_and_page(world: World) -> None:
    code, c = _four_clients(world)
    sule, ipek, irmak, can = c["sule"], c["ipek"], c["irmak"], c["can"]
    today = local_today(TZ, utcnow())

    rows = {row["id"]: row for row in get_book(world, code)["items"]}
    assert rows[sule]["spend_12m_kurus"] == 200_000 and rows[ipek]["spend_12m_kurus"] == 0
    assert rows[irmak]["spend_12m_kurus"] == 50_000 and rows[can]["spend_12m_kurus"] == 250_000
    assert (rows[sule]["favourite_category"], rows[sule]["favourite_brand"]) == ("shoes", "Çınar")
    assert (rows[ipek]["favourite_category"], rows[ipek]["favourite_brand"]) == ("shirts", "Reyon")
    assert rows[sule]["birthday_this_month"] and not rows[ipek]["birthday_this_month"]
    assert rows[sule]["back_in_stock_here"] and not rows[ipek]["back_in_stock_here"]
    assert rows[sule]["sizes"] == {"top": "M", "shoe": "38"} and rows[sule]["tier"] == "gold"
    assert rows[irmak]["last_visit_at"] is None
    seen = datetime.fromisoformat(rows[can]["last_visit_at"])
    assert timedelta(hours=23) < utcnow() - seen < timedelta(hours=25)  # the label scan

    # Sorts: latest visit first and never-seen last either way; spend; Turkish names.
    assert ids(world, code) == [can, sule, ipek, irmak]
    assert ids(world, code, sort="last_visit", direction="asc") == [ipek, sule, can, irmak]
    assert ids(world, code, sort="spend") == [can, sule, irmak, ipek]
    assert ids(world, code, sort="spend", direction="asc") == [ipek, irmak, sule, can]
    assert ids(world, code, sort="name") == [can, irmak, ipek, sule]
    assert ids(world, code, sort="name", direction="desc") == [sule, ipek, irmak, can]

    # Filters, each alone, then two together.
    def only(**params: Any) -> set[int]:
        return set(ids(world, code, **params))

    assert only(size="m") == {sule, can} and only(size="38") == {sule}
    assert only(category="SHOES") == {sule, can} and only(category="shirts") == {ipek, irmak}
    assert only(brand="cinar") == {sule, can} and only(brand="REYON") == {ipek, irmak}
    assert only(tier="gold") == {sule}
    assert set(ids(world, code, tier=["gold", "platinum"])) == {sule, can}
    assert only(visited_within_days=5) == {sule, can}
    assert only(not_visited_days=100) == {ipek, irmak}
    assert only(min_spend_kurus=100_000) == {sule, can}
    assert only(max_spend_kurus=60_000) == {ipek, irmak}
    assert only(birth_month=today.month) == {sule}
    assert only(back_in_stock="true") == {sule}
    assert only(back_in_stock="false") == {ipek, irmak, can}
    assert only(size="m", min_spend_kurus=225_000) == {can}

    # Search: Turkish letters however typed, and phone digits.
    for q, found in [
        ("şule", sule), ("SULE ISIK", sule), ("işık", sule), ("ipek", ipek),
        ("İPEK ÇELİK", ipek), ("ırmak", irmak), ("IRMAK", irmak), ("ugur", irmak),
        ("öztürk", can), ("0532 111", can), ("5321112233", can),
    ]:  # fmt: skip
        assert ids(world, code, q=q) == [found], q
    assert ids(world, code, q="zeynep") == []

    # A task for Irmak shows in her row (she and İpek have no automatic ones to count).
    with world.client(code) as cl:
        body = {"customer_id": irmak, "due_on": today.isoformat()}
        assert cl.post("/v1/tasks", json=body, headers=key()).status_code == 201
    rows = {row["id"]: row for row in get_book(world, code)["items"]}
    assert rows[irmak]["open_tasks"] == 1 and rows[ipek]["open_tasks"] == 0

    # Pages: disjoint, in order, the total on each.
    first = get_book(world, code, sort="name", limit=2)
    second = get_book(world, code, sort="name", limit=2, offset=2)
    assert [r["id"] for r in first["items"]] == [can, irmak]
    assert [r["id"] for r in second["items"]] == [ipek, sule]
    assert first["total"] == second["total"] == 4
    assert get_book(world, code, limit=2, offset=4)["items"] == []

    # Bad parameters are 422 problems, not a silent default.
    with world.client(code) as cl:
        for params in ({"sort": "age"}, {"limit": 0}, {"birth_month": 13}, {"tier": "gum"}):
            r = cl.get("/v1/client-book", params=params)
            assert r.status_code == 422, params


def test_the_book_costs_the_same_queries_for_one_client_or_many(world: World) -> None:
    code, _ = _four_clients(world)
    small, _ = associate(world)
    [v, *_] = variants(world, category="shirts", brand="Reyon")
    try_on(world, client(world, "Tek", "Müşteri"), v, associate_id=small, ago=timedelta(days=1))
    with world.db.session() as s:
        big = s.execute(select(col(Associate.id)).where(col(Associate.code) == code)).scalar_one()
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    store = world.base.stores["IST01"]
    sizes = {}
    event.listen(world.db.engine, "before_cursor_execute", count)
    try:
        for who in (big, small):
            statements.clear()
            with world.db.read_session() as s:
                facts = book.gather(s, associate_id=who, store_id=store, now=utcnow())
            sizes[len(facts)] = len(statements)
    finally:
        event.remove(world.db.engine, "before_cursor_execute", count)
    assert set(sizes) == {4, 1} and sizes[4] == sizes[1] == 7, sizes
