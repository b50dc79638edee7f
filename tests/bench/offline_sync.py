"""Offline-cache figures over the real API (tests/bench/offline_cache.py has the whole
list): a new tablet's first sync, with where its time goes, and draining the outbox."""

from __future__ import annotations

import cProfile
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Connection, event

from app.contracts.customers import TryOnCreate
from app.tablet.cache.models import CachedVariant
from app.tablet.cache.outbox import NewCommand, Outbox
from app.tablet.cache.store import Cache
from app.tablet.client import ReyonClient
from app.tablet.offline import Offline
from tests.bench import access
from tests.bench import databases as dbs
from tests.bench import offline_data as data
from tests.bench.load import percentile, rounded, server_time

log = dbs.log
STORE, ASSOCIATE, PIN = "IST01", "demo-associate", "1234"
TRY_ON_CUSTOMER = 3  # not 1 (its view is measured) nor 2 (the bench's orders go there)


def spread(ms: list[float]) -> dict[str, Any]:
    return {
        "p50_ms": rounded(percentile(ms, 50), 3),
        "p95_ms": rounded(percentile(ms, 95), 3),
        "samples": len(ms),
    }


# -- the first sync -------------------------------------------------------------------------


class TimedClient(ReyonClient):
    """The tablet's client, counting the time in its sync calls and in HTTP under them."""

    def __init__(self, base_url: str, **kw: Any) -> None:
        super().__init__(base_url, **kw)
        self.calls_s = self.http_s = self.server_ms = 0.0
        self.requests = 0

    def _raw(self, method: str, path: str, **kw: Any) -> httpx.Response:
        began = time.perf_counter()
        try:
            r = super()._raw(method, path, **kw)
        finally:
            self.http_s += time.perf_counter() - began
        self.requests += 1
        self.server_ms += server_time(r) or 0.0
        return r

    @contextmanager
    def _timed(self) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.calls_s += time.perf_counter() - began

    def locations(self) -> Any:
        with self._timed():
            return super().locations()

    def snapshot_catalog(self, *, after: int, limit: int) -> Any:
        with self._timed():
            return super().snapshot_catalog(after=after, limit=limit)

    def snapshot_stock(self, locations: list[int], *, after: int, limit: int) -> Any:
        with self._timed():
            return super().snapshot_stock(locations, after=after, limit=limit)

    def changes(self, since: int, locations: list[int], *, limit: int) -> Any:
        with self._timed():
            return super().changes(since, locations, limit=limit)


class TimedCache(Cache):
    """The cache, counting the time inside its write transactions, in their COMMITs, and in
    SQLite statements (its reads included)."""

    def __init__(self, path: str | Path) -> None:
        self.write_s = self.commit_s = self.statements_s = 0.0
        super().__init__(path)  # creates the tables in a write(): counted, then reset
        self.write_s = self.commit_s = 0.0
        started: list[float] = []

        @event.listens_for(self.engine, "before_cursor_execute")
        def _before(*_: Any) -> None:
            started.append(time.perf_counter())

        @event.listens_for(self.engine, "after_cursor_execute")
        def _after(*_: Any) -> None:
            self.statements_s += time.perf_counter() - started.pop()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        began = time.perf_counter()
        with super().write() as conn:
            yield conn
            body_done = time.perf_counter()
        ended = time.perf_counter()
        self.commit_s += ended - body_done
        self.write_s += ended - began


