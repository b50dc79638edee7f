"""Offline-cache figures for `make bench` (issue 5): the tablet's SQLite cache as the tablet
uses it, each against a baseline timed in the same run (the machine is shared and noisy).

Over the real API on loopback, for each database the bench runs (after its other figures;
tests/bench/offline_sync.py):
- the first sync of the bench catalogue and the home store's stock (IST01, its 5 nearest
  stores and the warehouse, as Offline.follow_store picks them): rows applied per second
  (products + variants + stock rows), and where the time went: HTTP (of it, inside the API,
  from Server-Timing), validating JSON into the contract models, the cache's transactions
  (of them, inside SQLite). Baseline: a bare sqlite3 executemany of as many rows into an
  empty table shaped like the cache's stock table, timed after each sync;
- draining 1,000 queued try-ons for one customer (commands per second). Baseline: the same
  requests sent with httpx on one keep-alive connection, half before the drain, half after.

In process, once per run (tests/bench/offline_data.py builds the caches):
- one stock change applied as Puller.step applies a page (apply_change, the cursor and the
  sync time in one cache transaction) with 500,000 stock rows cached; baseline: the same three
  statements in one transaction on bare sqlite3, interleaved with them. Also the whole
  Puller.step for a one-change page from a stub client (its state reads included);
- offline search (Cache.search, FTS5) over 100,000 products; baseline: the bare FTS5 query
  for the same 20 best ids by bm25, interleaved with them.

    .venv/bin/python -m tests.bench.offline_cache [--only local|sqlite|postgres] [--quick]
        [--profile]

On its own it prints its table and JSON and leaves bench-results/ alone; --profile adds
cProfile of one sync and of the searches, and the search query taken apart.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import random
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.contracts.sync import Change, ChangePage
from app.domain.text import search_terms
from app.tablet.cache.engine import utcnow
from app.tablet.cache.pull import Puller, apply_change
from app.tablet.cache.store import Cache
from tests.bench import databases as dbs
from tests.bench import offline_data as data
from tests.bench.load import percentile
from tests.bench.offline_sync import api_figures, one_sync, outbox_figures, spread

log = dbs.log
_UPSERT_STOCK = (
    "INSERT INTO stock(variant_id, location_id, on_hand, reserved) VALUES (?, ?, ?, ?) "
    "ON CONFLICT(variant_id, location_id) DO UPDATE SET on_hand = excluded.on_hand, "
    "reserved = excluded.reserved"
)
_UPSERT_STATE = (
    "INSERT INTO sync_state(name, value) VALUES (?, ?) "
    "ON CONFLICT(name) DO UPDATE SET value = excluded.value"
)


# -- one change, 500,000 stock rows cached ----------------------------------------------------


class OneChange:
    """A stand-in for the client that serves one change a page, up to date."""

    def __init__(self) -> None:
        self.change: Change | None = None

    def changes(self, since: int, locations: list[int], *, limit: int) -> ChangePage:
        assert self.change is not None
        return ChangePage(changes=[self.change], next_cursor=self.change.seq, up_to_date=True)


def stock_changes(n: int, seq: int, seed: int) -> list[Change]:
    rng = random.Random(seed)
    variants = -(-data.STOCK_ROWS // len(data.FOLLOWED))
    out = []
    for i in range(n):
        variant, location = rng.randint(1, variants - 1), rng.choice(data.FOLLOWED)
        out.append(
            Change(
                seq=seq + i,
                entity="stock",
                entity_id=f"{variant}:{location}",
                op="upsert",
                location_id=location,
                customer_id=None,
                payload={"variant_id": variant, "on_hand": rng.randint(0, 12), "reserved": 0},
                at=utcnow(),
            )
        )
    return out


def apply_figures(changes: int) -> dict[str, Any]:
    src, built = data.built("stock", log)
    with tempfile.TemporaryDirectory(dir=dbs.BENCH_DIR, prefix="offline-") as tmp:
        cache = Cache(data.fresh_copy(src, Path(tmp) / "stock.db"))
        stub = OneChange()
        puller = Puller(stub, cache)  # type: ignore[arg-type]
        bare = sqlite3.connect(cache.path, isolation_level=None)
        bare.execute("PRAGMA synchronous=NORMAL")

        def in_step(change: Change) -> None:
            # Puller.step's transaction for a page holding this one change.
            with cache.write() as conn:
                for c in [change]:
                    apply_change(conn, c, puller.locations)
                Cache.set_state(conn, "cursor", str(change.seq))
                Cache.set_state(conn, "last_sync", utcnow().isoformat())

        def on_bare(change: Change) -> None:
            p = change.payload
            bare.execute("BEGIN IMMEDIATE")
            bare.execute(
                _UPSERT_STOCK, (p["variant_id"], change.location_id, p["on_hand"], p["reserved"])
            )
            bare.execute(_UPSERT_STATE, ("cursor", str(change.seq)))
            bare.execute(_UPSERT_STATE, ("last_sync", utcnow().isoformat()))
            bare.execute("COMMIT")

        def whole_step(change: Change) -> None:
            stub.change = change
            puller.step()

        try:
            timings: dict[str, list[float]] = {"apply": [], "bare": [], "step": []}
            calls = {"apply": in_step, "bare": on_bare, "step": whole_step}
            warm = stock_changes(50, 1, seed=1)
            for change in warm:
                for call in calls.values():
                    call(change)
            gc.collect()
            seq = 1000
            for name, batch in (("apply", changes), ("step", changes // 2)):
                for change, other in zip(
                    stock_changes(batch, seq, seed=seq),
                    stock_changes(batch, seq + batch, seed=seq + 1),
                    strict=True,
                ):
                    for key, c in ((name, change), ("bare", other)):
                        began = time.perf_counter()
                        calls[key](c)
                        timings[key].append((time.perf_counter() - began) * 1000)
                seq += 2 * batch
        finally:
            bare.close()
            cache.close()
    out = {k: spread(v) for k, v in timings.items()}
    return {
        "stock_rows": built["stock_rows"],
        "built": {k: built[k] for k in ("seconds", "at", "built_now", "products", "variants")},
        "apply_change": out["apply"],
        "bare_sqlite3": out["bare"],
        "puller_step": out["step"],
        "ratio_to_bare_p50": round(out["apply"]["p50_ms"] / out["bare"]["p50_ms"], 1),
    }


# -- offline search -----------------------------------------------------------------------------


def fts_match(query: str) -> str:
    """The MATCH expression Cache.search makes of a query."""
    return " ".join('"' + t.replace('"', '""') + '"*' for t in search_terms(query) if t)


_BARE_SEARCH = (
    "SELECT rowid FROM product_fts WHERE product_fts MATCH ? ORDER BY bm25(product_fts) LIMIT 20"
)


def search_figures(n: int, profile: cProfile.Profile | None = None) -> dict[str, Any]:
    path, built = data.built("search", log)
    qs = data.queries(n)
    cache = Cache(path)
    bare = sqlite3.connect(path)
    timings: dict[str, list[float]] = {"search": [], "bare": []}
    spent: list[dict[str, float]] = []  # per query: this thread's CPU, what took the core away
    found = 0
    try:
        for q in data.queries(20, seed=99):  # warm-up
            cache.search(q)
            bare.execute(_BARE_SEARCH, (fts_match(q),)).fetchall()
        gc.collect()
        for q in qs:
            usage = resource.getrusage(resource.RUSAGE_THREAD)
            cpu = time.thread_time()
            began = time.perf_counter()
            if profile is not None:
                profile.enable()
            found += bool(cache.search(q))
            if profile is not None:
                profile.disable()
            timings["search"].append((time.perf_counter() - began) * 1000)
            spent.append(_spent(cpu, usage))
            began = time.perf_counter()
            bare.execute(_BARE_SEARCH, (fts_match(q),)).fetchall()
            timings["bare"].append((time.perf_counter() - began) * 1000)
    finally:
        bare.close()
        cache.close()
    search, base = spread(timings["search"]), spread(timings["bare"])
    slowest = sorted(zip(timings["search"], qs, spent, strict=True), reverse=True)[:5]
    return {
        "products": built["products"],
        "built": {k: built[k] for k in ("seconds", "at", "built_now", "variants")},
        **data.query_mix(qs),
        "with_results": found,
        "search": search,
        "bare_fts5": base,
        "ratio_to_bare_p95": round(search["p95_ms"] / base["p95_ms"], 1),
        # A slow query whose CPU is far below its time, with the core taken away (involuntary
        # switches) or pages read from disk (major faults), waited for the machine, not for
        # its own work.
        "slowest": [{"query": q, "ms": round(ms, 1), **why} for ms, q, why in slowest],
    }


def _spent(cpu_before: float, usage_before: resource.struct_rusage) -> dict[str, float]:
    """Since the two readings: the thread's CPU (ms), the times the kernel took the core
    from it, and the pages it had to read from disk."""
    usage = resource.getrusage(resource.RUSAGE_THREAD)
    return {
        "cpu_ms": round((time.thread_time() - cpu_before) * 1000, 1),
        "taken_away": usage.ru_nivcsw - usage_before.ru_nivcsw,
        "read_from_disk": usage.ru_majflt - usage_before.ru_majflt,
    }


def local_figures(*, quick: bool = False) -> dict[str, Any]:
    """The figures with no API: one change into a big cache, and offline search."""
    out = {"apply": apply_figures(200 if quick else 1000)}
    a = out["apply"]
    log(
        f"  one stock change, {a['stock_rows']:,} rows cached: p50 {a['apply_change']['p50_ms']}"
        f" ms, p95 {a['apply_change']['p95_ms']} ms (bare {a['bare_sqlite3']['p95_ms']} ms)"
    )
    out["search"] = search_figures(100 if quick else 400)
    s = out["search"]
    log(
        f"  search, {s['products']:,} products: p50 {s['search']['p50_ms']} ms, p95 "
        f"{s['search']['p95_ms']} ms (bare FTS5 {s['bare_fts5']['p95_ms']} ms)"
    )
    return out


# -- on its own: python -m tests.bench.offline_cache ------------------------------------------

_CACHE_SQL = (
    "SELECT p.detail FROM product_fts JOIN product p ON p.id = product_fts.rowid "
    "WHERE product_fts MATCH ? ORDER BY bm25(product_fts), p.id LIMIT 20"
)
_RANK_FIRST_SQL = (
    "SELECT p.detail FROM (SELECT rowid AS id, bm25(product_fts) AS score FROM product_fts "
    "WHERE product_fts MATCH ? ORDER BY score, rowid LIMIT 20) AS best "
    "JOIN product p ON p.id = best.id ORDER BY best.score, p.id"
)


def search_parts(n: int) -> dict[str, Any]:
    """Cache.search taken apart, on the same queries: the 20 best ids alone, the cache's own
    SQL on bare sqlite3 (its JOIN before the ORDER BY), the same ranked first and joined
    after, and the whole call (SQLAlchemy and the pydantic models on top)."""
    path, _ = data.built("search", log)
    qs = data.queries(n)
    cache = Cache(path)
    bare = sqlite3.connect(path)
    parts: dict[str, Callable[[str], object]] = {
        "best_20_ids_by_bm25": lambda q: bare.execute(_BARE_SEARCH, (fts_match(q),)).fetchall(),
        "cache_sql_on_sqlite3": lambda q: bare.execute(_CACHE_SQL, (fts_match(q),)).fetchall(),
        "ranked_then_joined": lambda q: bare.execute(_RANK_FIRST_SQL, (fts_match(q),)).fetchall(),
        "cache_search": cache.search,
        "match_count": lambda q: bare.execute(
            "SELECT count(*) FROM product_fts WHERE product_fts MATCH ?", (fts_match(q),)
        ).fetchall(),
    }
    timings: dict[str, list[float]] = {k: [] for k in parts}
    counts: list[float] = []  # matches: match_count is the last part
    try:
        for q in data.queries(20, seed=99):
            for call in parts.values():
                call(q)
        for q in qs:
            for name, call in parts.items():
                began = time.perf_counter()
                answer = call(q)
                timings[name].append((time.perf_counter() - began) * 1000)
            counts.append(float(answer[0][0]))  # type: ignore[index]
        same = sum(
            bare.execute(_CACHE_SQL, (fts_match(q),)).fetchall()
            == bare.execute(_RANK_FIRST_SQL, (fts_match(q),)).fetchall()
            for q in qs
        )
    finally:
        bare.close()
        cache.close()
    return {
        **{k: spread(v) for k, v in timings.items()},
        "matches_per_query": {
            "p50": percentile(counts, 50),
            "p95": percentile(counts, 95),
        },
        "ranked_then_joined_same_results": f"{same} of {len(qs)}",
    }


def print_profile(title: str, profile: cProfile.Profile, top: int = 25) -> None:
    log(f"\n== profile: {title}")
    pstats.Stats(profile).sort_stats("tottime").print_stats(top)


@contextmanager
def serving(kind: str) -> Iterator[tuple[str, str]]:
    """The API on a fresh copy of the seeded bench database (seeded first if need be), as
    `make bench` serves it; its URL."""
    from tests.server import start_api

    if kind == "sqlite":
        dbs.prepare_sqlite(reseed=False)
        url = dbs.SQLITE_URL
    else:
        problem = dbs.prepare_postgres(reseed=False)
        if problem:
            raise RuntimeError(problem)
        url = dbs.PG_URL
    log(f"  seed: {dbs.ensure_seeded(kind, url)}")
    log_dir = dbs.BENCH_DIR / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    workers = 1 if kind == "sqlite" else os.cpu_count() or 2
    copy = dbs.working_copy(kind)
    try:
        api = start_api(copy, log_dir=log_dir, startup_timeout=120, workers=workers)
        try:
            yield api.url, copy
        finally:
            api.stop()
    finally:
        dbs.drop_working_copy(kind)


def main(argv: list[str] | None = None) -> int:
    from tests.bench import report

    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.offline_cache",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", choices=["local", "sqlite", "postgres"])
    parser.add_argument("--quick", action="store_true", help="fewer samples, for a smoke test")
    parser.add_argument("--profile", action="store_true", help="cProfile, search taken apart")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"databases": {}}
    if args.only in (None, "local"):
        log("\n== offline cache, in process")
        results["offline"] = local_figures(quick=args.quick)
        if args.profile:
            results["offline"]["search_parts"] = search_parts(100 if args.quick else 400)
            log(f"  search taken apart: {results['offline']['search_parts']}")
            profile = cProfile.Profile()
            search_figures(100, profile)
            print_profile("100 offline searches", profile)
    for kind, name in (("sqlite", "sqlite"), ("postgresql", "postgres")):
        if args.only not in (None, name):
            continue
        label = report.KINDS[kind]
        log(f"\n== offline cache over the {label} API")
        problem = dbs.prepare_postgres(reseed=False) if kind == "postgresql" else None
        if problem:
            log(f"  skipped: {problem}")
            continue
        with serving(kind) as (api_url, db_url):
            results["databases"][kind] = {"offline": api_figures(api_url, db_url, quick=args.quick)}
            if args.profile:
                with tempfile.TemporaryDirectory(dir=dbs.BENCH_DIR, prefix="offline-") as tmp:
                    profile = cProfile.Profile()
                    sku = one_sync(api_url, db_url, Path(tmp), profile)["_sku"]
                    print_profile(f"one first sync over the {label} API", profile)
                    profile = cProfile.Profile()
                    outbox_figures(api_url, db_url, sku, Path(tmp), 300, profile)
                    print_profile(f"draining 300 try-ons over the {label} API", profile)
    print(json.dumps(results, indent=2, ensure_ascii=False))
    for row in report.offline_table(results):
        print(" | ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
