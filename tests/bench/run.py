"""`make bench`: the API's figures on the bench data set, SQLite and PostgreSQL, over loopback.

Seeds var/bench/bench.db and the PostgreSQL database `reyon_bench` once (200 locations ×
20,000 variants = 4,000,000 stock rows, 100,000 customers), starts the real API on each, logs
in as demo-associate at IST01 and measures over HTTP with httpx, on a fresh copy of the seeded
database each run:
- availability of one SKU across 200 locations (server time from Server-Timing, and client);
- the single customer view of customer 1 (200 orders);
- availability throughput against a bare FastAPI endpoint served the same way, same run;
- ship-to-home order placement with stock reservation, several concurrent clients;
- QR codes: decoding a 1280x720 camera frame, verifying each kind of payload per second;
- the tablet's offline cache (tests/bench/offline_cache.py): the first sync of the catalogue
  and the home store's stock and draining 1,000 queued commands, over each API; one change
  into a cache of 500,000 stock rows and search over 100,000 products, in process;
- recommendations (tests/bench/recommendations.py): hit@3 and hit@5 of "complete the look"
  and of "most popular" on the last 20% of the demo and bench orders, learnt on the first
  80%, in process (--quick: the demo data set only).
Writes bench-results/latest.json and latest.md. Reports figures; asserts nothing.

    .venv/bin/python -m tests.bench.run [--only sqlite|postgres] [--duration S] [--quick]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from tests.bench import access, offline_cache, qr_codes, recommendations, report, session_gate
from tests.bench import databases as dbs
from tests.bench.load import LoadPlan, RequestFn, sequential, throughput
from tests.bench.servers import start_bare
from tests.server import start_api

log = dbs.log
ORDER_CUSTOMER = 2  # orders go to another customer: customer 1 keeps exactly its 200 orders
ADDRESS = {"recipient": "Bench Müşteri", "line1": "Bağdat Cad. No: 1", "city": "İstanbul"}


def availability_request(skus: list[str]) -> RequestFn:
    return lambda c, i: c.get(f"/v1/availability/{skus[i % len(skus)]}")


def order_body(sku: str, customer_id: int = ORDER_CUSTOMER) -> dict[str, Any]:
    """The bench's order: one unit of `sku`, shipped home."""
    return {
        "customer_id": customer_id,
        "lines": [{"sku": sku, "quantity": 1}],
        "fulfilment": {"type": "ship_to_home", "address": ADDRESS},
    }


def order_request(skus: list[str], customer_id: int = ORDER_CUSTOMER) -> RequestFn:
    """A ship-to-home order of one unit of one of `skus` (picked by the request number)."""

    def place(c: httpx.Client, i: int) -> httpx.Response:
        return c.post(
            "/v1/orders",
            json=order_body(skus[i % len(skus)], customer_id),
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )

    return place


