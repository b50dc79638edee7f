"""Load generation over loopback HTTP: sequential latency samples and timed concurrent runs.

The load generator runs on the same 2-core machine as the server, so absolute throughput is
what this machine gives both together; ratios between endpoints measured with the same
generator in the same run are the meaningful figures.
"""

from __future__ import annotations

import multiprocessing as mp
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx


@dataclass
class Latency:
    server_ms: list[float]
    client_ms: list[float]
    errors: int

    @staticmethod
    def pct(values: list[float], p: float) -> float:
        if not values:
            return float("nan")
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def summary(self) -> dict[str, float]:
        return {
            "server_p50_ms": round(self.pct(self.server_ms, 50), 2),
            "server_p95_ms": round(self.pct(self.server_ms, 95), 2),
            "client_p50_ms": round(self.pct(self.client_ms, 50), 2),
            "client_p95_ms": round(self.pct(self.client_ms, 95), 2),
            "samples": len(self.client_ms),
            "errors": self.errors,
        }


def server_time(response: httpx.Response) -> float:
    header = response.headers.get("server-timing", "")
    return float(header.split("dur=")[1]) if "dur=" in header else float("nan")


def sample(client: httpx.Client, paths: list[str], *, warmup: int = 30) -> Latency:
    """One request at a time, so server time is not inflated by queueing."""
    for path in paths[:warmup]:
        client.get(path)
    server, observed, errors = [], [], 0
    for path in paths:
        started = time.perf_counter()
        r = client.get(path)
        observed.append((time.perf_counter() - started) * 1000)
        if r.status_code != 200:
            errors += 1
            continue
        server.append(server_time(r))
    return Latency(server, observed, errors)


def _worker(
    base_url: str,
    headers: dict[str, str],
    make_request: Callable[[httpx.Client, int], httpx.Response],
    threads: int,
    seconds: float,
    start_at: float,
    out: mp.Queue,  # type: ignore[type-arg]
    worker_id: int,
) -> None:
    counts = {"ok": 0, "other": 0, "latencies": []}
    lock = threading.Lock()

    def run(thread_id: int) -> None:
        local_ok, local_other, local_lat = 0, 0, []
        with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:
            i = thread_id * 1_000_003 + worker_id * 7_919
            while time.time() < start_at:
                time.sleep(0.001)
            stop = start_at + seconds
            while time.time() < stop:
                i += 1
                began = time.perf_counter()
                r = make_request(client, i)
                local_lat.append((time.perf_counter() - began) * 1000)
                if r.status_code in (200, 201):
                    local_ok += 1
                else:
                    local_other += 1
        with lock:
            counts["ok"] += local_ok  # type: ignore[operator]
            counts["other"] += local_other  # type: ignore[operator]
            counts["latencies"].extend(local_lat)  # type: ignore[attr-defined]

    pool = [threading.Thread(target=run, args=(t,)) for t in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    out.put(counts)


def throughput(
    base_url: str,
    make_request: Callable[[httpx.Client, int], httpx.Response],
    *,
    headers: dict[str, str] | None = None,
    processes: int = 2,
    threads: int = 4,
    seconds: float = 5.0,
) -> dict[str, float]:
    """Requests/s over `seconds` from processes x threads keep-alive connections."""
    ctx = mp.get_context("fork")
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    start_at = time.time() + 1.0
    workers = [
        ctx.Process(
            target=_worker,
            args=(base_url, headers or {}, make_request, threads, seconds, start_at, out, w),
        )
        for w in range(processes)
    ]
    for w in workers:
        w.start()
    results = [out.get(timeout=seconds + 120) for _ in workers]
    for w in workers:
        w.join(30)
    ok = sum(r["ok"] for r in results)
    other = sum(r["other"] for r in results)
    latencies = [x for r in results for x in r["latencies"]]
    return {
        "rps": round(ok / seconds, 1),
        "non_2xx": other,
        "p50_ms": round(Latency.pct(latencies, 50), 2),
        "p95_ms": round(Latency.pct(latencies, 95), 2),
        "connections": processes * threads,
        "seconds": seconds,
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
