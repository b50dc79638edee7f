"""`python -m tests.bench.scale_out`: orders placed (with their stock reserved) and availability
answers per second with 1, 2 and 4 API processes on PostgreSQL, and 1 and 2 on SQLite, driven
by wrk (tests/bench/native_load.py) so the load generator leaves the cores to the server; the
bare FastAPI endpoint served by as many processes in the same round is the baseline.

Rounds are interleaved (every process count once per round, in turn), so a machine that is
busier for a while slows all of them alike; each figure is the median of the rounds, with
the lowest and highest. Measured on a fresh working copy of the bench database, as `make
bench` does. Writes bench-results/scale-out.json and scale-out.md.

    .venv/bin/python -m tests.bench.scale_out [--rounds 3] [--seconds 5] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import json
import statistics
from typing import Any

import httpx

from tests.bench import databases as dbs
from tests.bench import native_load as native
from tests.bench.run import ADDRESS, ORDER_CUSTOMER, ensure_consent, login, machine
from tests.bench.servers import start_bare
from tests.server import ROOT, start_api

RESULTS = ROOT / "bench-results"
COUNTS = {"postgresql": (1, 2, 4), "sqlite": (1, 2)}  # SQLite: one writer, queued across processes
AVAILABILITY_SKUS = 2_000
log = dbs.log


def _connections(processes: int) -> int:
    return max(8, 4 * processes)


def _one(
    kind: str, url: str, processes: int, skus: list[str], orders: list[str], seconds: float
) -> dict[str, Any]:
    log_dir = dbs.BENCH_DIR / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    out: dict[str, Any] = {}
    conns = _connections(processes)
    api = start_api(url, log_dir=log_dir, startup_timeout=120, workers=processes)
    try:
        headers = login(api.url, url)
        with httpx.Client(base_url=api.url, headers=headers, timeout=60) as c:
            ensure_consent(c, ORDER_CUSTOMER, url)
        paths = [f"/v1/availability/{s}" for s in skus]
        out["availability"] = native.throughput(
            api.url, native.get_script(paths, headers), connections=conns, seconds=seconds
        )
        script = native.order_script(orders, ORDER_CUSTOMER, ADDRESS, headers)
        out["orders"] = native.throughput(
            api.url, script, connections=conns, seconds=seconds, expect=201
        )
    finally:
        api.stop()
    bare = start_bare(log_dir, processes)
    try:
        out["bare"] = native.throughput(
            bare.url, native.get_script(["/bare"], {}), connections=conns, seconds=seconds
        )
    finally:
        bare.stop()
    return out


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), 1),
        "low": round(min(values), 1),
        "high": round(max(values), 1),
    }


def measure(kind: str, *, rounds: int, seconds: float) -> dict[str, Any]:
    base = dbs.SQLITE_URL if kind == "sqlite" else dbs.PG_URL
    if kind == "sqlite":
        dbs.prepare_sqlite(reseed=False)
    else:
        problem = dbs.prepare_postgres(reseed=False)
        if problem:
            return {"skipped": problem}
    dbs.ensure_seeded(kind, base)
    url = dbs.working_copy(kind)
    try:
        skus = dbs.pick_skus(url, AVAILABILITY_SKUS, seed=1)
        order_skus = dbs.pick_skus(url, 20_000, seed=2, warehouse_available=2)
        runs: dict[int, list[dict[str, Any]]] = {n: [] for n in COUNTS[kind]}
        turn = 0
        for r in range(rounds):
            for n in COUNTS[kind]:
                # Each run orders from its own part of the list: none finds its SKUs taken.
                start = (turn * 2_000) % len(order_skus)
                turn += 1
                mine = order_skus[start:] + order_skus[:start]
                got = _one(kind, url, n, skus, mine, seconds)
                log(
                    f"  round {r + 1}, {n} process(es): orders {got['orders']['rps']}/s, "
                    f"availability {got['availability']['rps']}/s, bare {got['bare']['rps']}/s"
                )
                runs[n].append(got)
    finally:
        dbs.drop_working_copy(kind)
    figures: dict[str, Any] = {}
    for n, got in runs.items():
        figures[str(n)] = {
            "orders_per_s": _spread([g["orders"]["rps"] for g in got]),
            "availability_per_s": _spread([g["availability"]["rps"] for g in got]),
            "bare_per_s": _spread([g["bare"]["rps"] for g in got]),
            "availability_vs_bare": _spread(
                [g["availability"]["rps"] / g["bare"]["rps"] * 100 for g in got]
            ),
            "orders_server_p50_ms": _spread([g["orders"]["server_p50_ms"] or 0 for g in got]),
            "orders_not_201": sum(g["orders"]["not_ok"] for g in got),
            "connections": _connections(n),
        }
    return figures


def _markdown(results: dict[str, Any]) -> str:
    lines = [
        "| database | API processes | orders/s (median, low–high) | availability/s | bare/s | "
        "availability ÷ bare (%) | order server p50 (ms) | orders not 201 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for kind, figures in results["databases"].items():
        if "skipped" in figures:
            lines.append(f"| {kind} | skipped: {figures['skipped']} |  |  |  |  |  |  |")
            continue
        for n, f in figures.items():

            def cell(key: str, f: dict[str, Any] = f) -> str:
                s = f[key]
                return f"{s['median']:,.1f} ({s['low']:,.1f}–{s['high']:,.1f})"

            lines.append(
                f"| {kind} | {n} | {cell('orders_per_s')} | {cell('availability_per_s')} | "
                f"{cell('bare_per_s')} | {cell('availability_vs_bare')} | "
                f"{cell('orders_server_p50_ms')} | {f['orders_not_201']} |"
            )
    m = results["machine"]
    lines += [
        "",
        f"- Measured {m['date']} on {m['cpu']} ({m['cores']} cores), Python {m['python']}; "
        f"{results['rounds']} interleaved rounds of {results['seconds']:g} s after 1 s of "
        "warm-up each; wrk, one thread, 8 connections (4 per process with more).",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.scale_out")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args(argv)
    if not native.available():
        raise SystemExit("wrk is not installed: apt-get install -y wrk (make bench does)")
    results: dict[str, Any] = {
        "machine": machine(args),
        "rounds": args.rounds,
        "seconds": args.seconds,
        "databases": {},
    }
    for kind in ("sqlite", "postgresql"):
        if args.only in (None, kind):
            log(f"\n== {kind}: {', '.join(map(str, COUNTS[kind]))} API process(es)")
            results["databases"][kind] = measure(kind, rounds=args.rounds, seconds=args.seconds)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "scale-out.json").write_text(json.dumps(results, indent=2))
    md = _markdown(results)
    (RESULTS / "scale-out.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
