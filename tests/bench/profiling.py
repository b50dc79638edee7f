"""Where one API process spends its time under the bench load: cProfile in every thread.

    .venv/bin/python -m tests.bench.profiling availability|customer|orders \\
        [--db sqlite|postgres] [--seconds 5] [--top 30]

Starts the API (one process, on a copy of the seeded bench database) with a profiler in each of its
threads (the event loop and the thread pool the sync endpoints run in), puts the bench's load
on one endpoint, stops the API and prints the functions with the most own time and the most
cumulative time. Only stdlib: no py-spy needed. cProfile inflates Python-heavy code against C
code, so read shares, not absolute milliseconds.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import threading
from pathlib import Path
from typing import Any

import httpx

from tests.bench import databases as dbs
from tests.bench.load import LoadPlan, RequestFn, throughput
from tests.bench.run import (
    ORDER_CUSTOMER,
    availability_request,
    ensure_consent,
    login,
    order_request,
)
from tests.bench.servers import start_process
from tests.server import TEST_SECRET, free_port


def serve(port: int, out: Path) -> None:
    """In the API process: profile every thread, serve until SIGINT, write merged stats."""
    import uvicorn

    profiles: list[cProfile.Profile] = []

    def start_in_thread(*_: Any) -> None:
        # Called on the first profiling event of each new thread: hand over to cProfile.
        prof = cProfile.Profile()
        profiles.append(prof)
        prof.enable()

    threading.setprofile(start_in_thread)
    main = cProfile.Profile()
    main.enable()
    uvicorn.run(
        "app.server.app:create_app",
        factory=True,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
    )
    main.disable()
    stats = pstats.Stats(main)
    for prof in list(profiles):
        try:
            stats.add(prof)
        except (TypeError, ValueError):
            continue  # a thread that never ran Python code under the profiler
    stats.dump_stats(str(out))


def customer_request(c: httpx.Client, i: int) -> httpx.Response:
    return c.get("/v1/customers/1")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        serve(int(argv[1]), Path(argv[2]))
        return 0
    parser = argparse.ArgumentParser(prog="python -m tests.bench.profiling", description=__doc__)
    parser.add_argument("what", choices=["availability", "customer", "orders"])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--threads", type=int, default=4, help="connections per process")
    args = parser.parse_args(argv)

    kind = "sqlite" if args.db == "sqlite" else "postgresql"
    url = dbs.working_copy(kind)  # the cached bench data stays as seeded
    try:
        return _profile(args, url)
    finally:
        dbs.drop_working_copy(kind)


def _profile(args: argparse.Namespace, url: str) -> int:
    log_dir = dbs.BENCH_DIR / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    out = dbs.BENCH_DIR / f"profile-{args.what}-{args.db}.prof"
    out.unlink(missing_ok=True)
    port = free_port()
    api = start_process(
        [sys.executable, "-m", "tests.bench.profiling", "serve", str(port), str(out)],
        port=port,
        health="/v1/health",
        log=log_dir / f"profile-{port}.log",
        env={"REYON_DATABASE_URL": url, "REYON_SECRET_KEY": TEST_SECRET},
        timeout=120,
    )
    try:
        headers = login(api.url, url)
        with httpx.Client(base_url=api.url, headers=headers, timeout=60) as c:
            ensure_consent(c, 1, url)
            ensure_consent(c, ORDER_CUSTOMER, url)
        request: RequestFn
        if args.what == "availability":
            request = availability_request(dbs.pick_skus(url, 5_000, seed=1))
        elif args.what == "orders":
            skus = dbs.pick_skus(url, 20_000, seed=3, warehouse_available=2)
            request = order_request(skus)
        else:
            request = customer_request
        plan = LoadPlan(processes=args.processes, threads=args.threads, duration_s=args.seconds)
        expect = 201 if args.what == "orders" else 200
        result = throughput(api.url, request, plan, headers=headers, expect=expect)
        print(f"under the profiler: {result['rps']} req/s, statuses {result['statuses']}")
    finally:
        api.stop(timeout=60)
    stats = pstats.Stats(str(out))
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(args.top)
    print(f"profile: {out} (open with python -m pstats)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
