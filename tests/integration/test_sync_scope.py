"""The change feed scoped to one tablet (its locations, the customers it holds), must_refetch
once the log has been pruned past a cursor, and the snapshots a tablet's first sync walks."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, update
from sqlmodel import col

from app.contracts.catalog import ProductDetail
from app.contracts.devices import DeviceCredential
from app.contracts.sync import CatalogSnapshotPage, ChangePage, StockSnapshotPage
from app.server.app import housekeeping
from app.server.catalog.models import Product, Variant
from app.server.db import utcnow
from app.server.inventory.models import StockLevel
from app.server.sync import scope as sync_scope
from app.server.sync import service as sync_service
from app.server.sync.changelog import number_committed
from app.server.sync.models import ChangeLog, DeviceCustomer
from app.settings import ApiSettings
from tests import factories
from tests.conftest import World, _world
from tests.server import HANG_S


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def lone_world(request, fresh_database, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """A world of its own for pruning: pruned past, the shared world's feed would answer
    must_refetch to every later test that follows it from an old cursor."""
    yield from _world(request.param, fresh_database, tmp_path_factory)


_ENROLLED: dict[str, DeviceCredential] = {}


def new_tablet(world: World) -> str:
    """A newly enrolled IST01 tablet; its id names it in the change-feed tables."""
    credential = factories.tablet(world.db, "IST01")
    _ENROLLED[credential.device_id] = credential
    return credential.device_id


def tablet(world: World, device_id: str, associate: str = "t-associate") -> httpx.Client:
    """A client logged in from the tablet `device_id` (made by new_tablet)."""
    r = httpx.post(
        f"{world.url}/v1/auth/login",
        json=factories.login_body(_ENROLLED[device_id], associate),
        timeout=HANG_S,
    )
    r.raise_for_status()
    token = r.json()["access_token"]
    return httpx.Client(
        base_url=world.url, headers={"Authorization": f"Bearer {token}"}, timeout=HANG_S
    )


def head(world: World) -> int:
    number_committed(world.db)  # as a feed reader would: what has committed, numbered
    with world.db.session() as s:
        return sync_service.head(s)


def feed(c: httpx.Client, since: int, **params: object) -> list[dict]:
    out: list[dict] = []
    for _ in range(1000):
        r = c.get("/v1/sync/changes", params={"since": since, "limit": 50, **params})
        assert r.status_code == 200, r.text
        page = ChangePage.model_validate(r.json())
        assert not page.must_refetch
        out += [ch.model_dump(mode="json") for ch in page.changes]
        since = page.next_cursor
        if page.up_to_date:
            return out
    raise AssertionError("change feed never reached the end")


def note(c: httpx.Client, customer_id: int, body: str) -> int:
    r = c.post(f"/v1/customers/{customer_id}/notes", json={"body": body})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def notes_in(changes: list[dict]) -> dict[int, set[str]]:
    """customer id -> note ids among `changes`."""
    out: dict[int, set[str]] = {}
    for ch in changes:
        if ch["entity"] == "note":
            out.setdefault(ch["customer_id"], set()).add(ch["entity_id"])
    return out


def reserve(world: World, sku: str, location_id: int, quantity: int = 1) -> None:
    with world.client() as c:
        r = c.post(
            "/v1/orders",
            json={
                "customer_id": world.base.consenting_customer,
                "lines": [{"sku": sku, "quantity": quantity}],
                "fulfilment": {"type": "reserve_in_store", "location_id": location_id},
            },
        )
        assert r.status_code == 201, r.text


# --- customers --------------------------------------------------------------------------


def test_a_tablet_gets_the_changes_of_the_customers_it_opened_only(world: World) -> None:
    a = factories.customer(world.db, consent=True)
    b = factories.customer(world.db, consent=True)
    private = factories.customer(world.db)
    one, two, other = (new_tablet(world) for _ in range(3))
    cursor = head(world)
    with tablet(world, one) as t1, tablet(world, two) as t2, tablet(world, other) as t3:
        assert t1.get(f"/v1/customers/{a}").status_code == 200
        assert t2.get(f"/v1/customers/{b}").status_code == 200
        # A customer the tablet may not open (no consent, no visit) is not held either.
        assert t1.get(f"/v1/customers/{private}").status_code == 403
        note_a = note(t3, a, "Prefers slim fit")
        note_b = note(t3, b, "Allergic to wool")

        assert notes_in(feed(t1, cursor)) == {a: {str(note_a)}}
        assert notes_in(feed(t2, cursor)) == {b: {str(note_b)}}
        # The tablet that wrote the notes opened neither customer: its cache holds neither.
        assert notes_in(feed(t3, cursor)) == {}
        # Changes before the opening but after the cursor come too: the tablet just opened
        # the customer and is missing nothing it had.
        assert t3.get(f"/v1/customers/{a}").status_code == 200
        assert notes_in(feed(t3, cursor)) == {a: {str(note_a)}}

    with world.db.session() as s:
        held = s.execute(
            select(col(DeviceCustomer.device_id), col(DeviceCustomer.customer_id)).where(
                col(DeviceCustomer.device_id).in_([one, two, other])
            )
        ).all()
    assert sorted(held) == sorted([(one, a), (two, b), (other, a)])


def _opened_at(world: World, device: str) -> list:
    """When `device` last opened each customer it holds."""
    with world.db.session() as s:
        return list(
            s.execute(
                select(col(DeviceCustomer.last_opened_at)).where(
                    col(DeviceCustomer.device_id) == device
                )
            ).scalars()
        )


def test_opening_again_refreshes_the_pair_instead_of_adding_one(world: World) -> None:
    a = factories.customer(world.db, consent=True)
    device = new_tablet(world)

    with tablet(world, device) as t:
        assert t.get(f"/v1/customers/{a}").status_code == 200
        first = _opened_at(world, device)
        assert t.get(f"/v1/customers/{a}").status_code == 200
        second = _opened_at(world, device)
    assert len(first) == len(second) == 1 and second[0] >= first[0]


def test_a_process_writes_a_repeated_opening_only_once_in_a_while(world: World) -> None:
    """The view stays a read when a tablet reopens the customer in front of it: the pair's date
    is written again only after `renote_seconds` (it decides forgetting, days later)."""
    a = factories.customer(world.db, consent=True)
    device = new_tablet(world)
    now = [1000.0]
    opened = sync_scope.OpenedCustomers(world.db, renote_seconds=300, clock=lambda: now[0])

    opened.note(device_id=device, customer_id=a)
    first = _opened_at(world, device)
    now[0] += 299
    opened.note(device_id=device, customer_id=a)
    assert _opened_at(world, device) == first and len(first) == 1
    now[0] += 2
    opened.note(device_id=device, customer_id=a)
    later = _opened_at(world, device)
    assert len(later) == 1 and later[0] > first[0]


def test_identifying_by_qr_code_makes_the_tablet_hold_the_customer(world: World) -> None:
    private = factories.customer(world.db)  # no standing consent: only the QR code opens it
    scanned = factories.customer(world.db)
    by_identify, by_scan = new_tablet(world), new_tablet(world)
    cursor = head(world)
    with tablet(world, by_identify) as t1, tablet(world, by_scan) as t2, world.client() as other:
        r = t1.post(
            "/v1/customers/identify", json={"token": factories.identity_code(world.db, private)}
        )
        assert r.status_code == 200, r.text
        r = t2.post("/v1/scan", json={"payload": factories.identity_code(world.db, scanned)})
        assert r.status_code == 200 and r.json()["valid"], r.text
        # Another associate of the store adds notes during the visit.
        n1 = note(other, private, "Looking for a wedding outfit")
        n2 = note(other, scanned, "Size 42 shoes")
        assert notes_in(feed(t1, cursor)) == {private: {str(n1)}}
        assert notes_in(feed(t2, cursor)) == {scanned: {str(n2)}}


# --- locations and everyone -------------------------------------------------------------


def test_stock_rows_only_for_the_listed_locations_and_shared_rows_for_all(world: World) -> None:
    b = world.base
    ist02, ank01, izm01 = b.stores["IST02"], b.stores["ANK01"], b.stores["IZM01"]
    _, skus = factories.product(world.db, stock={ist02: 3, ank01: 3, izm01: 3})
    code = factories.coupon(world.db, max_redemptions=None)  # anyone's: no customer
    cursor = head(world)
    reserve(world, skus[0], ist02)
    reserve(world, skus[1], ank01)
    with world.client("t-cashier") as cashier:
        r = cashier.post(
            "/v1/redemptions",
            json={
                "code": code,
                "location_id": b.stores["IST01"],
                "till_id": "T1",
                "sale_ref": factories.unique("S"),
                "basket": {"lines": [{"sku": skus[2], "quantity": 1}], "channel": "store"},
            },
        )
        assert r.status_code == 201, r.text

    def stock_locations(changes: list[dict]) -> set[int]:
        return {ch["location_id"] for ch in changes if ch["entity"] == "stock"}

    def shared(changes: list[dict]) -> list[dict]:
        return [ch for ch in changes if ch["entity"] == "coupon" and ch["entity_id"] == code]

    with tablet(world, new_tablet(world)) as t:
        just_ist02 = feed(t, cursor, location_id=ist02)
        both = feed(t, cursor, location_id=[ist02, ank01])
        neither = feed(t, cursor, location_id=izm01)
        unscoped = feed(t, cursor)
        # The orders are the consenting customer's, whom this tablet never opened.
        assert not [ch for ch in unscoped if ch["customer_id"] is not None]
    assert stock_locations(just_ist02) == {ist02}
    assert stock_locations(both) == {ist02, ank01}
    assert stock_locations(neither) == set()
    # Leaving location_id out keeps its old meaning: every location.
    assert stock_locations(unscoped) == {ist02, ank01}
    for changes in (just_ist02, both, neither, unscoped):
        assert len(shared(changes)) == 1
        assert shared(changes)[0]["location_id"] is None


# --- must_refetch -----------------------------------------------------------------------


def test_a_cursor_behind_the_pruned_log_must_refetch(lone_world: World) -> None:
    w = lone_world
    b = w.base
    _, skus = factories.product(w.db, stock={b.stores["IST02"]: 5})
    reserve(w, skus[0], b.stores["IST02"])
    old = 0
    with tablet(w, new_tablet(w)) as t:
        assert feed(t, old)  # the log still reaches back to the start
        newest = head(w)
        with w.db.write() as s:
            pruned = sync_service.prune_changes(db_session=s, cutoff=utcnow() + timedelta(days=1))
        assert pruned > 0
        with w.db.session() as s:
            assert sync_service.pruned_through(s) == newest
            assert s.execute(select(col(ChangeLog.seq))).first() is None

        page = ChangePage.model_validate(t.get("/v1/sync/changes", params={"since": old}).json())
        assert page.must_refetch and not page.up_to_date
        assert page.changes == [] and page.next_cursor == old
        behind = t.get("/v1/sync/changes", params={"since": newest - 1}).json()
        assert behind["must_refetch"]
        # A tablet that had seen everything pruned has lost nothing.
        assert feed(t, newest) == []

        # The fresh snapshot's cursor is where the log now starts, not 0.
        snap = CatalogSnapshotPage.model_validate(t.get("/v1/sync/snapshot/catalog").json())
        assert snap.cursor == newest
        reserve(w, skus[1], b.stores["IST02"])
        after = feed(t, snap.cursor, location_id=b.stores["IST02"])
        assert [ch for ch in after if ch["entity"] == "stock"]
        assert all(ch["seq"] > newest for ch in after)


def test_housekeeping_prunes_old_changes_and_forgets_idle_customers(lone_world: World) -> None:
    w = lone_world
    settings = ApiSettings(database_url=w.database_url)
    a = factories.customer(w.db, consent=True)
    device = new_tablet(w)
    with tablet(w, device) as t, w.client() as other:
        assert t.get(f"/v1/customers/{a}").status_code == 200
        cursor = head(w)
        note(other, a, "First")
        old_enough = head(w)
        note(other, a, "Second")
        # Nothing is old enough yet.
        assert housekeeping(w.db, settings)["pruned_changes"] == 0
        assert len(notes_in(feed(t, cursor))[a]) == 2

        with w.db.write() as s:
            s.execute(
                update(ChangeLog)
                .where(col(ChangeLog.seq) <= old_enough)
                .values(at=utcnow() - timedelta(days=settings.changelog_keep_days, hours=1))
            )
            s.execute(
                update(DeviceCustomer)
                .where(col(DeviceCustomer.device_id) == device)
                .values(last_opened_at=utcnow() - timedelta(days=31))
            )
        done = housekeeping(w.db, settings)
        assert done["pruned_changes"] >= 1 and done["forgotten_device_customers"] == 1
        with w.db.session() as s:
            assert sync_service.pruned_through(s) == old_enough
        assert t.get("/v1/sync/changes", params={"since": cursor}).json()["must_refetch"]
        # Forgotten: the customer's changes no longer come to this tablet.
        assert notes_in(feed(t, old_enough)) == {}
        assert housekeeping(w.db, settings)["pruned_changes"] == 0


# --- snapshots --------------------------------------------------------------------------


def test_the_catalogue_snapshot_walks_every_product_once(world: World) -> None:
    b = world.base
    made = [factories.product(world.db, stock={b.stores["IST02"]: 4})[0] for _ in range(3)]
    start = head(world)
    seen: list[int] = []
    first_cursor = None
    moved = ""
    after = 0
    with tablet(world, new_tablet(world)) as t:
        for _ in range(10_000):
            r = t.get("/v1/sync/snapshot/catalog", params={"after": after, "limit": 2})
            assert r.status_code == 200, r.text
            page = CatalogSnapshotPage.model_validate(r.json())
            assert len(page.products) <= 2
            assert start <= page.cursor <= head(world)
            if first_cursor is None:
                first_cursor = page.cursor
                # Committed while the tablet pages: it must reach the tablet by the feed.
                _, skus = factories.product(world.db, stock={b.stores["IST02"]: 1})
                reserve(world, skus[0], b.stores["IST02"])
                moved = skus[0]
            seen += [p.id for p in page.products]
            if page.next_after is None:
                break
            assert page.next_after == page.products[-1].id
            after = page.next_after
        with world.db.session() as s:
            active = list(
                s.execute(
                    select(col(Product.id))
                    .where(col(Product.active).is_(True), col(Product.id) <= max(seen))
                    .order_by(col(Product.id))
                ).scalars()
            )
        assert seen == active and set(made) <= set(seen)
        # Each product exactly as the product endpoint shows it.
        r = t.get("/v1/sync/snapshot/catalog", params={"after": made[0] - 1, "limit": 3})
        for p in CatalogSnapshotPage.model_validate(r.json()).products:
            assert p == ProductDetail.model_validate(t.get(f"/v1/products/{p.id}").json())
        assert first_cursor is not None
        later = feed(t, first_cursor, location_id=b.stores["IST02"])
    with world.db.session() as s:
        variant_id = s.execute(select(col(Variant.id)).where(col(Variant.sku) == moved)).scalar()
    assert [
        ch
        for ch in later
        if ch["entity"] == "stock"
        and ch["payload"] == {"variant_id": variant_id, "on_hand": 1, "reserved": 1}
    ]


def test_the_stock_snapshot_and_the_feed_after_it_give_the_true_stock(world: World) -> None:
    """Walk the stock of two locations a few variants a page, while an order reserves stock;
    the snapshot plus the feed from the first page's cursor equals the database."""
    b = world.base
    followed = [b.stores["IST01"], b.stores["IST02"]]
    _, skus = factories.product(world.db, stock={b.stores["IST02"]: 5, b.warehouse: 5})
    factories.product(world.db, stock={b.stores["ANK01"]: 5})  # not followed
    cache: dict[tuple[int, int], tuple[int, int]] = {}
    pages: list[list[int]] = []
    first_cursor = None
    after = 0
    with tablet(world, new_tablet(world)) as t:
        for _ in range(10_000):
            r = t.get(
                "/v1/sync/snapshot/stock",
                params={"location_id": followed, "after": after, "limit": 3},
            )
            assert r.status_code == 200, r.text
            page = StockSnapshotPage.model_validate(r.json())
            assert page.cursor <= head(world)
            keys = [(row.variant_id, row.location_id) for row in page.rows]
            assert keys == sorted(keys)
            assert all(after < v <= (page.next_after or 2**31) for v, _ in keys)
            assert {loc for _, loc in keys} <= set(followed)
            for row in page.rows:
                assert (row.variant_id, row.location_id) not in cache
                cache[row.variant_id, row.location_id] = (row.on_hand, row.reserved)
            pages.append(sorted({v for v, _ in keys}))
            if first_cursor is None:
                first_cursor = page.cursor
                reserve(world, skus[0], b.stores["IST02"], quantity=2)
            if page.next_after is None:
                break
            after = page.next_after
        assert first_cursor is not None
        changes = feed(t, first_cursor, location_id=followed)
    # No variant's rows were split between two pages.
    flat = [v for page_ids in pages for v in page_ids]
    assert flat == sorted(flat) and len(flat) == len(set(flat))
    for ch in changes:
        if ch["entity"] == "stock":
            p = ch["payload"]
            cache[p["variant_id"], ch["location_id"]] = (p["on_hand"], p["reserved"])
    with world.db.session() as s:
        truth = {
            (v, loc): (on_hand, reserved)
            for v, loc, on_hand, reserved in s.execute(
                select(
                    col(StockLevel.variant_id),
                    col(StockLevel.location_id),
                    col(StockLevel.on_hand),
                    col(StockLevel.reserved),
                ).where(col(StockLevel.location_id).in_(followed))
            ).all()
        }
        reserved_variant = s.execute(
            select(col(Variant.id)).where(col(Variant.sku) == skus[0])
        ).scalar_one()
    assert cache == truth
    assert truth[reserved_variant, b.stores["IST02"]] == (5, 2)


