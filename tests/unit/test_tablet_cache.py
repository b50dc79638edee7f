"""The tablet's cache on its own (a real SQLite file, no network): offline search with Turkish
folding, applying feed changes, stock as the API would list it, the retention purge, and the
settings' address check."""

from __future__ import annotations

import gc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.contracts.catalog import LocationOut, ProductDetail, ProductQuery, VariantOut
from app.contracts.sync import CatalogSnapshotPage, Change, StockRow, StockSnapshotPage
from app.tablet.cache import catalogue
from app.tablet.cache.engine import SCHEMA_VERSION
from app.tablet.cache.models import CachedProduct
from app.tablet.cache.pull import Puller, _put_products, apply_change
from app.tablet.cache.store import Cache
from app.tablet.state.settings import normalised_api_url


def product(
    pid: int,
    name_tr: str,
    name_en: str = "",
    sizes: tuple[str, ...] = ("M",),
    category: str = "Üst",
) -> ProductDetail:
    return ProductDetail(
        id=pid,
        style_code=f"ST-{pid}",
        name_tr=name_tr,
        name_en=name_en or name_tr,
        brand="Reyon",
        category=category,
        kdv_rate=10,
        price_min_kurus=10_000,
        price_max_kurus=10_000,
        description_tr="",
        description_en="",
        sizes=list(sizes),
        colours=["Lacivert"],
        variants=[
            VariantOut(
                variant_id=pid * 10 + i,
                sku=f"ST-{pid}-{size}",
                ean13=f"869{pid:05d}{i:04d}0",
                product_id=pid,
                size=size,
                colour="Lacivert",
                colour_en="Navy",
                price_kurus=10_000,
                currency="TRY",
                kdv_rate=10,
            )
            for i, size in enumerate(sizes)
        ],
    )


@pytest.fixture
def cache(tmp_path: Path) -> Cache:
    c = Cache(tmp_path / "t.db")
    with c.write() as conn:
        _put_products(
            conn,
            [
                product(1, "Yün Kaşe Palto", "Wool Coat", category="Dış giyim"),
                product(2, "Keten Gömlek", "Linen Shirt", ("S", "M"), category="Gömlek"),
                product(3, "Çizgili Gömlek", "Striped Shirt", category="Gömlek"),
                product(4, "Şapka", "Hat", category="Aksesuar"),
            ],
        )
        conn.exec_driver_sql(
            "INSERT INTO location(id, code, detail) VALUES (?, ?, ?)",
            [
                (lid, code, LocationOut(
                    id=lid, code=code, name=code, kind=kind, city="İstanbul", district="",
                    address="", latitude=lat, longitude=lon,
                ).model_dump_json())
                for lid, code, kind, lat, lon in (
                    (1, "IST01", "store", 41.05, 28.99),
                    (2, "IST02", "store", 40.99, 29.03),
                    (3, "WEB", "warehouse", 40.9, 29.3),
                )
            ],
        )  # fmt: skip
    yield c
    c.close()


def test_search_folds_turkish_matches_prefixes_and_needs_every_term(cache: Cache) -> None:
    assert [p.id for p in cache.search("kase palto")] == [1]
    assert {p.id for p in cache.search("GÖMLEK")} == {2, 3}
    assert {p.id for p in cache.search("gom")} == {2, 3}
    assert [p.id for p in cache.search("cizgili gomlek")] == [3]
    assert [p.id for p in cache.search("sapka")] == [4]
    assert cache.search("gomlek palto") == []
    assert [p.id for p in cache.search("linen")] == [2]
    assert cache.search("   ") == []


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=30))
def test_search_takes_any_text_as_text_never_as_fts_syntax(tmp_path_factory: pytest.TempPathFactory, query: str) -> None:  # fmt: skip
    c = Cache(tmp_path_factory.mktemp("fuzz") / "t.db")
    try:
        c.search(query + ' OR "a* NEAR(b) -c')
    finally:
        c.close()


def _change(seq: int, **kw: object) -> Change:
    base: dict[str, object] = {
        "seq": seq,
        "entity": "stock",
        "entity_id": "x",
        "op": "upsert",
        "location_id": None,
        "customer_id": None,
        "payload": {},
        "at": datetime.now(UTC),
    }
    return Change.model_validate({**base, **kw})


