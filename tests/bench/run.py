"""`make bench`: the API's figures on the bench data set, SQLite and PostgreSQL, over loopback.

Seeds `var/bench/bench.db` and the PostgreSQL database `reyon_bench` once (200 locations x
20,000 variants = 4,000,000 stock rows, 100,000 customers), starts the real API on each, and
measures: availability of one SKU across 200 locations (server time from Server-Timing), the
single customer view of a customer with 200 orders, availability throughput against a bare
FastAPI endpoint in the same run, and order placement with reservation. Writes
bench-results/latest.json and latest.md. Reports figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, select, text
from sqlmodel import col

from app.server.catalog.models import Location, Variant
from app.server.inventory.models import StockLevel
from app.server.seed import seed
from tests.bench.load import sample, throughput
from tests.server import ROOT, ApiProcess, free_port, start_api

SQLITE_URL = f"sqlite:///{ROOT / 'var' / 'bench' / 'bench.db'}"
PG_SERVER = os.environ.get("REYON_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432")
PG_URL = f"{PG_SERVER}/reyon_bench"
RESULTS = ROOT / "bench-results"
TARGETS = {
    "availability_server_p95_ms": ("<=", 5.0),
    "customer_view_server_p95_ms": ("<=", 30.0),
    "availability_vs_bare_ratio": (">=", 0.5),
    "orders_per_s": (">=", 200.0),
    "seed_seconds": ("<=", 120.0),
}


def log(message: str) -> None:
    print(message, flush=True)


def ensure_postgres_database() -> str | None:
    try:
        admin = create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = 'reyon_bench'")
            ).first()
            if not exists:
                conn.execute(text('CREATE DATABASE "reyon_bench"'))
        admin.dispose()
        return None
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_SERVER}: {type(exc).__name__}"


def seeded(url: str) -> float | None:
    """Seconds spent seeding now, or None when the database was seeded by an earlier run."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(Location)).scalar_one()
        if count:
            return None
    except Exception:
        pass  # no schema yet
    finally:
        engine.dispose()
    started = time.perf_counter()
    seed(url, "bench", progress=lambda m: log(f"    seed: {m}"))
    return round(time.perf_counter() - started, 1)


def pick_skus(url: str, n: int, *, warehouse_stock: int = 0) -> list[str]:
    engine = create_engine(url)
    with engine.connect() as conn:
        stmt = select(col(Variant.sku))
        if warehouse_stock:
            stmt = (
                stmt.join(StockLevel, col(StockLevel.variant_id) == col(Variant.id))
                .join(Location, col(Location.id) == col(StockLevel.location_id))
                .where(
                    col(Location.code) == "WEB",
                    col(StockLevel.on_hand) - col(StockLevel.reserved) >= warehouse_stock,
                )
            )
        skus = list(conn.execute(stmt.order_by(col(Variant.id))).scalars())
    engine.dispose()
    random.Random(7).shuffle(skus)
    return skus[:n]


