"""What the tablet's other threads meet while its first sync runs (issue 16): the sync in a
thread of its own, as the app runs it, over the real API on the bench data, and meanwhile on
this thread, once every 10 ms, what an event handler does: a bit of Python (how late a 10 ms
sleep wakes: the sync holding the interpreter), a read of the cache and a write to it (the
sync's page transactions). Once the first page is in, a log-in's follow_store is timed, with
how long the sync still ran after it.

    .venv/bin/python -m tests.bench.sync_pauses [--db sqlite|postgres] [--runs 3]

Not part of make bench: a probe for changes to the sync or the cache; to compare two
checkouts, copy this file into the other one."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from app.tablet.cache.store import Cache
from app.tablet.client import ReyonClient
from app.tablet.offline import Offline
from tests.bench import access
from tests.bench import databases as dbs
from tests.bench.offline_cache import serving
from tests.bench.offline_sync import ASSOCIATE, PIN, STORE, spread

TICK_S = 0.010


def _ms(since: float) -> float:
    return (time.perf_counter() - since) * 1000


def one_run(api_url: str, db_url: str, directory: Path) -> dict[str, Any]:
    client = ReyonClient(api_url, timeout=120)
    kit = Offline.open(client, directory / "tablet.db")
    try:
        device = access.tablet(db_url)
        session = client.login(STORE, ASSOCIATE, PIN, device.device_id, device.device_secret)
        store = session.associate.store.id
        kit.follow_store(store)
        first_page = threading.Event()
        result: dict[str, Any] = {}

        def sync() -> None:
            began = time.perf_counter()
            report = kit.sync(lambda phase, done: first_page.set())
            result["seconds"] = time.perf_counter() - began
            result["ended"] = time.perf_counter()
            assert report is not None
            result["rows"] = report.products + report.stock_rows

        syncing = threading.Thread(target=sync)
        syncing.start()
        late, reads, writes = [], [], []
        log_in_ms = log_in_at = None
        while syncing.is_alive():
            began = time.perf_counter()
            time.sleep(TICK_S)
            late.append(_ms(began) - TICK_S * 1000)
            began = time.perf_counter()
            kit.cache.state("last_sync")
            reads.append(_ms(began))
            began = time.perf_counter()
            with kit.cache.write() as conn:
                Cache.set_state(conn, "probe", str(began))
            writes.append(_ms(began))
            if log_in_ms is None and first_page.is_set():
                began = time.perf_counter()
                kit.follow_store(store)  # what a log-in asks of the cache
                log_in_ms, log_in_at = _ms(began), time.perf_counter()
        syncing.join()
        return {
            "rows_per_s": round(result["rows"] / result["seconds"]),
            "sync_s": round(result["seconds"], 3),
            "tick_late": {**spread(late), "max_ms": round(max(late), 1)},
            "cache_read": {**spread(reads), "max_ms": round(max(reads), 1)},
            "cache_write": {**spread(writes), "max_ms": round(max(writes), 1)},
            "log_in_follow_ms": round(log_in_ms or 0.0, 1),
            "sync_went_on_after_it_s": round(result["ended"] - (log_in_at or 0.0), 3),
        }
    finally:
        kit.close()
        client.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.sync_pauses")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    kind = "sqlite" if args.db == "sqlite" else "postgresql"
    runs = []
    with serving(kind) as (api_url, db_url):
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(dir=dbs.BENCH_DIR, prefix="pauses-") as tmp:
                runs.append(one_run(api_url, db_url, Path(tmp)))
                dbs.log(json.dumps(runs[-1]))
    print(json.dumps(runs, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
