"""The bench databases, seeded once and cached across runs: the SQLite file var/bench/bench.db
and the PostgreSQL database `reyon_bench`. How long seeding took is kept next to them, so a run
that finds a database already seeded can still report it.

Each run measures on a fresh working copy (var/bench/run.db, `reyon_bench_run`), dropped
afterwards: the orders a run places and the stock it reserves never reach the cached data, so
every run starts from the same freshly seeded state."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.pool import NullPool
from sqlmodel import col

from app.server.catalog.models import Location, Variant
from app.server.customers.models import Customer
from app.server.inventory.models import StockLevel
from app.server.migrate import upgrade
from app.server.orders.models import Order
from tests.server import ROOT

BENCH_DIR = ROOT / "var" / "bench"
SQLITE_PATH = BENCH_DIR / "bench.db"
SQLITE_URL = f"sqlite:///{SQLITE_PATH}"
PG_SERVER = os.environ.get("REYON_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_NAME = "reyon_bench"
PG_URL = f"{PG_SERVER}/{PG_NAME}"
SQLITE_COPY = BENCH_DIR / "run.db"
PG_COPY = "reyon_bench_run"
# What `seed(url, "bench")` promises; anything else is not the bench data set.
EXPECTED = {"locations": 200, "variants": 20_000, "customers": 100_000, "customer_1_orders": 200}


def log(message: str) -> None:
    print(message, flush=True)


def prepare_postgres(*, reseed: bool) -> str | None:
    """Create `reyon_bench` if missing (dropped first with `reseed`); the reason PostgreSQL
    cannot be used, or None."""
    try:
        admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            if reseed:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_NAME}" WITH (FORCE)'))
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": PG_NAME}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{PG_NAME}"'))
        admin.dispose()
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_SERVER}: {type(exc).__name__}: {exc}"[:300]
    return None


def prepare_sqlite(*, reseed: bool) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if reseed:
        _remove_sqlite(SQLITE_PATH)


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _pg_admin(statement: str) -> None:
    admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


def working_copy(kind: str) -> str:
    """A fresh copy of the seeded bench database to measure on, migrated to the newest
    schema (a database seeded before the latest migration is brought up to date); its URL."""
    url = _copy(kind)
    upgrade(url)
    return url


def seeded_working_copy(kind: str) -> str:
    """For a tool run on its own: the bench database of `kind` made ready (seeded once) and a
    fresh working copy of it; its URL. Drop it with `drop_working_copy` when done."""
    base = SQLITE_URL if kind == "sqlite" else PG_URL
    if kind == "sqlite":
        prepare_sqlite(reseed=False)
    elif problem := prepare_postgres(reseed=False):
        raise SystemExit(problem)
    ensure_seeded(kind, base)
    return working_copy(kind)


def _copy(kind: str) -> str:
    if kind == "sqlite":
        _remove_sqlite(SQLITE_COPY)
        src, dst = sqlite3.connect(SQLITE_PATH), sqlite3.connect(SQLITE_COPY)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        return f"sqlite:///{SQLITE_COPY}"
    _pg_admin(f'DROP DATABASE IF EXISTS "{PG_COPY}" WITH (FORCE)')
    _pg_admin(f'CREATE DATABASE "{PG_COPY}" TEMPLATE "{PG_NAME}"')
    return f"{PG_SERVER}/{PG_COPY}"


def drop_working_copy(kind: str) -> None:
    if kind == "sqlite":
        _remove_sqlite(SQLITE_COPY)
    else:
        _pg_admin(f'DROP DATABASE IF EXISTS "{PG_COPY}" WITH (FORCE)')


def _seed_record(kind: str) -> Path:
    return BENCH_DIR / f"seed-{kind}.json"


def _location_count(url: str) -> int:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Location)).scalar_one())
    except Exception:
        return 0  # no schema yet
    finally:
        engine.dispose()


def ensure_seeded(kind: str, url: str) -> dict[str, Any]:
    """Seed with `seed(url, "bench")` when the database holds no locations; the seed time,
    measured now or recorded by the run that seeded it."""
    if _location_count(url) == 0:
        from app.server.seed import seed

        log("  seeding the bench data set (first run only) ...")
        started = time.perf_counter()
        counts = seed(url, "bench", progress=lambda m: log(f"    seed: {m}"))
        record = {
            "seconds": round(time.perf_counter() - started, 1),
            "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "rows": sum(counts.values()),
        }
        BENCH_DIR.mkdir(parents=True, exist_ok=True)  # PostgreSQL may be seeded first
        _seed_record(kind).write_text(json.dumps(record, indent=2))
        return {"seeded_now": True, **record}
    try:
        record = json.loads(_seed_record(kind).read_text())
    except (OSError, ValueError):
        record = {"seconds": None, "at": None}
    return {"seeded_now": False, **record}


def check_bench_data(url: str) -> list[str]:
    """How the database differs from the bench data set (empty: it is the bench data set)."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:

        def count(stmt: Any) -> int:
            return int(conn.execute(stmt).scalar_one())

        found = {
            "locations": count(select(func.count()).select_from(Location)),
            "variants": count(select(func.count()).select_from(Variant)),
            "customers": count(select(func.count()).select_from(Customer)),
            "customer_1_orders": count(
                select(func.count()).select_from(Order).where(col(Order.customer_id) == 1)
            ),
        }
        codes = set(
            conn.execute(
                select(col(Location.code)).where(col(Location.code).in_(["WEB", "IST01"]))
            ).scalars()
        )
    engine.dispose()
    problems = [f"{k}: {found[k]:,} (expected {v:,})" for k, v in EXPECTED.items() if found[k] != v]
    problems += [f"no location {code}" for code in ("WEB", "IST01") if code not in codes]
    return problems


def pick_skus(url: str, n: int, *, seed: int, warehouse_available: int = 0) -> list[str]:
    """`n` SKUs in a random (reproducible) order; with `warehouse_available`, only SKUs with at
    least that many units available at the WEB warehouse right now."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        stmt = select(col(Variant.sku)).order_by(col(Variant.id))
        if warehouse_available:
            stmt = (
                stmt.join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
                .join(Location, col(Location.id) == col(StockLevel.location_id))
                .where(
                    col(Location.code) == "WEB",
                    col(StockLevel.on_hand) - col(StockLevel.reserved) >= warehouse_available,
                )
            )
        skus = list(conn.execute(stmt).scalars())
    engine.dispose()
    random.Random(seed).shuffle(skus)
    return skus[:n]


def database_versions(url: str) -> str:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return "SQLite " + str(conn.execute(text("select sqlite_version()")).scalar_one())
            return "PostgreSQL " + str(conn.execute(text("show server_version")).scalar_one())
    finally:
        engine.dispose()