def login(api: ApiProcess) -> dict[str, str]:
    r = httpx.post(
        f"{api.url}/v1/auth/login",
        json={
            "store_code": "IST01",
            "associate_code": "demo-associate",
            "pin": "1234",
            "device_id": "bench",
        },
        timeout=60,
    )
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def start_bare(log_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "tests.bench.bare:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
            "--no-access-log",
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        stdout=(log_dir / "bare.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(f"{url}/bare", timeout=1).status_code == 200:
                return proc, url
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("bare app did not start")


def bench_database(kind: str, url: str, args: argparse.Namespace) -> dict[str, Any]:
    # As deployed: SQLite is the one-machine trial with one API process (one writer anyway);
    # PostgreSQL runs one process per core. The bare baseline gets the same number.
    workers = 1 if kind == "sqlite" else (os.cpu_count() or 2)
    log(f"\n== {kind} ({workers} API process{'es' if workers > 1 else ''})")
    out: dict[str, Any] = {"api_processes": workers}
    seed_s = seeded(url)
    out["seed_seconds"] = seed_s
    log(f"  seed: {'already seeded' if seed_s is None else f'{seed_s} s'}")
    log_dir = ROOT / "var" / "bench"
    api = start_api(url, log_dir=log_dir, startup_timeout=120, workers=workers)
    try:
        headers = login(api)
        with httpx.Client(base_url=api.url, headers=headers, timeout=60) as c:
            # Customer 1 holds 200 orders; make sure the profile may be opened.
            # Orders below go to customer 2, so customer 1 keeps exactly its 200 orders run
            # after run.
            for customer in (1, 2):
                c.post(
                    f"/v1/customers/{customer}/consent", json={"clienteling": True}
                ).raise_for_status()
            skus = pick_skus(url, 2_000)
            avail = sample(c, [f"/v1/availability/{s}" for s in skus[: args.samples]])
            out["availability"] = avail.summary()
            log(f"  availability (200 locations): {out['availability']}")
            view = sample(c, ["/v1/customers/1"] * min(args.samples, 300))
            out["customer_view"] = view.summary()
            log(f"  single customer view (200 orders): {out['customer_view']}")

        bare_proc, bare_url = start_bare(log_dir, workers)
        try:
            bare = throughput(bare_url, lambda c, i: c.get("/bare"), seconds=args.duration)
        finally:
            os.killpg(bare_proc.pid, signal.SIGKILL)
            bare_proc.wait()
        avail_tp = throughput(
            api.url,
            lambda c, i: c.get(f"/v1/availability/{skus[i % len(skus)]}"),
            headers=headers,
            seconds=args.duration,
        )
        out["bare_throughput"] = bare
        out["availability_throughput"] = avail_tp
        out["availability_vs_bare_ratio"] = round(avail_tp["rps"] / bare["rps"], 3)
        log(f"  bare FastAPI: {bare}")
        log(f"  availability: {avail_tp}  ratio {out['availability_vs_bare_ratio']}")

        order_skus = pick_skus(url, 4_000, warehouse_stock=3)
        address = {"recipient": "Bench", "line1": "Bağdat Cad. 1", "city": "İstanbul"}

        def place(c: httpx.Client, i: int) -> httpx.Response:
            return c.post(
                "/v1/orders",
                json={
                    "customer_id": 2,
                    "lines": [{"sku": order_skus[i % len(order_skus)], "quantity": 1}],
                    "fulfilment": {"type": "ship_to_home", "address": address},
                },
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )

        orders = throughput(api.url, place, headers=headers, seconds=args.duration)
        out["orders"] = orders
        log(f"  orders with reservation: {orders}")
    finally:
        api.stop()
    return out


def flatten(r: dict[str, Any]) -> dict[str, float | None]:
    return {
        "seed_seconds": r.get("seed_seconds"),
        "availability_server_p95_ms": r["availability"]["server_p95_ms"],
        "customer_view_server_p95_ms": r["customer_view"]["server_p95_ms"],
        "availability_vs_bare_ratio": r["availability_vs_bare_ratio"],
        "orders_per_s": r["orders"]["rps"],
    }


def met(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    op, target = TARGETS[metric]
    return "yes" if (value <= target if op == "<=" else value >= target) else "**no**"


def write_results(results: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    kinds = [k for k in ("sqlite", "postgresql") if k in results["databases"]]
    rows = [
        "| metric | " + " | ".join(kinds) + " | target |",
        "|---|" + "---|" * len(kinds) + "---|",
    ]
    labels = {
        "availability_server_p50_ms": "availability, 1 SKU × 200 locations, server p50 (ms)",
        "availability_server_p95_ms": "availability, 1 SKU × 200 locations, server p95 (ms)",
        "customer_view_server_p50_ms": "single customer view, 200 orders, server p50 (ms)",
        "customer_view_server_p95_ms": "single customer view, 200 orders, server p95 (ms)",
        "bare_rps": "bare FastAPI endpoint (req/s)",
        "availability_rps": "availability endpoint (req/s)",
        "availability_vs_bare_ratio": "availability ÷ bare throughput",
        "orders_per_s": "orders placed with reservation (orders/s)",
        "orders_p95_ms": "order placement p95 latency (ms)",
        "seed_seconds": "seeding the bench data (s)",
    }
    for key, label in labels.items():
        cells = []
        for kind in kinds:
            r = results["databases"][kind]
            value = {
                "availability_server_p50_ms": r["availability"]["server_p50_ms"],
                "customer_view_server_p50_ms": r["customer_view"]["server_p50_ms"],
                "bare_rps": r["bare_throughput"]["rps"],
                "availability_rps": r["availability_throughput"]["rps"],
                "orders_p95_ms": r["orders"]["p95_ms"],
            }.get(key, flatten(r).get(key))
            mark = f" ({met(key, value)})" if key in TARGETS and value is not None else ""
            cells.append(("cached" if value is None else f"{value}") + mark)
        target = "" if key not in TARGETS else f"{TARGETS[key][0]} {TARGETS[key][1]}"
        rows.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    m = results["machine"]
    header = (
        f"Measured {m['date']} on {m['cores']} cores, Python {m['python']}, "
        f"{m['duration_s']} s per throughput run, load generator on the same machine "
        f"({m['connections']} keep-alive connections).\n\n"
    )
    (RESULTS / "latest.md").write_text(header + "\n".join(rows) + "\n")
    print("\n" + header + "\n".join(rows))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--samples", type=int, default=1_000)
    parser.add_argument("--quick", action="store_true", help="short runs, for a smoke test")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.samples = 2.0, 100
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("REYON_DB_POOL_SIZE", "16")
    results: dict[str, Any] = {
        "machine": {
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "duration_s": args.duration,
            "connections": 8,
        },
        "databases": {},
    }
    if args.only in (None, "sqlite"):
        results["databases"]["sqlite"] = bench_database("sqlite", SQLITE_URL, args)
    if args.only in (None, "postgres"):
        problem = ensure_postgres_database()
        if problem:
            log(f"\n== postgresql skipped: {problem}")
        else:
            results["databases"]["postgresql"] = bench_database("postgresql", PG_URL, args)
    write_results(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