def test_feed_changes_land_only_where_the_tablet_follows(cache: Cache) -> None:
    with cache.write() as conn:
        apply_change(conn, _change(1, location_id=1, payload={"variant_id": 20, "on_hand": 5, "reserved": 1}), [1, 3])  # fmt: skip
        apply_change(conn, _change(2, location_id=2, payload={"variant_id": 20, "on_hand": 9, "reserved": 0}), [1, 3])  # fmt: skip
        apply_change(conn, _change(3, location_id=1, payload={"variant_id": 20, "on_hand": 4, "reserved": 2}), [1, 3])  # fmt: skip
    stock = cache.availability("ST-2-S", near=1)
    assert stock is not None
    assert [(s.code, s.available) for s in stock.locations] == [("IST01", 2)]  # IST02 not followed


def test_a_deleted_product_and_a_deleted_customer_leave_nothing(cache: Cache) -> None:
    with cache.write() as conn:
        apply_change(conn, _change(1, entity="product", entity_id="4", op="delete"), [])
    assert cache.product(4) is None and cache.find_code("ST-4-M") is None
    assert cache.count(CachedProduct) == 3
    assert cache.search("sapka") == []  # gone from the index too


def test_stock_is_listed_this_store_first_then_by_distance(cache: Cache) -> None:
    with cache.write() as conn:
        for loc, on_hand in ((1, 1), (2, 3), (3, 7)):
            apply_change(conn, _change(loc, location_id=loc, payload={"variant_id": 10, "on_hand": on_hand, "reserved": 0}), [1, 2, 3])  # fmt: skip
    stock = cache.availability("ST-1-M", near=2)
    assert stock is not None and [s.code for s in stock.locations] == ["IST02", "IST01", "WEB"]
    assert stock.total_available == 11 and stock.locations[0].distance_km == 0.0
    assert cache.find_code("8690000100000") == (1, "ST-1-M")  # the EAN on the hang tag


def test_customers_are_purged_after_the_retention_period(cache: Cache) -> None:
    with cache.write() as conn:
        conn.exec_driver_sql(
            "INSERT INTO customer(id, view, opened_at, stale) VALUES (1, '{}', ?, 0), (2, '{}', ?, 0)",
            (datetime.now(UTC) - timedelta(days=31), datetime.now(UTC) - timedelta(days=1)),
        )
    assert cache.purge_customers(30) == 1
    assert cache.customer_ids() == [2]


@pytest.mark.parametrize(
    ("typed", "used"),
    [
        ("http://127.0.0.1:8000/", "http://127.0.0.1:8000"),
        ("api.magaza.local:8000", "http://api.magaza.local:8000"),
        ("https://api.example.com/reyon/", "https://api.example.com/reyon"),
        ("http://[::1]:8000", "http://[::1]:8000"),
        ("not a url", None),
        ("ftp://x", None),
        ("http://x:99999", None),
        ("http://user:pw@x", None),
        ("https://a_b.com", None),
        ("http://x/?q=1", None),
        ("", None),
    ],
)
def test_only_an_http_address_is_taken_as_the_api(typed: str, used: str | None) -> None:
    assert normalised_api_url(typed) == used


def test_tablet_settings_take_the_build_scripts_api_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.settings import TabletSettings

    monkeypatch.setenv("REYON_API_URL", "https://api.magaza.example")
    monkeypatch.setenv("REYON_TABLET_CUSTOMER_KEEP_DAYS", "14")
    s = TabletSettings(_env_file=None)  # type: ignore[call-arg]
    assert s.api_url == "https://api.magaza.example" and s.customer_keep_days == 14
    monkeypatch.setenv("REYON_TABLET_CUSTOMER_KEEP_DAYS", "0")
    with pytest.raises(ValueError):
        TabletSettings(_env_file=None)  # type: ignore[call-arg]


