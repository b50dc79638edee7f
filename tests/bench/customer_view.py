"""The single customer view in process, without HTTP: its time, its CPU and its statements.

    .venv/bin/python -m tests.bench.customer_view [--db sqlite|postgres] [--views 200] [--http]

Calls the view's service function for the bench's customer 1 (200 orders, 40 saved items, 60
try-ons, pickups waiting and parcels on their way) on the seeded bench database, as a
consenting customer's associate at the first store, and prints the wall and CPU time of one
view (p50, p95) and the statements one view sends. No API, no load generator: it measures the
view's own reads and Python, which the HTTP figures of `make bench` hide under the machine's
noise. With --http, the same views over HTTP instead, one at a time, from two API processes on
a fresh copy of the bench database, as `make bench` times them (server and client p50, p95).
To compare two versions of the code, copy this file into a checkout of each and run it in each
in turn, several times.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from typing import Any

from sqlalchemy import event

from app.server.db import Database, make_engine
from app.server.deps import Principal
from tests.bench import databases as dbs
from tests.bench.load import percentile, rounded

CUSTOMER = 1  # the bench customer with 200 orders (tests/bench/run.py measures the same one)
WARM_UP = 20


def _directory() -> Any:
    try:  # where the location directory lives since 2026-12-07; before, in catalog/service.py
        from app.server.catalog.directory import LocationDirectory
    except ImportError:  # pragma: no cover - only in older checkouts
        from app.server.catalog.service import LocationDirectory  # type: ignore[attr-defined,no-redef]
    return LocationDirectory()


def measure(url: str, views: int) -> dict[str, Any]:
    from app.server.customer_view.service import customer_view

    engine = make_engine(url)
    db = Database(engine)
    statements: Counter[str] = Counter()

    @event.listens_for(engine, "before_cursor_execute")
    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements[statement.split(None, 1)[0].upper()] += 1

    principal = Principal(
        associate_id=1, role="associate", store_id=1, device_id="bench", session_id="bench"
    )
    directory = _directory()

    def one() -> None:
        with db.read_session() as session:
            customer_view(
                db_session=session,
                principal=principal,
                customer_id=CUSTOMER,
                directory=directory,
            )

    for _ in range(WARM_UP):
        one()
    statements.clear()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(views):
        started, thread_started = time.perf_counter(), time.thread_time()
        one()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - thread_started) * 1000)
    engine.dispose()
    return {
        "views": views,
        "wall_p50_ms": rounded(percentile(wall, 50)),
        "wall_p95_ms": rounded(percentile(wall, 95)),
        "cpu_p50_ms": rounded(percentile(cpu, 50)),
        "statements_per_view": {k: round(n / views, 1) for k, n in sorted(statements.items())},
    }


def over_http(kind: str, views: int) -> dict[str, Any]:
    import httpx

    from tests.bench.load import sequential
    from tests.bench.run import ensure_consent, login
    from tests.server import start_api

    url = dbs.working_copy(kind)
    try:
        api = start_api(url, log_dir=dbs.BENCH_DIR / "logs", startup_timeout=120, workers=2)
        try:
            with httpx.Client(base_url=api.url, headers=login(api.url, url), timeout=60) as c:
                ensure_consent(c, CUSTOMER, url)
                return sequential(c, lambda c, i: c.get(f"/v1/customers/{CUSTOMER}"), count=views)
        finally:
            api.stop()
    finally:
        dbs.drop_working_copy(kind)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.customer_view")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--views", type=int, default=200)
    parser.add_argument("--http", action="store_true", help="over HTTP, two API processes")
    args = parser.parse_args(argv)
    kind = "sqlite" if args.db == "sqlite" else "postgresql"
    url = dbs.SQLITE_URL if kind == "sqlite" else dbs.PG_URL
    dbs.ensure_seeded(kind, url)
    if args.http:
        print(json.dumps({"database": kind, "http": True, **over_http(kind, args.views)}))
    else:  # the view only reads, so the seeded database itself is used, not a working copy
        print(json.dumps({"database": kind, **measure(url, args.views)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
