"""`python -m tests.bench.order_cpu`: where an order's CPU goes, counted rather than timed.

Orders per second on two shared cores move with whatever else the machine runs (a quarter up
or down between runs of the same code), so a change of a few per cent cannot be seen in them.
CPU time per order moves less, and says whose it is: the API processes' (Python) and
PostgreSQL's (every process of the local cluster: backends, WAL writer, checkpointer). Starts the API (`--processes`, default 2) on a working copy of the bench
database, places ship-to-home orders under wrk (tests/bench/native_load.py, as
tests.bench.scale_out does) for `--rounds` rounds, and prints for each the orders a second and
the CPU milliseconds per order read from /proc before and after the round. Linux only.

    .venv/bin/python -m tests.bench.order_cpu [--db postgresql|sqlite] [--processes 2]
        [--rounds 3] [--seconds 8]

To compare two checkouts, run it in each in turn, several times (`git worktree add`, with
.venv and var/bench linked into the second); read the medians of the rounds.
"""

from __future__ import annotations

import argparse
import statistics
from collections.abc import Callable

import httpx

from tests.bench import databases as dbs
from tests.bench import native_load as native
from tests.bench import processes as procs
from tests.bench.processes import Proc
from tests.bench.run import ADDRESS, ORDER_CUSTOMER, ensure_consent, login
from tests.server import start_api


def _cpu(selected: Callable[[Proc], bool]) -> float:
    return sum(p.cpu_s for p in procs.processes() if selected(p))


def measure(kind: str, *, processes: int, rounds: int, seconds: float) -> list[dict[str, float]]:
    url = dbs.seeded_working_copy(kind)
    out = []
    try:
        skus = dbs.pick_skus(url, 20_000, seed=2, warehouse_available=2)
        log_dir = dbs.BENCH_DIR / "logs"
        log_dir.mkdir(parents=True, exist_ok=True)
        api = start_api(url, log_dir=log_dir, startup_timeout=120, workers=processes)
        try:
            headers = login(api.url, url)
            with httpx.Client(base_url=api.url, headers=headers, timeout=60) as c:
                ensure_consent(c, ORDER_CUSTOMER, url)
            sid = api.proc.pid  # start_api runs the API in a session of its own

            def in_api(p: Proc) -> bool:
                return p.session == sid

            def in_postgres(p: Proc) -> bool:
                return p.name == "postgres"

            # Every round orders SKUs of its own, so none finds its stock taken by another.
            for r in range(rounds + 1):
                mine = skus[r * 3_000 :] + skus[: r * 3_000]
                script = native.order_script(mine, ORDER_CUSTOMER, ADDRESS, headers)
                before = _cpu(in_api), _cpu(in_postgres)
                length = seconds if r else min(seconds, 2.0)
                got = native.throughput(
                    api.url, script, connections=8, seconds=length, warmup_s=0, expect=201
                )
                after = _cpu(in_api), _cpu(in_postgres)
                if r == 0:
                    continue  # the warm-up round: caches filled, statements prepared
                orders = max(got["ok"], 1)
                figures = {
                    "orders_per_s": got["rps"],
                    "api_ms": 1000 * (after[0] - before[0]) / orders,
                    "postgres_ms": 1000 * (after[1] - before[1]) / orders,
                    "not_201": got["not_ok"],
                }
                out.append(figures)
                print(
                    f"round {r}: {figures['orders_per_s']:.1f} orders/s; CPU per order: API "
                    f"{figures['api_ms']:.2f} ms, PostgreSQL {figures['postgres_ms']:.2f} ms; "
                    f"not 201: {figures['not_201']}",
                    flush=True,
                )
        finally:
            api.stop()
    finally:
        dbs.drop_working_copy(kind)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.order_cpu")
    parser.add_argument("--db", choices=["postgresql", "sqlite"], default="postgresql")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args(argv)
    if not native.available():
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench does)")
    rounds = measure(args.db, processes=args.processes, rounds=args.rounds, seconds=args.seconds)
    med = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    print(
        f"medians of {len(rounds)} rounds, {args.db}, {args.processes} API process(es): "
        f"{med['orders_per_s']:.1f} orders/s; CPU per order: API {med['api_ms']:.2f} ms, "
        f"PostgreSQL {med['postgres_ms']:.2f} ms"
        + ("" if args.db == "postgresql" else " (not used)")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