def test_offline_a_customer_is_shown_only_as_the_api_would_show_them(cache: Cache) -> None:
    """Standing consent: yes. A QR visit: for the visit's hours. Neither: no (masked)."""
    from app.contracts.customers import CustomerView

    def view(customer_id: int, access: str) -> CustomerView:
        return CustomerView.model_validate(
            {
                "profile": {
                    "id": customer_id,
                    "loyalty_number": f"RY{customer_id}",
                    "first_name": "Ayşe",
                    "last_name": "Yılmaz",
                    "phone": None,
                    "email": None,
                    "tier": "gold",
                    "points": 0,
                    "preferred_sizes": {},
                    "consents": {
                        k: {"given": access == "consent", "at": None, "source": None}
                        for k in ("clienteling", "email", "sms")
                    },
                    "addresses": [],
                    "created_at": "2025-01-01T00:00:00Z",
                },
                "access": access,
                "wishlist": [],
                "try_ons": [],
                "cart": None,
                "orders": [],
                "coupons": [],
                "notes": [],
                "identity_keys": [],
            }
        )

    cache.keep_customer(view(1, "consent"))
    cache.keep_customer(view(2, "visit"))
    cache.keep_customer(view(3, "visit"))
    with cache.write() as conn:
        conn.exec_driver_sql(
            "UPDATE customer SET opened_at = ? WHERE id = 3",
            (datetime.now(UTC) - timedelta(hours=5),),
        )
    assert cache.customer(1, allowed_offline=True) is not None
    assert cache.customer(2, allowed_offline=True) is not None
    assert cache.customer(3, allowed_offline=True) is None  # the visit is over
    assert cache.customer(3) is not None  # still held, until refreshed or purged
    # A refresh from the feed does not restart the retention clock; opening them does.
    cache.keep_customer(view(3, "visit"), opened=False)
    assert cache.customer(3, allowed_offline=True) is None
    cache.keep_customer(view(3, "visit"))
    assert cache.customer(3, allowed_offline=True) is not None


def test_a_cache_from_before_the_schema_version_keeps_its_outbox(tmp_path: Path) -> None:
    """A file made before outbox.till_id existed: opened by this app, its waiting work is
    still there and the new columns and index are added."""
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.execute(
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY, key VARCHAR UNIQUE, kind VARCHAR, "
            "method VARCHAR, path VARCHAR, body TEXT, associate_code VARCHAR, "
            "store_code VARCHAR, customer_id INTEGER, label VARCHAR, status VARCHAR, "
            "attempts INTEGER, next_attempt_at DATETIME, claimed_by VARCHAR, "
            "claimed_until DATETIME, error_kind VARCHAR, error_detail VARCHAR, response TEXT, "
            "created_at DATETIME, sent_at DATETIME)"
        )
        old.execute(
            "INSERT INTO outbox (key, kind, method, path, body, associate_code, store_code, "
            "label, status, attempts, next_attempt_at, created_at) VALUES ('k1', 'note', "
            "'POST', '/v1/customers/1/notes', '{}', 'a', 'IST01', '', 'pending', 0, "
            "'2026-12-01 10:00:00', '2026-12-01 10:00:00')"
        )
    c = Cache(path)
    try:
        from app.tablet.cache.outbox import Outbox

        waiting = Outbox(c).waiting()
        assert [w.key for w in waiting] == ["k1"] and waiting[0].till_id is None
        with c.read() as conn:
            assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION
    finally:
        c.close()
    Cache(path).close()  # and opening it again changes nothing


def test_a_search_index_from_version_1_gets_its_prefix_indexes_and_keeps_finding(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v1.db"
    c = Cache(path)
    with c.write() as conn:
        _put_products(conn, [product(1, "Keten Gömlek"), product(2, "Yün Kaşe Palto")])
        # What version 1 made: the same index without prefix indexes.
        conn.exec_driver_sql("DROP TABLE product_fts")
        conn.exec_driver_sql(
            "CREATE VIRTUAL TABLE product_fts USING fts5(search_text, content='product', "
            "content_rowid='id', tokenize='unicode61')"
        )
        conn.exec_driver_sql("INSERT INTO product_fts(product_fts) VALUES ('rebuild')")
        conn.exec_driver_sql("PRAGMA user_version = 1")
    c.close()
    c = Cache(path)
    try:
        with c.read() as conn:
            made = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'product_fts'"
            ).scalar_one()
            assert "prefix='1 2 3'" in made
            assert conn.exec_driver_sql("PRAGMA user_version").scalar_one() == SCHEMA_VERSION
        assert [p.id for p in c.search("g")] == [1]
        assert [p.id for p in c.search("kaşe")] == [2]
        with c.write() as conn:  # the triggers keep the rebuilt index in step
            _put_products(conn, [product(3, "Gömlek Elbise")])
        assert {p.id for p in c.search("gom")} == {1, 3}
    finally:
        c.close()