def login(url: str, db_url: str) -> dict[str, str]:
    r = httpx.post(
        f"{url}/v1/auth/login",
        json=access.login_body(db_url, "demo-associate", "1234"),
        timeout=60,
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def ensure_consent(
    client: httpx.Client, customer_id: int, db_url: str
) -> tuple[str, dict[str, Any]]:
    """Open the customer's view; record clienteling consent first if it is refused for want
    of it. Returns how consent stood and the view."""
    r = client.get(f"/v1/customers/{customer_id}")
    how = "given in the seed data"
    if r.status_code == 403:
        access.consent(db_url, customer_id)
        how = "recorded by the bench"
        r = client.get(f"/v1/customers/{customer_id}")
    r.raise_for_status()
    return how, r.json()


def measure(
    api_url: str, url: str, workers: int, args: argparse.Namespace, out: dict[str, Any]
) -> None:
    plan: LoadPlan = args.plan
    log_dir = dbs.BENCH_DIR / "logs"
    headers = login(api_url, url)
    with httpx.Client(base_url=api_url, headers=headers, timeout=60) as c:
        consent, view = ensure_consent(c, 1, url)
        out["customer_check"] = {"consent": consent, "orders_in_view": len(view["orders"])}
        ensure_consent(c, ORDER_CUSTOMER, url)
        skus = dbs.pick_skus(url, 5_000, seed=1)
        log(f"  customer 1: {out['customer_check']}")

        out["availability"] = sequential(c, availability_request(skus), count=args.samples)
        log(f"  availability, 1 SKU x 200 locations: {out['availability']}")
    out["session_gate"] = session_gate.figures(
        url,
        availability_request(skus),
        lambda api: login(api, url),
        samples=args.samples,
        log_dir=log_dir,
    )
    log(f"  the session check, remembered vs asked every request: {out['session_gate']}")
    with httpx.Client(base_url=api_url, headers=headers, timeout=60) as c:
        out["customer_view"] = sequential(
            c, lambda c, i: c.get("/v1/customers/1"), count=args.samples
        )
        log(f"  single customer view: {out['customer_view']}")

    bare = start_bare(log_dir, workers)
    try:
        out["bare_throughput"] = throughput(bare.url, lambda c, i: c.get("/bare"), plan)
    finally:
        bare.stop()
    log(f"  bare FastAPI: {out['bare_throughput']}")
    out["availability_throughput"] = throughput(
        api_url, availability_request(skus), plan, headers=headers
    )
    log(f"  availability: {out['availability_throughput']}")
    bare_rps = out["bare_throughput"]["rps"]
    ratio = out["availability_throughput"]["rps"] / bare_rps if bare_rps else None
    out["availability_vs_bare_ratio"] = None if ratio is None else round(ratio, 3)
    log(f"  availability ÷ bare: {out['availability_vs_bare_ratio']}")

    # Distinct SKUs with warehouse stock: a ship-to-home line is sourced from WEB first.
    order_skus = dbs.pick_skus(url, 20_000, seed=2, warehouse_available=2)
    place = order_request(order_skus)
    with httpx.Client(base_url=api_url, headers=headers, timeout=60) as c:
        # Offset past the SKUs the concurrent run below will use.
        out["order_alone"] = sequential(
            c, lambda c, i: place(c, len(order_skus) // 2 + i), count=args.samples // 5
        )
    log(f"  one order at a time: {out['order_alone']}")
    out["orders"] = throughput(api_url, place, plan, headers=headers, expect=201)
    log(f"  orders with reservation: {out['orders']}")


def bench_database(kind: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    # One API process per core on either database (SQLite's writers queue across processes on
    # a file lock; its one writer stays the limit of orders). The bare baseline gets the same.
    workers = args.workers or os.cpu_count() or 2
    log(f"\n== {report.KINDS[kind]} ({workers} API process{'es' * (workers > 1)})")
    out: dict[str, Any] = {"api_processes": workers, "version": dbs.database_versions(url)}
    out["seed"] = dbs.ensure_seeded(kind, url)
    log(f"  seed: {out['seed']}")
    out["data_problems"] = dbs.check_bench_data(url)
    if out["data_problems"]:
        log(f"  WARNING, not the bench data set (use --reseed): {out['data_problems']}")
    log_dir = dbs.BENCH_DIR / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    # Measured on a fresh copy of the seeded database: every run starts from the same state.
    url = dbs.working_copy(kind)
    try:
        api = start_api(url, log_dir=log_dir, startup_timeout=120, workers=workers)
        try:
            measure(api.url, url, workers, args, out)
            log("  the tablet's offline cache over this API:")
            out["offline"] = offline_cache.api_figures(api.url, url, quick=args.quick)
        finally:
            api.stop()
    finally:
        dbs.drop_working_copy(kind)
    return out


def machine(args: argparse.Namespace) -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "cpu": cpu,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "argv": sys.argv[1:],
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench.run",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"], help="one database only")
    parser.add_argument("--duration", type=float, help="seconds per throughput run (default 5)")
    parser.add_argument("--samples", type=int, help="sequential requests per latency metric")
    parser.add_argument("--quick", action="store_true", help="short runs, for a smoke test")
    parser.add_argument("--workers", type=int, help="API processes (default: one per core)")
    parser.add_argument(
        "--reseed", action="store_true", help="drop the bench databases and seed them again"
    )
    args = parser.parse_args(argv)
    duration = args.duration or (1.5 if args.quick else 5.0)
    args.samples = args.samples or (100 if args.quick else 500)
    args.plan = LoadPlan(warmup_s=0.5 if args.quick else 1.0, duration_s=max(0.5, duration))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    plan: LoadPlan = args.plan
    results: dict[str, Any] = {
        "machine": machine(args),
        "settings": {
            "duration_s": plan.duration_s,
            "warmup_s": plan.warmup_s,
            "processes": plan.processes,
            "threads": plan.threads,
            "connections": plan.connections,
            "samples": args.samples,
        },
        "databases": {},
    }
    log("\n== QR codes (in process, no database)")
    results["qr"] = qr_codes.figures(samples=args.samples // 5, seconds=0.2 if args.quick else 0.5)
    log(f"  {results['qr']}")
    log("\n== The tablet's offline cache (in process, no API)")
    results["offline"] = offline_cache.local_figures(quick=args.quick)
    log("\n== Recommendations (in process, no database)")
    results["recommendations"] = recommendations.measure(quick=args.quick)
    log(f"  {results['recommendations']}")
    if args.only in (None, "sqlite"):
        dbs.prepare_sqlite(reseed=args.reseed)
        results["databases"]["sqlite"] = bench_database("sqlite", dbs.SQLITE_URL, args)
    if args.only in (None, "postgres"):
        problem = dbs.prepare_postgres(reseed=args.reseed)
        if problem:
            log(f"\n== PostgreSQL skipped: {problem}")
            results["databases"]["postgresql"] = {"skipped": problem}
        else:
            results["databases"]["postgresql"] = bench_database("postgresql", dbs.PG_URL, args)
    report.write(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