def test_snapshot_pages_past_the_end_are_empty(world: World) -> None:
    with tablet(world, new_tablet(world)) as t:
        end = 2**31 - 1
        r = t.get("/v1/sync/snapshot/catalog", params={"after": end})
        assert r.status_code == 200 and r.json()["products"] == []
        assert r.json()["next_after"] is None
        r = t.get("/v1/sync/snapshot/stock", params={"location_id": 1, "after": end})
        assert r.status_code == 200 and r.json()["rows"] == []
        assert r.json()["next_after"] is None


# --- validation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/sync/changes", {"location_id": list(range(1, 52))}),
        ("/v1/sync/changes", {"location_id": 0}),
        ("/v1/sync/snapshot/stock", {"location_id": list(range(1, 52))}),
        ("/v1/sync/snapshot/stock", {}),
        ("/v1/sync/snapshot/stock", {"location_id": 1, "limit": 0}),
        ("/v1/sync/snapshot/stock", {"location_id": 1, "limit": 5001}),
        ("/v1/sync/snapshot/stock", {"location_id": 1, "after": -1}),
        ("/v1/sync/snapshot/catalog", {"limit": 0}),
        ("/v1/sync/snapshot/catalog", {"limit": 501}),
        ("/v1/sync/snapshot/catalog", {"after": "x"}),
    ],
)
def test_bad_parameters_are_422_problems(world: World, path: str, params: dict) -> None:
    with world.client() as c:
        r = c.get(path, params=params)
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_snapshots_need_a_logged_in_associate(world: World) -> None:
    with world.client(None) as c:
        assert c.get("/v1/sync/snapshot/catalog").status_code == 401
        assert c.get("/v1/sync/snapshot/stock", params={"location_id": 1}).status_code == 401


def test_fifty_locations_are_allowed(world: World) -> None:
    with world.client() as c:
        assert c.get("/v1/sync/changes", params={"location_id": list(range(1, 51))}).is_success
        r = c.get("/v1/sync/snapshot/stock", params={"location_id": list(range(1, 51))})
        assert r.is_success