def test_a_search_matching_more_than_it_ranks_ranks_the_newest(
    cache: Cache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ranked in full, "gömlek" puts the shortest name first; with only the newest two
    matches ranked, the older ones follow them, newest first, however well they would rank;
    and every page of the API's offline search is a slice of that one order."""
    with cache.write() as conn:
        _put_products(conn, [product(5, "Gömlek"), product(6, "Uzun kollu pamuk gömlek")])
    assert [p.id for p in cache.search("gomlek", limit=1)] == [5]
    monkeypatch.setattr(catalogue, "RANKED", 2)
    assert [p.id for p in cache.search("gomlek", limit=1)] == [5]
    with cache.write() as conn:
        _put_products(conn, [product(7, "Keten gömlek, uzun kollu, dar kesim")])
    whole = [6, 7, 5, 3, 2]  # 6 and 7 ranked; then 5, 3, 2
    for limit in range(1, 7):
        assert [p.id for p in cache.search("gomlek", limit=limit)] == whole[:limit]

    def pages(**filters: object) -> tuple[list[int], set[int | None]]:
        seen: list[int] = []
        totals: set[int | None] = set()
        cursor = None
        while True:
            page = cache.search_products(
                ProductQuery.model_validate(
                    {"q": "gomlek", "limit": 2, "cursor": cursor, **filters}
                )
            )
            seen += [p.id for p in page.items]
            totals.add(page.total)
            if page.next_cursor is None:
                return seen, totals
            cursor = page.next_cursor

    assert pages() == (whole, {5})
    # With a filter, the newest two of what it keeps are ranked: 6 and 7 of 5, 6 and 7
    # ("Üst"); both of 2 and 3 ("Gömlek"), which rank alike, so by id.
    assert pages(category="Üst") == ([6, 7, 5], {3})
    assert pages(category="Gömlek") == ([2, 3], {2})


class _PagesThenPowerCut:
    """A client serving one catalogue page and one stock page, then failing (the Wi-Fi gone
    mid-sync); it notes whether the garbage collector ran while each page was fetched."""

    def __init__(self) -> None:
        self.collecting: list[bool] = []

    def locations(self) -> list[LocationOut]:
        return [
            LocationOut(
                id=1, code="IST01", name="IST01", kind="store", city="İstanbul", district="",
                address="", latitude=41.05, longitude=28.99,
            )
        ]  # fmt: skip

    def snapshot_catalog(self, *, after: int, limit: int) -> CatalogSnapshotPage:
        self.collecting.append(gc.isenabled())
        return CatalogSnapshotPage(cursor=7, products=[product(9, "Kaban")], next_after=None)

    def snapshot_stock(self, locations: list[int], *, after: int, limit: int) -> StockSnapshotPage:
        self.collecting.append(gc.isenabled())
        if after:
            raise ConnectionError("the Wi-Fi")
        row = StockRow(variant_id=90, location_id=1, on_hand=3, reserved=0)
        return StockSnapshotPage(cursor=7, rows=[row], next_after=90)


def test_a_first_sync_pauses_the_collector_only_inside_a_page(cache: Cache) -> None:
    """Pages are read and written without the cyclic collector (its full passes over a
    page's rows held up the app's other threads); between pages, and after a sync that
    failed inside one, it runs again: an app left without it would never free a cycle."""
    client = _PagesThenPowerCut()
    puller = Puller(client, cache)  # type: ignore[arg-type]
    puller.follow([1])
    assert gc.isenabled()
    between: list[bool] = []
    with pytest.raises(ConnectionError):
        puller.snapshot(lambda phase, done: between.append(gc.isenabled()))
    assert client.collecting == [False, False, False]
    assert between == [True, True] and gc.isenabled()
    assert cache.state("snapshot.stock_after") == "90"  # the page before the cut is kept
