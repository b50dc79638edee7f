"""`reyon seed --size demo|bench`: a deterministic Turkish fashion retailer.

Every run with the same size produces identical rows (fixed random seed, fixed clock), with
explicit ids so foreign keys are wired without round trips, written in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypedDict

from sqlalchemy import Connection, func, select

from app.server.catalog.models import Location
from app.server.db import is_sqlite, make_scratch_engine
from app.server.migrate import upgrade
from app.server.seed.bulk import BulkWriter


class DemoLogins(TypedDict):
    store: str
    associates: list[str]
    pin: str


DEMO_LOGINS: DemoLogins = {
    "store": "IST01",
    "associates": ["demo-associate", "demo-cashier", "demo-manager"],
    "pin": "1234",
}
SIZES = ("demo", "bench")

__all__ = ["DEMO_LOGINS", "SIZES", "DemoLogins", "seed"]


def seed(url: str, size: str, *, progress: Callable[[str], None] = print) -> dict[str, int]:
    """Migrate, then fill an empty database; returns rows written per table.

    Raises ValueError for an unknown size or when the database already holds locations (seeding
    twice would duplicate everything).
    """
    if size not in SIZES:
        raise ValueError(f"unknown seed size {size!r}; choose one of: {', '.join(SIZES)}")
    started = time.perf_counter()
    upgrade(url)
    engine = make_scratch_engine(url)
    try:
        with engine.connect() as conn:
            _refuse_if_seeded(conn)
        if size == "demo":
            from app.server.seed.demo import build
        else:
            from app.server.seed.bench import build
        world = build(progress)
        progress(f"generated in {time.perf_counter() - started:.1f} s; writing")
        writing = (
            engine.execution_options(sqlite_begin="IMMEDIATE") if is_sqlite(engine) else engine
        )
        with writing.connect() as conn:
            if is_sqlite(engine):
                # A bigger page cache for this one connection keeps index inserts in memory.
                conn.connection.driver_connection.execute("PRAGMA cache_size=-262144")  # type: ignore[union-attr]
            with conn.begin():
                _refuse_if_seeded(conn)
                counts = world.write(BulkWriter(conn, progress), progress)
            if not is_sqlite(engine):
                with conn.begin():
                    conn.exec_driver_sql("ANALYZE")
    finally:
        engine.dispose()
    progress(f"seeded {size} in {time.perf_counter() - started:.1f} s")
    return counts


def _refuse_if_seeded(conn: Connection) -> None:
    n = int(conn.execute(select(func.count()).select_from(Location)).scalar_one())
    if n:
        raise ValueError(
            f"the database already holds {n} locations: seed only fills an empty database "
            "(running it twice would duplicate everything); use a new database"
        )
