"""`make bench-peers`: Reyon against Vendure (tests/bench/vendure.py), a real open-source commerce
engine, on the same PostgreSQL, the same data (the bench data set: 200 locations, 20,000
variants, stock of every variant at every location) and the same load generator, in one run:

1. the stock of one variant at every location (Reyon: GET /v1/availability/{sku}; Vendure:
   the Admin API's productVariant { stockLevels }), requests per second and client p50/p95;
2. an order of one unit that reserves its stock at a named store, IST01 (Reyon: one POST
   /v1/orders, reserve_in_store; Vendure: its shortest guest checkout, five Shop API
   mutations, the line naming the location), orders per second and client p50/p95;
3. races: 30 orders at once for a variant with 3 units at IST01, and 50 uses at once of a
   coupon that may be used once, counting what each system lets through; Vendure's own
   allocation (no location named) is raced too;
4. the memory (resident set) of each system's server processes, idle and after the load.

One server process each (Node runs one; Reyon's API is started with one). Rounds interleave
the two systems (which goes first alternates), so a machine busy for a while slows both
alike; each figure is the median of the rounds, with the lowest and highest. Writes
bench-results/peers.json and peers.md. Not part of `make test` (it installs from npm).

    .venv/bin/python -m tests.bench.peers [--rounds 3] [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import text

from app.domain.coupons import CouponKind
from app.server.db import Database, make_scratch_engine, utcnow
from app.server.promotions.models import Coupon
from tests.bench import databases as dbs
from tests.bench import vendure
from tests.bench.load import LoadPlan, RequestFn, throughput
from tests.bench.processes import processes
from tests.bench.run import ORDER_CUSTOMER, ensure_consent, login, machine
from tests.server import ROOT, ApiProcess, start_api

RESULTS = ROOT / "bench-results"
STORE = "IST01"  # the named location orders reserve at (the bench associate's store)
ORDERS_RACE, UNITS = 30, 3
COUPON_RACE = 50
WITHOUT = "placed without the coupon"  # Vendure took it off the order, which went on
log = dbs.log


# --- memory ------------------------------------------------------------------------------


def memory_mib(pid: int) -> dict[str, float]:
    """Resident set now and at its peak (VmHWM), summed over every process of the session
    `pid` leads (the servers are started in sessions of their own: workers count too)."""
    now = peak = 0
    for proc in processes():
        if proc.session != pid:
            continue
        try:
            for line in (proc.path / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    now += int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    peak += int(line.split()[1])
        except (OSError, IndexError, ValueError):
            continue  # the process ended while it was read
    return {"rss_mib": round(now / 1024, 1), "peak_mib": round(peak / 1024, 1)}


# --- the two systems, as the workloads see them ---------------------------------------------


class Reyon:
    name = "Reyon"

    def __init__(self, api: ApiProcess, db_url: str) -> None:
        self.api, self.db_url = api, db_url
        self.headers = login(api.url, db_url)
        self.store_id = self._location_id(STORE)
        with httpx.Client(base_url=api.url, headers=self.headers, timeout=60) as c:
            ensure_consent(c, ORDER_CUSTOMER, db_url)

    def _location_id(self, code: str) -> int:
        return int(self._sql("SELECT id FROM location WHERE code = :c", {"c": code})[0][0])

    def _sql(self, statement: str, params: dict[str, Any] | None = None) -> list[Any]:
        db = Database(make_scratch_engine(self.db_url))
        try:
            with db.write() as s:
                result = s.execute(text(statement), params or {})
                return list(result.fetchall()) if result.returns_rows else []  # type: ignore[attr-defined]
        finally:
            db.dispose()

    def stock_request(self, skus: list[tuple[int, str]]) -> RequestFn:
        return lambda c, i: c.get(f"/v1/availability/{skus[i % len(skus)][1]}")

    def order_request(self, skus: list[tuple[int, str]]) -> RequestFn:
        def place(c: httpx.Client, i: int) -> httpx.Response:
            return c.post(
                "/v1/orders",
                json=self._order(skus[i % len(skus)][1]),
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )

        return place

    def _order(self, sku: str) -> dict[str, Any]:
        return {
            "customer_id": ORDER_CUSTOMER,
            "lines": [{"sku": sku, "quantity": 1}],
            "fulfilment": {"type": "reserve_in_store", "location_id": self.store_id},
        }

    def set_available(self, variant_id: int, units: int) -> None:
        self._sql(
            "UPDATE stocklevel SET on_hand = reserved + :u WHERE variant_id = :v AND location_id = :l",
            {"u": units, "v": variant_id, "l": self.store_id},
        )

    def race_orders(self, variant: tuple[int, str]) -> dict[str, Any]:
        vid, sku = variant
        self.set_available(vid, UNITS)
        before = self._sql(
            "SELECT reserved FROM stocklevel WHERE variant_id = :v AND location_id = :l",
            {"v": vid, "l": self.store_id},
        )[0][0]

        def one(c: httpx.Client, i: int) -> str:
            r = c.post(
                "/v1/orders",
                json=self._order(sku),
                headers={"Idempotency-Key": str(uuid.uuid4())},
            )
            return "placed" if r.status_code == 201 else f"refused {r.status_code}"

        outcomes = race(ORDERS_RACE, self.api.url, self.headers, one)
        after = self._sql(
            "SELECT on_hand - reserved, reserved FROM stocklevel"
            " WHERE variant_id = :v AND location_id = :l",
            {"v": vid, "l": self.store_id},
        )[0]
        return {
            "placed": outcomes["placed"],
            "units_taken": after[1] - before,
            "available_after": after[0],
            "outcomes": dict(outcomes),
        }

    def race_coupon(self) -> dict[str, Any]:
        code = f"PEER{uuid.uuid4().hex[:8].upper()}"
        db = Database(make_scratch_engine(self.db_url))
        try:
            with db.write() as s:
                now = utcnow()
                s.add(
                    Coupon(code=code, campaign="bench-peers", kind=CouponKind.PERCENT, value=1000,
                           valid_from=now - timedelta(days=1), valid_until=now + timedelta(days=30),
                           channels="web,app,store,endless_aisle", max_redemptions=1)
                )  # fmt: skip
        finally:
            db.dispose()
        cashier = login_as(self.api.url, self.db_url, "demo-cashier")
        sku = self._sql("SELECT sku FROM variant ORDER BY id LIMIT 1")[0][0]

        def one(c: httpx.Client, i: int) -> str:
            r = c.post(
                "/v1/redemptions",
                json={
                    "code": code,
                    "location_id": self.store_id,
                    "till_id": f"T{i}",
                    "sale_ref": f"peer-{code}-{i}",
                    "basket": {"lines": [{"sku": sku, "quantity": 1}]},
                },
            )
            return "used" if r.status_code == 201 else f"refused {r.status_code}"

        outcomes = race(COUPON_RACE, self.api.url, cashier, one)
        # What the database holds, not only what the tills were told.
        redeemed = self._sql(
            "SELECT count(*) FROM redemption r JOIN coupon c ON c.id = r.coupon_id"
            " WHERE c.code = :c AND r.voided_at IS NULL",
            {"c": code},
        )[0][0]
        return {"used": outcomes["used"], "redemptions": int(redeemed), "outcomes": dict(outcomes)}


def login_as(url: str, db_url: str, associate: str) -> dict[str, str]:
    from tests.bench import access

    r = httpx.post(f"{url}/v1/auth/login", json=access.login_body(db_url, associate, "1234"))
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


class Vendure:
    name = "Vendure"

    def __init__(self, server: vendure.Server, database: str) -> None:
        self.server, self.database = server, database
        with httpx.Client(base_url=server.url, timeout=60) as c:
            token = vendure.admin(c).token
        self.headers = {"Authorization": f"Bearer {token}"}
        self.store_id = int(
            vendure.sql(database, "SELECT id FROM stock_location WHERE name = %s", (STORE,))[0][0]
        )

    def stock_request(self, skus: list[tuple[int, str]]) -> RequestFn:
        def ask(c: httpx.Client, i: int) -> httpx.Response:
            r = c.post(
                "/admin-api",
                json={
                    "query": vendure.STOCK_QUERY,
                    "variables": {"id": str(skus[i % len(skus)][0])},
                },
            )
            # GraphQL answers its errors with 200: count them as what they are.
            return httpx.Response(500) if b'"errors"' in r.content else r

        return ask

    def order_request(self, skus: list[tuple[int, str]]) -> RequestFn:
        def place(c: httpx.Client, i: int) -> httpx.Response:
            # A guest's session of its own for each order (the client sends no token).
            email = f"g{i}-{uuid.uuid4().hex[:8]}@bench.example"  # a new guest every order
            outcome = vendure.place_order(c, skus[i % len(skus)][0], email=email, location=STORE)
            return httpx.Response(201 if outcome.placed else 409)

        return place

    def set_available(self, variant_id: int, units: int, *, only_here: bool) -> None:
        vendure.sql(
            self.database,
            'UPDATE stock_level SET "stockOnHand" = "stockAllocated" + %s'
            ' WHERE "productVariantId" = %s AND "stockLocationId" = %s',
            (units, variant_id, self.store_id),
        )
        if only_here:  # Vendure's own strategy takes stock from any location: leave none elsewhere
            vendure.sql(
                self.database,
                'UPDATE stock_level SET "stockOnHand" = "stockAllocated"'
                ' WHERE "productVariantId" = %s AND "stockLocationId" <> %s',
                (variant_id, self.store_id),
            )

    def _allocated(self, variant_id: int) -> tuple[int, int]:
        """The variant's units allocated everywhere, as its stock counters say and as the
        allocation rows Vendure writes for each order line say (a lost update to the
        counters shows as a difference)."""
        counters = vendure.sql(
            self.database,
            'SELECT coalesce(sum("stockAllocated"), 0) FROM stock_level WHERE "productVariantId" = %s',
            (variant_id,),
        )[0][0]
        movements = vendure.sql(
            self.database,
            "SELECT coalesce(sum(quantity), 0) FROM stock_movement"
            " WHERE \"productVariantId\" = %s AND type = 'ALLOCATION'",
            (variant_id,),
        )[0][0]
        return int(counters), int(movements)

    def race_orders(self, variant: tuple[int, str], *, named: bool) -> dict[str, Any]:
        vid = variant[0]
        self.set_available(vid, UNITS, only_here=not named)
        before = self._allocated(vid)

        def one(c: httpx.Client, i: int) -> str:
            outcome = vendure.place_order(
                c, vid, email=f"race{i}-{uuid.uuid4().hex[:8]}@bench.example",
                location=STORE if named else None,
            )  # fmt: skip
            return "placed" if outcome.placed else _refusal(outcome)

        outcomes = race(ORDERS_RACE, self.server.url, {}, one)
        after = self._allocated(vid)
        return {
            "placed": outcomes["placed"],
            "units_taken": after[0] - before[0],
            "units_allocated_to_orders": after[1] - before[1],
            "outcomes": dict(outcomes),
        }

    def race_coupon(self, variant: tuple[int, str]) -> dict[str, Any]:
        code = f"PEER{uuid.uuid4().hex[:8].upper()}"
        with httpx.Client(base_url=self.server.url, timeout=60) as c:
            vendure.create_coupon(vendure.admin(c), code)
        self.set_available(variant[0], 10 * COUPON_RACE, only_here=False)

        def one(c: httpx.Client, i: int) -> str:
            outcome = vendure.place_order(
                c, variant[0], email=f"coupon{i}-{code}@bench.example", location=STORE,
                coupon=code,
            )  # fmt: skip
            if outcome.coupon_kept:
                return "used"
            return WITHOUT if outcome.placed else _refusal(outcome)

        outcomes = race(COUPON_RACE, self.server.url, {}, one)
        # What the database holds, not only what the clients were told.
        settled = vendure.sql(
            self.database,
            """SELECT count(*) FROM "order" WHERE "couponCodes" ILIKE %s"""
            """ AND state = 'PaymentSettled'""",
            (f"%{code}%",),
        )[0][0]
        return {
            "used": outcomes["used"],
            "orders_with_it": int(settled),
            "outcomes": dict(outcomes),
        }


def _refusal(outcome: vendure.Outcome) -> str:
    """The step and why, without what differs between orders (numbers, codes)."""
    reason = re.sub(r"\b\d+\b", "N", outcome.reason)
    return f"{outcome.refused_at}: {reason}"


def race(
    n: int, url: str, headers: dict[str, str], call: Callable[[httpx.Client, int], str]
) -> Counter[str]:
    """`call` n times at once, each on a connection of its own opened beforehand: every thread
    waits at a barrier, then all go together. How many ended which way."""
    clients = [httpx.Client(base_url=url, headers=headers, timeout=120) for _ in range(n)]
    barrier = threading.Barrier(n)

    def go(i: int) -> str:
        barrier.wait()
        try:
            return call(clients[i], i)
        except Exception as exc:  # one call failing is a count, not the end of the run
            return f"failed: {type(exc).__name__}"

    try:
        with ThreadPoolExecutor(max_workers=n) as pool:
            return Counter(pool.map(go, range(n)))
    finally:
        for c in clients:
            c.close()


# --- the run ---------------------------------------------------------------------------------


def pick_variants(db_url: str, n: int, *, seed: int, available: int) -> list[tuple[int, str]]:
    """(id, SKU) of `n` variants with at least `available` units free at STORE, shuffled."""
    db = Database(make_scratch_engine(db_url))
    try:
        with db.session() as s:
            rows = s.execute(
                text(
                    "SELECT v.id, v.sku FROM variant v JOIN stocklevel s ON s.variant_id = v.id"
                    " JOIN location l ON l.id = s.location_id"
                    " WHERE l.code = :c AND s.on_hand - s.reserved >= :a ORDER BY v.id"
                ),
                {"c": STORE, "a": available},
            ).fetchall()
    finally:
        db.dispose()
    picked = [(int(r[0]), str(r[1])) for r in rows]
    random.Random(seed).shuffle(picked)
    return picked[:n]


def _spread(values: list[float | None]) -> dict[str, float | None]:
    """Median, lowest and highest; a round that measured nothing is left out, never a 0."""
    have = [v for v in values if v is not None]
    if not have:
        return {"median": None, "low": None, "high": None}
    return {
        "median": round(statistics.median(have), 1),
        "low": round(min(have), 1),
        "high": round(max(have), 1),
    }


def run(rounds: int, seconds: float) -> dict[str, Any]:
    log_dir = dbs.BENCH_DIR / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    problem = dbs.prepare_postgres(reseed=False)
    if problem:
        raise SystemExit(problem)
    seeded = dbs.ensure_seeded("postgresql", dbs.PG_URL)
    installed = vendure.install()
    log(f"  Vendure {installed['version']} in {vendure.HOME.relative_to(ROOT)}")
    loaded = vendure.ensure_loaded(dbs.PG_URL, log_dir, seeded_at=str(seeded.get("at")))
    log(f"  Vendure's copy of the bench data: {loaded}")
    plan = LoadPlan(processes=2, threads=4, warmup_s=3.0, duration_s=seconds)
    results: dict[str, Any] = {
        "seed": seeded,
        "peer": {**installed, "load": loaded},
        "plan": {"connections": plan.connections, "warmup_s": plan.warmup_s},
    }
    with ExitStack() as stack:
        reyon_url = dbs.working_copy("postgresql")
        stack.callback(dbs.drop_working_copy, "postgresql")
        peer_db = vendure.working_copy()
        stack.callback(vendure.drop_working_copy)
        api = start_api(reyon_url, log_dir=log_dir, startup_timeout=120, workers=1)
        stack.callback(api.stop)
        server = vendure.start(peer_db, log_dir=log_dir)
        stack.callback(server.stop)
        systems: dict[str, Any] = {
            "Reyon": Reyon(api, reyon_url),
            "Vendure": Vendure(server, peer_db),
        }
        pids = {"Reyon": api.proc.pid, "Vendure": server.proc.pid}
        results["idle_memory"] = {k: memory_mib(p) for k, p in pids.items()}
        results["started_s"] = {"Vendure": server.started_s}
        stock_skus = pick_variants(reyon_url, 2_000, seed=1, available=0)
        # Each round's orders take their own share of the variants with 2 units or more at the
        # store, the same share in both systems (each has its own database): no order finds its
        # unit taken by an earlier round.
        order_skus = pick_variants(reyon_url, 20_000, seed=2, available=2)
        share = len(order_skus) // rounds
        runs: dict[str, dict[str, list[dict[str, Any]]]] = {
            k: {"stock": [], "orders": []} for k in systems
        }
        races: dict[str, list[dict[str, Any]]] = {
            "Reyon orders": [], "Vendure orders, location named": [],
            "Vendure orders, its own allocation": [], "Reyon coupon": [], "Vendure coupon": [],
        }  # fmt: skip
        race_variants = iter(pick_variants(reyon_url, 3 * rounds, seed=3, available=0))
        coupon_variant = pick_variants(reyon_url, 1, seed=4, available=0)[0]
        for r in range(rounds):
            order = ["Reyon", "Vendure"] if r % 2 == 0 else ["Vendure", "Reyon"]
            for name in order:
                system = systems[name]
                got = throughput(
                    _url(system), system.stock_request(stock_skus), plan, headers=system.headers
                )
                runs[name]["stock"].append(got)
                log(f"  round {r + 1}, {name}: stock at every location {got['rps']}/s, "
                    f"p50 {got['client_p50_ms']} ms, p95 {got['client_p95_ms']} ms, "
                    f"statuses {got['statuses']}")  # fmt: skip
            mine = order_skus[r * share : (r + 1) * share]
            for name in order:
                system = systems[name]
                got = throughput(
                    _url(system), system.order_request(mine), plan,
                    headers=system.headers if name == "Reyon" else {}, expect=201,
                )  # fmt: skip
                if got["ok"] + got["not_ok"] > len(mine):
                    log(
                        f"  round {r + 1}, {name}: more orders than variants set aside ({len(mine)})"
                    )
                runs[name]["orders"].append(got)
                log(f"  round {r + 1}, {name}: orders {got['rps']}/s, p50 {got['client_p50_ms']} "
                    f"ms, p95 {got['client_p95_ms']} ms, statuses {got['statuses']}")  # fmt: skip
            reyon, peer = systems["Reyon"], systems["Vendure"]
            races["Reyon orders"].append(reyon.race_orders(next(race_variants)))
            races["Vendure orders, location named"].append(
                peer.race_orders(next(race_variants), named=True)
            )
            races["Vendure orders, its own allocation"].append(
                peer.race_orders(next(race_variants), named=False)
            )
            races["Reyon coupon"].append(reyon.race_coupon())
            races["Vendure coupon"].append(peer.race_coupon(coupon_variant))
            log(f"  round {r + 1}, races: " + "; ".join(f"{k}: {v[-1]}" for k, v in races.items()))
        results["memory_after"] = {k: memory_mib(p) for k, p in pids.items()}
    results["figures"] = _figures(runs)
    results["races"] = races
    return results


def _url(system: Reyon | Vendure) -> str:
    return system.api.url if isinstance(system, Reyon) else system.server.url


def _figures(runs: dict[str, dict[str, list[dict[str, Any]]]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, got in runs.items():
        out[name] = {
            f"{work}_{key}": _spread([g[key] for g in got[work]])
            for work in ("stock", "orders")
            for key in ("rps", "client_p50_ms", "client_p95_ms")
        }
        out[name]["orders_not_placed"] = sum(g["not_ok"] for g in got["orders"])
        out[name]["stock_not_200"] = sum(g["not_ok"] for g in got["stock"])
    return out


def _markdown(results: dict[str, Any]) -> str:
    f = results["figures"]
    rey, ven = f["Reyon"], f["Vendure"]

    def cell(s: dict[str, float | None]) -> str:
        if s["median"] is None:
            return "nothing measured"
        return f"{s['median']:,.1f} ({s['low']:,.1f}–{s['high']:,.1f})"

    def ratio(a: float | None, b: float | None) -> str:
        return f"{a / b:.2f}" if a is not None and b else "n/a"

    rows = [
        ("stock of one variant at every location (200), answers/s", "stock_rps", "higher"),
        ("… client p50 (ms)", "stock_client_p50_ms", "lower"),
        ("… client p95 (ms)", "stock_client_p95_ms", "lower"),
        ("order of 1 unit reserved at a named store, orders/s", "orders_rps", "higher"),
        ("… client p50 of a whole order (ms)", "orders_client_p50_ms", "lower"),
        ("… client p95 of a whole order (ms)", "orders_client_p95_ms", "lower"),
    ]
    lines = [
        "| figure | better | Reyon (median, low–high) | Vendure (median, low–high) | Reyon ÷ Vendure |",
        "|---|---|---|---|---|",
    ]
    for label, key, better in rows:
        lines.append(
            f"| {label} | {better} | {cell(rey[key])} | {cell(ven[key])} | "
            f"{ratio(rey[key]['median'], ven[key]['median'])} |"
        )
    lines.append(
        f"| orders not placed / stock answers not 200, all rounds | lower | "
        f"{rey['orders_not_placed']} / {rey['stock_not_200']} | "
        f"{ven['orders_not_placed']} / {ven['stock_not_200']} |  |"
    )
    idle, after = results["idle_memory"], results["memory_after"]
    for label, got, key in (
        ("server memory, idle after start: resident (MiB)", idle, "rss_mib"),
        ("server memory after every round: resident (MiB)", after, "rss_mib"),
        ("server memory after every round: peak resident (MiB)", after, "peak_mib"),
    ):
        lines.append(
            f"| {label} | lower | {got['Reyon'][key]:,.1f} | {got['Vendure'][key]:,.1f} | "
            f"{ratio(got['Reyon'][key], got['Vendure'][key])} |"
        )
    lines += [
        "",
        "| race, once a round | let through, each round | every outcome, all rounds |",
        "|---|---|---|",
    ]
    for name, got in results["races"].items():
        coupon = "coupon" in name
        what = (
            f"{COUPON_RACE} uses at once of a coupon that may be used once"
            if coupon
            else f"{ORDERS_RACE} orders at once for {UNITS} units"
        )
        key = "used" if coupon else "placed"
        through = ", ".join(str(g[key]) for g in got)
        if coupon:
            held = "redemptions" if "redemptions" in got[0] else "orders_with_it"
            through += " (in the database: " + ", ".join(str(g[held]) for g in got) + ")"
        else:
            through += " (units taken: " + ", ".join(str(g["units_taken"]) for g in got)
            if "units_allocated_to_orders" in got[0]:
                through += "; allocated to orders: " + ", ".join(
                    str(g["units_allocated_to_orders"]) for g in got
                )
            through += ")"
        every = Counter[str]()
        for g in got:
            every.update(g["outcomes"])
        shown = "; ".join(f"{k}: {v}" for k, v in sorted(every.items()))
        lines.append(f"| {name}: {what} | {through} | {shown} |")
    m, peer, plan = results["machine"], results["peer"], results["plan"]
    lines += [
        "",
        f"- Measured {m['date']} on {m['cpu']} ({m['cores']} cores, load generator on the same "
        f"machine), Python {m['python']}; Vendure {peer['version']} on Node "
        f"{peer.get('node', '')}, {results['database']}; one server process each; "
        f"{results['rounds']} interleaved rounds of {results['seconds']:g} s after "
        f"{plan['warmup_s']:g} s of warm-up, from the Python load generator of "
        f"tests/bench/load.py with {plan['connections']} keep-alive connections for both. A "
        "Reyon order is one request (POST /v1/orders, reserve_in_store); a Vendure order is its "
        "five Shop API mutations, each parsed by the generator. Reyon's coupon is redeemed at "
        "a till (POST /v1/redemptions); Vendure's is applied in a whole guest checkout.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.peers")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    log("== Reyon and Vendure on PostgreSQL, one process each")
    try:
        results = run(args.rounds, args.seconds)
    except vendure.PeerError as exc:
        raise SystemExit(f"the peer could not run: {exc}") from exc
    results.update(
        machine=machine(args), rounds=args.rounds, seconds=args.seconds,
        database=dbs.database_versions(dbs.PG_URL),
    )  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "peers.json").write_text(json.dumps(results, indent=2, default=str))
    md = _markdown(results)
    (RESULTS / "peers.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