def bare_executemany(rows: int, ddl: str, directory: Path) -> float:
    """Seconds to insert `rows` stock rows into an empty table of the cache's shape: sqlite3
    alone, one executemany in one transaction, WAL and synchronous=NORMAL as the cache."""
    path = directory / "bare.db"
    data.remove_files(path)
    values = [(i // 7 + 1, i % 7 + 1, i % 13, 0) for i in range(rows)]
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute(ddl)
        began = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany("INSERT INTO stock VALUES (?, ?, ?, ?)", values)
        conn.execute("COMMIT")
        return time.perf_counter() - began
    finally:
        conn.close()
        data.remove_files(path)


def one_sync(
    api_url: str, db_url: str, directory: Path, profile: cProfile.Profile | None = None
) -> dict[str, Any]:
    """A new tablet's first sync: log in, follow the home store, sync (timed)."""
    data.remove_files(directory / "tablet.db")
    client = TimedClient(api_url, timeout=120)
    kit = Offline(client=client, cache=TimedCache(directory / "tablet.db"))
    cache = kit.cache
    assert isinstance(cache, TimedCache)
    try:
        device = access.tablet(db_url)
        session = client.login(STORE, ASSOCIATE, PIN, device.device_id, device.device_secret)
        kit.follow_store(session.associate.store.id)
        client.calls_s = client.http_s = client.server_ms = 0.0
        client.requests = 0
        if profile is not None:
            profile.enable()
        began = time.perf_counter()
        report = kit.sync()
        seconds = time.perf_counter() - began
        if profile is not None:
            profile.disable()
        assert report is not None  # one sync at a time here
        variants = cache.count(CachedVariant)
        with cache.read() as conn:
            stock_ddl = str(
                conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'stock'"
                ).scalar_one()
            )
            sku = str(conn.exec_driver_sql("SELECT sku FROM variant ORDER BY id").scalar())
        rows = report.products + variants + report.stock_rows
        sqlite_s = cache.statements_s + cache.commit_s
        return {
            "rows": rows,
            "products": report.products,
            "variants": variants,
            "stock_rows": report.stock_rows,
            "changes": report.changes,
            "locations": kit.puller.locations,
            "seconds": round(seconds, 3),
            "rows_per_s": round(rows / seconds),
            "requests": client.requests,
            "http_s": round(client.http_s, 3),
            "inside_api_s": round(client.server_ms / 1000, 3),
            "json_to_models_s": round(client.calls_s - client.http_s, 3),
            "cache_writes_s": round(cache.write_s, 3),
            "cache_sqlite_s": round(sqlite_s, 3),
            "cache_python_s": round(cache.write_s - sqlite_s, 3),
            "other_s": round(seconds - client.calls_s - cache.write_s, 3),
            "_ddl": stock_ddl,
            "_sku": sku,
        }
    finally:
        kit.close()
        client.close()


def sync_figures(api_url: str, db_url: str, directory: Path, runs: int) -> dict[str, Any]:
    syncs, bare = [], []
    for _ in range(runs):
        syncs.append(one_sync(api_url, db_url, directory))
        bare.append(
            syncs[-1]["rows"] / bare_executemany(syncs[-1]["rows"], syncs[-1]["_ddl"], directory)
        )
    keys = [k for k, v in syncs[0].items() if isinstance(v, int | float) and k != "rows"]
    median = {k: statistics.median(s[k] for s in syncs) for k in keys}
    rate, base = median["rows_per_s"], statistics.median(bare)
    return {
        **{k: syncs[0][k] for k in ("rows", "products", "variants", "stock_rows", "locations")},
        "runs": runs,
        "median": median,
        "each_rows_per_s": [s["rows_per_s"] for s in syncs],
        "bare_executemany_rows_per_s": round(base),
        "ratio_to_bare": round(rate / base, 3),
        "_ddl": syncs[0]["_ddl"],
        "_sku": syncs[0]["_sku"],
    }


# -- the outbox -------------------------------------------------------------------------------


def outbox_figures(
    api_url: str,
    db_url: str,
    sku: str,
    directory: Path,
    commands: int,
    profile: cProfile.Profile | None = None,
) -> dict[str, Any]:
    """`commands` try-ons for one customer queued in a cache and drained by the tablet's
    outbox, against the same requests made with httpx alone (one keep-alive connection)."""
    path = f"/v1/customers/{TRY_ON_CUSTOMER}/try-ons"
    body = TryOnCreate.model_validate({"sku": sku, "outcome": "liked"})
    data.remove_files(directory / "outbox.db")
    kit = Offline.open(ReyonClient(api_url, timeout=60), directory / "outbox.db")
    try:
        device = access.tablet(db_url)
        session = kit.client.login(STORE, ASSOCIATE, PIN, device.device_id, device.device_secret)
        kit.people.remember(STORE, PIN, session)
        access.consent(db_url, TRY_ON_CUSTOMER)
        token = session.access_token
        with kit.cache.write() as conn:
            for _ in range(commands):
                Outbox.enqueue(
                    conn,
                    NewCommand(
                        kind="try_on",
                        path=path,
                        body=body,
                        key=str(uuid.uuid4()),
                        associate_code=ASSOCIATE,
                        store_code=STORE,
                        customer_id=TRY_ON_CUSTOMER,
                        label="bench",
                    ),
                )
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
        payload = body.model_dump_json()
        bare_ms: list[float] = []
        with httpx.Client(base_url=api_url, headers=headers, limits=limits, timeout=60) as c:

            def bare(n: int) -> float:
                began = time.perf_counter()
                for _ in range(n):
                    t = time.perf_counter()
                    r = c.post(
                        path, content=payload, headers={"Idempotency-Key": str(uuid.uuid4())}
                    )
                    bare_ms.append((time.perf_counter() - t) * 1000)
                    assert r.status_code == 201, r.text
                return time.perf_counter() - began

            bare(20)  # warm-up
            bare_ms.clear()
            bare_s = bare(commands // 2)
            if profile is not None:
                profile.enable()
            began = time.perf_counter()
            sent_at = [began]
            report = kit.outbox.drain(
                kit.client,
                kit.people.token_for,
                limit=commands,
                on_sent=lambda *_: sent_at.append(time.perf_counter()),
            )
            drain_s = time.perf_counter() - began
            if profile is not None:
                profile.disable()
            bare_s += bare(commands - commands // 2)
        per_command = [(b - a) * 1000 for a, b in pairwise(sent_at)]
        rate, base = report.sent / drain_s, commands / bare_s
        return {
            "commands": commands,
            "sent": report.sent,
            "failed": report.failed,
            "waiting": report.waiting,
            "per_s": round(rate, 1),
            "per_command": spread(per_command),
            # The claim sorts every queued command (outbox.claim): a long queue costs more.
            "first_100_p50_ms": rounded(percentile(per_command[:100], 50), 3),
            "last_100_p50_ms": rounded(percentile(per_command[-100:], 50), 3),
            "httpx_per_s": round(base, 1),
            "httpx_per_request": spread(bare_ms),
            "ratio_to_httpx": round(rate / base, 3),
        }
    finally:
        kit.close()
        kit.client.close()


def api_figures(api_url: str, db_url: str, *, quick: bool = False) -> dict[str, Any]:
    """The figures that need the API: the first sync, and draining the outbox."""
    with tempfile.TemporaryDirectory(dir=dbs.BENCH_DIR, prefix="offline-") as tmp:
        directory = Path(tmp)
        sync = sync_figures(api_url, db_url, directory, runs=1 if quick else 3)
        log(
            f"  first sync: {sync['median']['rows_per_s']:,.0f} rows/s (bare executemany "
            f"{sync['bare_executemany_rows_per_s']:,}/s), {sync['rows']:,} rows"
        )
        outbox = outbox_figures(
            api_url, db_url, sync.pop("_sku"), directory, 200 if quick else 1000
        )
        sync.pop("_ddl")
        log(f"  outbox drain: {outbox['per_s']}/s (httpx alone {outbox['httpx_per_s']}/s)")
    return {"sync": sync, "outbox": outbox}
