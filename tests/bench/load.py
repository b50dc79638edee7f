"""Load generation over loopback HTTP with httpx: one-at-a-time latency samples, and timed
concurrent runs from a few processes of threads, each thread on its own keep-alive connection.

The load generator runs on the same 2-core machine as the server, so absolute throughput is
what this machine gives both together; ratios between endpoints measured with the same
generator in the same run are the meaningful figures.

Every loop is bounded by time and by count.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

# A request made by the load generator: the thread's client and a number unique across every
# thread and process of the run (to pick a SKU, say), returning the response.
RequestFn = Callable[[httpx.Client, int], httpx.Response]


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def server_time(response: httpx.Response) -> float | None:
    """Milliseconds from `Server-Timing: app;dur=<ms>`, or None when the header is missing."""
    for part in response.headers.get("server-timing", "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == "dur":
            try:
                return float(value)
            except ValueError:
                return None
    return None


@dataclass
class Samples:
    server_ms: list[float] = field(default_factory=list)
    client_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)

    def add(self, status: str, client_ms: float, server_ms: float | None) -> None:
        self.statuses[status] += 1
        self.client_ms.append(client_ms)
        if server_ms is not None:
            self.server_ms.append(server_ms)

    def merge(self, other: Samples) -> None:
        self.server_ms += other.server_ms
        self.client_ms += other.client_ms
        self.statuses.update(other.statuses)

    def summary(self) -> dict[str, Any]:
        return {
            "server_p50_ms": rounded(percentile(self.server_ms, 50)),
            "server_p95_ms": rounded(percentile(self.server_ms, 95)),
            "client_p50_ms": rounded(percentile(self.client_ms, 50)),
            "client_p95_ms": rounded(percentile(self.client_ms, 95)),
            "requests": len(self.client_ms),
            "statuses": dict(sorted(self.statuses.items())),
        }


def _timed(client: httpx.Client, request: RequestFn, i: int) -> tuple[str, float, float | None]:
    began = time.perf_counter()
    try:
        r = request(client, i)
    except httpx.HTTPError as exc:
        return type(exc).__name__, (time.perf_counter() - began) * 1000, None
    return str(r.status_code), (time.perf_counter() - began) * 1000, server_time(r)


def sequential(
    client: httpx.Client,
    request: RequestFn,
    *,
    count: int,
    warmup: int = 30,
    max_seconds: float = 60.0,
) -> dict[str, Any]:
    """One request at a time (`count` of them, at most `max_seconds`), so server time is not
    inflated by queueing behind other requests."""
    deadline = time.monotonic() + max_seconds
    for i in range(warmup):
        if time.monotonic() > deadline:
            break
        _timed(client, request, -1 - i)
    samples = Samples()
    for i in range(count):
        if time.monotonic() > deadline:
            break
        samples.add(*_timed(client, request, i))
    return samples.summary()


@dataclass(frozen=True)
class LoadPlan:
    processes: int = 2
    threads: int = 4
    warmup_s: float = 1.0
    duration_s: float = 5.0
    max_requests_per_thread: int = 50_000

    @property
    def connections(self) -> int:
        return self.processes * self.threads


def _thread(
    base_url: str,
    headers: dict[str, str],
    request: RequestFn,
    plan: LoadPlan,
    slot: int,
    window: tuple[float, float],
    out: Samples,
) -> None:
    """Requests from `slot` until the window closes; only those that finish inside count."""
    opens, closes = window
    i = slot
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    with httpx.Client(base_url=base_url, headers=headers, timeout=30, limits=limits) as client:
        while time.time() < opens - plan.warmup_s:
            time.sleep(0.001)
        for _ in range(plan.max_requests_per_thread):
            status, client_ms, server_ms = _timed(client, request, i)
            i += plan.connections
            ended = time.time()
            if ended >= closes:
                break
            if ended >= opens:
                out.add(status, client_ms, server_ms)


def _process(
    base_url: str,
    headers: dict[str, str],
    request: RequestFn,
    plan: LoadPlan,
    index: int,
    window: tuple[float, float],
    results: Any,
) -> None:
    parts = [Samples() for _ in range(plan.threads)]
    pool = [
        threading.Thread(
            target=_thread,
            args=(base_url, headers, request, plan, index * plan.threads + t, window, parts[t]),
        )
        for t in range(plan.threads)
    ]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    merged = Samples()
    for part in parts:
        merged.merge(part)
    results.put(merged)


def throughput(
    base_url: str,
    request: RequestFn,
    plan: LoadPlan,
    *,
    headers: dict[str, str] | None = None,
    expect: int = 200,
) -> dict[str, Any]:
    """`expect`-status responses per second over the plan's duration, after its warm-up, from
    processes x threads keep-alive connections; with latency and server-time percentiles
    under that load and every status seen."""
    ctx = mp.get_context("fork")  # the request function may be a closure
    results = ctx.Queue()
    opens = time.time() + 0.5 + plan.warmup_s  # 0.5 s for the processes to start
    window = (opens, opens + plan.duration_s)
    workers = [
        ctx.Process(
            target=_process,
            args=(base_url, headers or {}, request, plan, w, window, results),
            daemon=True,
        )
        for w in range(plan.processes)
    ]
    for w in workers:
        w.start()
    merged = Samples()
    deadline = window[1] + 60
    for _ in workers:
        try:
            merged.merge(results.get(timeout=max(1.0, deadline - time.time())))
        except queue.Empty:
            break
    for w in workers:
        w.join(10)
        if w.is_alive():
            w.kill()
    summary = merged.summary()
    ok = merged.statuses.get(str(expect), 0)
    return {
        "rps": round(ok / plan.duration_s, 1),
        "ok": ok,
        "not_ok": summary["requests"] - ok,
        **summary,
        "connections": plan.connections,
        "seconds": plan.duration_s,
    }
