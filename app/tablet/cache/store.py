"""Opening the cache and reading it: products (with Turkish-aware offline search over SQLite
FTS5), stock at the locations this tablet follows, customers it holds, its small state."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, delete, select, text, update
from sqlmodel import col

from app.contracts.catalog import (
    LocationOut,
    ProductDetail,
    ProductPage,
    ProductQuery,
    ProductSummary,
)
from app.contracts.customers import CustomerView
from app.contracts.inventory import Availability, LocationStock, ProductStock, VariantStock
from app.domain.geo import nearest_first
from app.domain.text import search_terms
from app.sqlite_engine import SQLITE_BUSY_TIMEOUT_MS, configure_sqlite
from app.tablet.cache.models import (
    CachedCustomer,
    CachedLocation,
    CachedProduct,
    CachedStock,
    CachedVariant,
    CacheModel,
    SyncState,
)

# The full-text index over products' folded names, brands, categories and style codes. An
# external-content FTS5 table kept in step by triggers: one copy of the text, and every
# writer (snapshot, feed) keeps the index right without knowing it exists.
_FTS = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS product_fts USING fts5("
    "search_text, content='product', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER IF NOT EXISTS product_ai AFTER INSERT ON product BEGIN "
    "INSERT INTO product_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS product_ad AFTER DELETE ON product BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS product_au AFTER UPDATE ON product BEGIN "
    "INSERT INTO product_fts(product_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO product_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


SCHEMA_VERSION = 1  # raise it with a step in Cache._migrate whenever a table changes

# How long a customer who scanned their QR may be shown from the cache: the API's visit grant.
VISIT_HOURS = timedelta(hours=4)


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(at: datetime) -> datetime:
    """SQLite hands datetimes back naive; they were written as UTC."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


_CACHE_CURSOR = "cache:"


def _cache_offset(cursor: str | None) -> int | None:
    """Where a page the cache made goes on from; None for a cursor the API made."""
    if not cursor:
        return 0
    head, _, tail = cursor.partition(_CACHE_CURSOR)
    return int(tail) if not head and tail.isdigit() else None


def _filters(query: ProductQuery) -> tuple[list[str], dict[str, object]]:
    """SQL conditions on the cached product `p` (its detail JSON) for the query's filters."""
    where: list[str] = ["1 = 1"]
    values: dict[str, object] = {}
    if query.category:
        where.append("json_extract(p.detail, '$.category') = :category")
        values["category"] = query.category
    if query.size or query.in_stock_at is not None:
        # One variant both in the size and in stock there, as the API means it.
        variant = ["SELECT 1 FROM json_each(p.detail, '$.variants') AS v"]
        conditions = []
        if query.size:
            conditions.append("json_extract(v.value, '$.size') = :size")
            values["size"] = query.size
        if query.in_stock_at is not None:
            variant.append(
                "JOIN stock s ON s.variant_id = json_extract(v.value, '$.variant_id') "
                "AND s.location_id = :at AND s.on_hand - s.reserved > 0"
            )
            values["at"] = query.in_stock_at
        if conditions:
            variant.append("WHERE " + " AND ".join(conditions))
        where.append(f"EXISTS ({' '.join(variant)})")
    return where, values


