"""Filling the cache from the central API: a snapshot of the catalogue and of the followed
locations' stock for the first sync, then the change feed from the snapshot's cursor.

Every page is applied in one local transaction together with the position it reached, so a
tablet that dies mid-sync resumes where it stopped and never holds half a page or a cursor
ahead of its rows."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, text
from sqlmodel import col

from app.contracts.catalog import ProductDetail
from app.contracts.sync import Change
from app.domain.text import fold
from app.tablet.cache.engine import dumps, utcnow
from app.tablet.cache.models import CachedCustomer, CachedProduct, CachedVariant
from app.tablet.cache.store import Cache
from app.tablet.client import ReyonClient

CATALOG_PAGE = 200  # products
STOCK_PAGE = 5000  # variants (times the followed locations in rows)
FEED_PAGE = 1000
CUSTOMER_ENTITIES = frozenset(
    {"customer", "wishlist", "try_on", "note", "order", "cart", "redemption", "loyalty"}
)

Progress = Callable[[str, int], None]  # (phase, rows applied so far in it)


def _no_progress(phase: str, done: int) -> None:
    """A sync nobody watches."""


@dataclass
class SyncReport:
    products: int = 0
    stock_rows: int = 0
    changes: int = 0
    refetched: bool = False


def product_search_text(p: ProductDetail) -> str:
    return fold(f"{p.name_tr} {p.name_en} {p.brand} {p.category} {p.style_code}")


def _put_products(conn: Connection, products: list[ProductDetail]) -> None:
    if not products:
        return
    ids = [p.id for p in products]
    conn.execute(delete(CachedVariant).where(col(CachedVariant.product_id).in_(ids)))
    conn.execute(
        text(
            "INSERT INTO product(id, style_code, detail, search_text) VALUES (:i, :s, :d, :t) "
            "ON CONFLICT(id) DO UPDATE SET style_code = excluded.style_code, "
            "detail = excluded.detail, search_text = excluded.search_text"
        ),
        [
            {"i": p.id, "s": p.style_code, "d": p.model_dump_json(), "t": product_search_text(p)}
            for p in products
        ],
    )
    variants = [
        {"i": v.variant_id, "p": p.id, "s": v.sku, "e": v.ean13}
        for p in products
        for v in p.variants
    ]
    if variants:
        conn.execute(
            text("INSERT INTO variant(id, product_id, sku, ean13) VALUES (:i, :p, :s, :e)"),
            variants,
        )


@contextmanager
def _no_collection() -> Iterator[None]:
    """One page read and written without the cyclic garbage collector. A stock page is tens
    of thousands of row objects made at once and freed at once by their reference counts (no
    cycles among them), yet making them set off full collections that walked every object
    alive while holding the interpreter: the app's other threads stood still up to about
    0.2 s at a time during a first sync, against about 0.04 without (tests.bench.sync_pauses),
    and the sync took longer. Collections resume between pages. The pause spans the page's
    request too (its answer is read into models inside the client call): cycles made
    meanwhile anywhere in the app wait for the page, at most the client's time-out."""
    if not gc.isenabled():  # someone else's pause: leave it to them
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# Plain DB-API parameters: for the 100,000s of rows of a first sync, SQLAlchemy's per-row
# parameter handling cost as much as SQLite itself (make bench).
_PUT_STOCK = (
    "INSERT INTO stock(variant_id, location_id, on_hand, reserved) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(variant_id, location_id) DO UPDATE SET on_hand = excluded.on_hand, "
    "reserved = excluded.reserved"
)


class Puller:
    def __init__(self, client: ReyonClient, cache: Cache) -> None:
        self.client = client
        self.cache = cache

    # -- what this tablet follows -----------------------------------------------------------

    @property
    def locations(self) -> list[int]:
        return [int(x) for x in json.loads(self.cache.state("locations", "[]") or "[]")]

    def follow(self, locations: list[int]) -> None:
        """The locations whose stock this tablet keeps: its store, nearby stores, the online
        warehouse. A different set needs a fresh stock snapshot."""
        wanted = sorted(set(locations))
        if wanted == self.locations:
            return
        with self.cache.write() as conn:
            Cache.set_state(conn, "locations", dumps(wanted))
            Cache.set_state(conn, "snapshot.stock_after", "0")
            Cache.set_state(conn, "snapshot.done", "0")
            # What the pruned part of the log said about them is lost: fetch them again.
            conn.exec_driver_sql("UPDATE customer SET stale = 1")
            conn.exec_driver_sql("DELETE FROM stock")

    @property
    def cursor(self) -> int | None:
        """The feed position the cache holds; None until the first snapshot completed."""
        if self.cache.state("snapshot.done") != "1":
            return None
        return int(self.cache.state("cursor", "0") or 0)

    # -- the first sync -----------------------------------------------------------------------

    def snapshot(self, progress: Progress = _no_progress) -> SyncReport:
        """Catalogue, then stock, page by page; resumes after a crash at the page it reached."""
        report = SyncReport()
        if self.cache.state("snapshot.done") == "1":
            return report
        self._locations()
        after = int(self.cache.state("snapshot.catalog_after", "0") or 0)
        while after >= 0:
            with _no_collection():
                after = self._catalog_page(after, report)
            progress("catalog", report.products)
        locations = self.locations
        after = int(self.cache.state("snapshot.stock_after", "0") or 0)
        while locations and after >= 0:
            with _no_collection():
                after = self._stock_page(locations, after, report)
            progress("stock", report.stock_rows)
        with self.cache.write() as conn:
            cursor = self.cache.state("snapshot.cursor", "0") or "0"
            current = self.cache.state("cursor")
            # A stock-only re-snapshot keeps the newer feed position it already had.
            if current is None or int(current) < int(cursor):
                Cache.set_state(conn, "cursor", cursor)
            Cache.set_state(conn, "snapshot.done", "1")
            Cache.set_state(conn, "last_sync", utcnow().isoformat())
        return report

    def _catalog_page(self, after: int, report: SyncReport) -> int:
        """One page of the catalogue fetched and applied; where the next starts (-1: done)."""
        page = self.client.snapshot_catalog(after=after, limit=CATALOG_PAGE)
        with self.cache.write() as conn:
            if self.cache.state("snapshot.cursor") is None:
                # The first page's cursor: the feed is followed from here afterwards, and
                # replaying changes the pages already contain is harmless.
                Cache.set_state(conn, "snapshot.cursor", str(page.cursor))
            _put_products(conn, page.products)
            after = page.next_after if page.next_after is not None else -1
            Cache.set_state(conn, "snapshot.catalog_after", str(after))
        report.products += len(page.products)
        return after

    def _stock_page(self, locations: list[int], after: int, report: SyncReport) -> int:
        """One page of the followed locations' stock fetched and applied; where the next
        starts (-1: done)."""
        stock = self.client.snapshot_stock(locations, after=after, limit=STOCK_PAGE)
        with self.cache.write() as conn:
            if stock.rows:
                conn.exec_driver_sql(
                    _PUT_STOCK,
                    [(r.variant_id, r.location_id, r.on_hand, r.reserved) for r in stock.rows],
                )
            after = stock.next_after if stock.next_after is not None else -1
            Cache.set_state(conn, "snapshot.stock_after", str(after))
        report.stock_rows += len(stock.rows)
        return after

    def _locations(self) -> None:
        places = self.client.locations()
        with self.cache.write() as conn:
            conn.exec_driver_sql("DELETE FROM location")
            conn.execute(
                text("INSERT INTO location(id, code, detail) VALUES (:i, :c, :d)"),
                [{"i": p.id, "c": p.code, "d": p.model_dump_json()} for p in places],
            )

    def refetch(self) -> None:
        """Start over from a fresh snapshot (the feed no longer reaches back to our cursor)."""
        with self.cache.write() as conn:
            for name in ("snapshot.cursor", "snapshot.catalog_after", "snapshot.stock_after"):
                conn.exec_driver_sql("DELETE FROM sync_state WHERE name = ?", (name,))
            Cache.set_state(conn, "snapshot.done", "0")

    # -- following the feed -----------------------------------------------------------------

    def step(self, progress: Progress = _no_progress) -> SyncReport:
        """Pull and apply what changed since the cursor, page by page, until up to date."""
        report = SyncReport()
        if self.cursor is None:
            report = self.snapshot(progress)
        while True:
            since = self.cursor or 0
            page = self.client.changes(since, self.locations, limit=FEED_PAGE)
            if page.must_refetch:
                self.refetch()
                again = self.snapshot(progress)
                report.products += again.products
                report.stock_rows += again.stock_rows
                report.refetched = True
                continue
            followed = self.locations  # once a page, not once a change
            with self.cache.write() as conn:
                for change in page.changes:
                    apply_change(conn, change, followed)
                Cache.set_state(conn, "cursor", str(page.next_cursor))
                Cache.set_state(conn, "last_sync", utcnow().isoformat())
            report.changes += len(page.changes)
            if page.changes:
                progress("changes", report.changes)
            if page.up_to_date:
                return report


def apply_change(conn: Connection, change: Change, locations: list[int]) -> None:
    """One change from the feed into the cache. Stock and catalogue changes carry the row;
    a customer's changes only mark the cached view stale (the view is refetched with their
    consent checked again), and a deleted customer leaves nothing behind."""
    p: dict[str, Any] = change.payload
    if change.entity == "stock":
        if change.location_id in locations and "variant_id" in p:
            conn.exec_driver_sql(
                _PUT_STOCK,
                (
                    int(p["variant_id"]),
                    change.location_id,
                    int(p.get("on_hand", 0)),
                    int(p.get("reserved", 0)),
                ),
            )
    elif change.entity == "product":
        if change.op == "delete":
            product_id = int(change.entity_id)
            conn.execute(delete(CachedVariant).where(col(CachedVariant.product_id) == product_id))
            conn.execute(delete(CachedProduct).where(col(CachedProduct.id) == product_id))
        elif "variants" in p:
            _put_products(conn, [ProductDetail.model_validate(p)])
    elif change.customer_id is not None and change.entity in CUSTOMER_ENTITIES:
        if change.entity == "customer" and change.op == "delete":
            conn.execute(delete(CachedCustomer).where(col(CachedCustomer.id) == change.customer_id))
        else:
            conn.execute(
                text("UPDATE customer SET stale = 1 WHERE id = :i"), {"i": change.customer_id}
            )