class Cache:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        )
        configure_sqlite(self.engine)
        self._write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        with self.write() as conn:
            self._migrate(conn)

    @staticmethod
    def _migrate(conn: Connection) -> None:
        """Bring a cache file made by an older app up to this schema, keeping its rows (an
        outbox may hold work not sent yet): tables are created, columns added, and the
        file's PRAGMA user_version says how far it got."""
        CacheModel.metadata.create_all(conn)
        for statement in _FTS:
            conn.exec_driver_sql(statement)
        version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
        if version < 1:
            columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(outbox)")}
            for name, kind in (("till_id", "VARCHAR"), ("amount_kurus", "INTEGER")):
                if name not in columns:
                    conn.exec_driver_sql(f"ALTER TABLE outbox ADD COLUMN {name} {kind}")
            columns = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(associate)")}
            if "failed_window_started_at" not in columns:
                conn.exec_driver_sql(
                    "ALTER TABLE associate ADD COLUMN failed_window_started_at DATETIME"
                )
            conn.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS ix_outbox_open ON outbox (id) "
                "WHERE status IN ('pending', 'sending')"
            )
        if version < SCHEMA_VERSION:
            conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One local transaction, taken with the write lock up front (BEGIN IMMEDIATE), so two
        app processes on one cache queue instead of failing half-way."""
        with self._write_engine.begin() as conn:
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    # -- small state ----------------------------------------------------------------------

    def state(self, name: str, default: str | None = None) -> str | None:
        with self.read() as conn:
            value = conn.execute(
                select(col(SyncState.value)).where(col(SyncState.name) == name)
            ).scalar()
        return default if value is None else str(value)

    @staticmethod
    def set_state(conn: Connection, name: str, value: str) -> None:
        conn.execute(
            text(
                "INSERT INTO sync_state(name, value) VALUES (:n, :v) "
                "ON CONFLICT(name) DO UPDATE SET value = excluded.value"
            ),
            {"n": name, "v": value},
        )

    # -- catalogue ------------------------------------------------------------------------

    def product(self, product_id: int) -> ProductDetail | None:
        with self.read() as conn:
            detail = conn.execute(
                select(col(CachedProduct.detail)).where(col(CachedProduct.id) == product_id)
            ).scalar()
        return ProductDetail.model_validate_json(detail) if detail else None

    def find_code(self, code: str) -> tuple[int, str] | None:
        """A scanned EAN-13 or SKU, as the product and the variant's SKU."""
        code = code.strip()
        with self.read() as conn:
            row = conn.execute(
                select(col(CachedVariant.product_id), col(CachedVariant.sku)).where(
                    (col(CachedVariant.ean13) == code) | (col(CachedVariant.sku) == code.upper())
                )
            ).first()
        return (int(row[0]), str(row[1])) if row else None

    @staticmethod
    def _match(query: str) -> str | None:
        """What people type as an FTS5 query: every folded term quoted (FTS5 syntax in it is
        text, not operators), as a prefix, all of them required; None when nothing is left."""
        # Control characters (a NUL, a scanner's GS separator) end an FTS5 string early.
        printable = "".join(ch if ch.isprintable() else " " for ch in query)
        terms = [t for t in search_terms(printable) if t]
        if not terms:
            return None
        return " ".join('"' + t.replace('"', '""') + '"*' for t in terms)

    def search(self, query: str, limit: int = 20) -> list[ProductSummary]:
        """Every folded term must match the start of a word ("gom" finds "Gömlek"), best
        matches first: the same Turkish folding as the API's search."""
        match = self._match(query)
        if match is None:
            return []
        with self.read() as conn:
            rows = conn.execute(
                # Rank inside the index and join only the best few to their rows: sorting
                # every match with its JSON before the LIMIT cost 3x (make bench).
                text(
                    "SELECT p.detail FROM (SELECT rowid AS id, bm25(product_fts) AS rank "
                    "FROM product_fts WHERE product_fts MATCH :m ORDER BY rank, rowid LIMIT :l) "
                    "AS best JOIN product p ON p.id = best.id ORDER BY best.rank, best.id"
                ),
                {"m": match, "l": limit},
            ).scalars()
            details = [ProductDetail.model_validate_json(d) for d in rows]
        return [ProductSummary.model_validate(d.model_dump()) for d in details]

    def search_products(self, query: ProductQuery) -> ProductPage:
        """The API's search offline: the same filters (category; a variant in `size`, and
        available at `in_stock_at` from the stock this tablet follows), one page and the count
        of every match. Its own cursors (an offset): it cannot go on from the API's."""
        match = self._match(query.q or "")
        filtered = bool(query.category or query.size or query.in_stock_at is not None)
        offset = _cache_offset(query.cursor)
        if (match is None and not filtered) or offset is None:
            return ProductPage(items=[], next_cursor=None, total=0 if offset is not None else None)
        if not filtered:
            assert match is not None
            found = self.search(query.q or "", offset + query.limit + 1)
            with self.read() as conn:
                total = conn.execute(
                    text("SELECT count(*) FROM product_fts WHERE product_fts MATCH :m"),
                    {"m": match},
                ).scalar_one()
            items = found[offset : offset + query.limit]
            more = len(found) > offset + query.limit
        else:
            where, values = _filters(query)
            if match is not None:
                source = (
                    "(SELECT rowid AS id, bm25(product_fts) AS rank FROM product_fts "
                    "WHERE product_fts MATCH :m) AS best JOIN product p ON p.id = best.id"
                )
                order = "best.rank, p.id"
                values["m"] = match
            else:
                source, order = "product p", "p.id"
            condition = " AND ".join(where)
            with self.read() as conn:
                total = conn.execute(
                    text(f"SELECT count(*) FROM {source} WHERE {condition}"), values
                ).scalar_one()
                rows = conn.execute(
                    text(
                        f"SELECT p.detail FROM {source} WHERE {condition} ORDER BY {order} "
                        "LIMIT :l OFFSET :o"
                    ),
                    {**values, "l": query.limit + 1, "o": offset},
                ).scalars()
                details = [ProductDetail.model_validate_json(d) for d in rows]
            more = len(details) > query.limit
            items = [ProductSummary.model_validate(d.model_dump()) for d in details[: query.limit]]
        return ProductPage(
            items=items,
            next_cursor=f"{_CACHE_CURSOR}{offset + query.limit}" if more else None,
            total=int(total),
        )

    def count(self, table: type[CacheModel]) -> int:
        with self.read() as conn:
            name = table.__tablename__
            return int(conn.exec_driver_sql(f"SELECT count(*) FROM {name}").scalar_one())

    # -- stock ------------------------------------------------------------------------------

    def locations(self) -> list[LocationOut]:
        with self.read() as conn:
            rows = conn.execute(select(col(CachedLocation.detail))).scalars()
            return [LocationOut.model_validate_json(r) for r in rows]

    def product_stock(self, product_id: int, near: int | None) -> ProductStock | None:
        """The grid's stock from the followed locations only (this store, its neighbours and
        the warehouse the tablet syncs): offline, "elsewhere" may be an undercount."""
        with self.read() as conn:
            rows = conn.execute(
                select(
                    col(CachedVariant.sku),
                    col(CachedStock.location_id),
                    col(CachedStock.on_hand) - col(CachedStock.reserved),
                )
                .select_from(CachedVariant)
                .outerjoin(CachedStock, col(CachedStock.variant_id) == col(CachedVariant.id))
                .where(col(CachedVariant.product_id) == product_id)
            ).all()
        if not rows:
            return None
        warehouses = {p.id for p in self.locations() if p.kind == "warehouse"}
        cells: dict[str, VariantStock] = {}
        for sku, location_id, available in rows:
            cell = cells.setdefault(sku, VariantStock(sku=sku, here=0, other_stores=0, online=0))
            if location_id is None:
                continue
            free = max(int(available), 0)
            if location_id == near:
                cell.here += free
            elif location_id in warehouses:
                cell.online += free
            else:
                cell.other_stores += free
        return ProductStock(product_id=product_id, location_id=near, variants=list(cells.values()))

    def availability(self, sku: str, near: int | None) -> Availability | None:
        """Stock of one SKU as the API would list it, from the followed locations only (the
        others are not in the cache; the API has the whole picture when online)."""
        with self.read() as conn:
            variant_id = conn.execute(
                select(col(CachedVariant.id)).where(col(CachedVariant.sku) == sku)
            ).scalar()
            if variant_id is None:
                return None
            stock = {
                int(loc): (int(on_hand), int(reserved))
                for loc, on_hand, reserved in conn.execute(
                    select(
                        col(CachedStock.location_id),
                        col(CachedStock.on_hand),
                        col(CachedStock.reserved),
                    ).where(col(CachedStock.variant_id) == variant_id)
                )
            }
        places = {p.id: p for p in self.locations() if p.id in stock}
        origin = places.get(near) if near is not None else None
        ordered = (
            nearest_first(origin, places.values())
            if origin is not None
            else [(p, 0.0) for p in sorted(places.values(), key=lambda p: p.code)]
        )
        rows = []
        for place, km in ordered:
            on_hand, reserved = stock[place.id]
            rows.append(
                LocationStock(
                    location_id=place.id,
                    code=place.code,
                    name=place.name,
                    kind=place.kind,
                    city=place.city,
                    distance_km=km if origin is not None else None,
                    on_hand=on_hand,
                    reserved=reserved,
                    available=on_hand - reserved,
                )
            )
        return Availability(
            sku=sku,
            near_location_id=near,
            total_available=sum(r.available for r in rows),
            locations=rows,
        )

    # -- customers this tablet holds ----------------------------------------------------------

    def keep_customer(
        self, view: CustomerView, *, opened: bool = True, conn: Connection | None = None
    ) -> None:
        """opened: an associate opened them now (the retention period starts again); a
        refresh from the feed keeps the time they were last opened."""
        values = {"i": view.profile.id, "v": view.model_dump_json(), "t": utcnow()}
        keep_time = "excluded.opened_at" if opened else "customer.opened_at"
        statement = text(
            "INSERT INTO customer(id, view, opened_at, stale) VALUES (:i, :v, :t, 0) "
            f"ON CONFLICT(id) DO UPDATE SET view = excluded.view, opened_at = {keep_time}, "
            "stale = 0"
        )
        if conn is not None:
            conn.execute(statement, values)
            return
        with self.write() as c:
            c.execute(statement, values)

    def customer(self, customer_id: int, *, allowed_offline: bool = False) -> CustomerView | None:
        """allowed_offline: only what the API would show now: a customer with standing
        consent, or one identified by QR whose visit is not over (VISIT_HOURS)."""
        with self.read() as conn:
            row = conn.execute(
                select(col(CachedCustomer.view), col(CachedCustomer.opened_at)).where(
                    col(CachedCustomer.id) == customer_id
                )
            ).first()
        if row is None:
            return None
        view = CustomerView.model_validate_json(row[0])
        visiting = view.access == "visit" and utcnow() - aware(row[1]) <= VISIT_HOURS
        if allowed_offline and view.access != "consent" and not visiting:
            return None
        return view

    @staticmethod
    def amend_customer(
        conn: Connection, customer_id: int, change: Callable[[CustomerView], None]
    ) -> None:
        """An optimistic effect of a queued write on the cached view of the customer, in the
        outbox's own transaction (nothing if the customer is not cached here)."""
        raw = conn.execute(
            select(col(CachedCustomer.view)).where(col(CachedCustomer.id) == customer_id)
        ).scalar()
        if raw is None:
            return
        view = CustomerView.model_validate_json(raw)
        change(view)
        conn.execute(
            update(CachedCustomer)
            .where(col(CachedCustomer.id) == customer_id)
            .values(view=view.model_dump_json())
        )

    def customer_ids(self) -> list[int]:
        with self.read() as conn:
            return [int(i) for i in conn.execute(select(col(CachedCustomer.id))).scalars()]

    def stale_customers(self) -> list[int]:
        with self.read() as conn:
            return [
                int(i)
                for i in conn.execute(
                    select(col(CachedCustomer.id)).where(col(CachedCustomer.stale).is_(True))
                ).scalars()
            ]

    def forget_customer(self, customer_id: int) -> None:
        with self.write() as conn:
            conn.execute(delete(CachedCustomer).where(col(CachedCustomer.id) == customer_id))

    def purge_customers(self, keep_days: int, now: datetime | None = None) -> int:
        """Forget customers not opened here within `keep_days` (KVKK: personal data only as
        long as it is needed)."""
        cutoff = (now or utcnow()) - timedelta(days=keep_days)
        with self.write() as conn:
            gone = conn.execute(
                delete(CachedCustomer).where(col(CachedCustomer.opened_at) < cutoff)
            ).rowcount
        return int(gone or 0)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
