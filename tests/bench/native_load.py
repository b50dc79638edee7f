"""Throughput runs with wrk (Debian's package `wrk`, C, one event-loop thread): the load
generator of tests/bench/load.py is Python, and on these 2-core machines it takes about one
core from the server it measures, so its figures are the generator's ceiling as much as the
server's. wrk drives the same requests for a fraction of that: what is left is the server's.

A run is a Lua script made here (wrk's own scripting): the request's method, path, headers and
body, a unique Idempotency-Key for each order, and per-thread counts of every status and the
Server-Timing of each answer, printed as one JSON line at the end. A warm-up run of its own
comes first and is not counted.

    python -m tests.bench.native_load --url http://127.0.0.1:8000 --path /bare
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

from tests.bench.load import percentile, rounded

WRK = "wrk"
THREADS = 1  # one event loop keeps up with several thousand requests a second here

# Counts and server times per thread, then one JSON line from done(). Shared by every script.
_COMMON = r"""
local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end
function init(args)
  run = args[1] or "run"
  n = 0
  statuses = {}
  server = {}
end
function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local timing = headers["server-timing"] or headers["Server-Timing"]
  if timing then
    local dur = timing:match("dur=([%d%.]+)")
    if dur then server[#server + 1] = tonumber(dur) end
  end
end
function done(summary, latency, requests)
  local parts = {}
  for _, thread in ipairs(threads) do
    local st, sv = thread:get("statuses"), thread:get("server")
    local s = {}
    for k, v in pairs(st) do s[#s + 1] = string.format('"%s":%d', k, v) end
    local t = {}
    for i = 1, #sv do t[#t + 1] = string.format("%.3f", sv[i]) end
    parts[#parts + 1] = string.format('{"statuses":{%s},"server":[%s]}',
      table.concat(s, ","), table.concat(t, ","))
  end
  io.write(string.format(
    'WRK-JSON {"seconds":%.6f,"requests":%d,"errors":%d,"p50_us":%d,"p95_us":%d,"threads":[%s]}\n',
    summary.duration / 1e6, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), table.concat(parts, ",")))
end
"""


def _lua_string(text: str) -> str:
    # A JSON string is a Lua string for what is used here, as long as it is not escaped to
    # \uXXXX (LuaJIT has no such escape): UTF-8 as it is.
    return json.dumps(text, ensure_ascii=False)


def _header_table(headers: dict[str, str]) -> str:
    return "{" + ", ".join(f"[{_lua_string(k)}]={_lua_string(v)}" for k, v in headers.items()) + "}"


def get_script(paths: list[str], headers: dict[str, str]) -> str:
    """GET each of `paths` in turn (one SKU after another, say)."""
    listed = ", ".join(_lua_string(p) for p in paths)
    return (
        _COMMON
        + f"local paths = {{{listed}}}\nlocal headers = {_header_table(headers)}\n"
        + """
function request()
  n = n + 1
  return wrk.format("GET", paths[(n * 7 + tid) % #paths + 1], headers)
end
"""
    )


def order_script(
    skus: list[str], customer_id: int, address: dict[str, str], headers: dict[str, str]
) -> str:
    """POST /v1/orders: one unit of one of `skus` shipped home, each with its own
    Idempotency-Key: the wrk run's own id (a warm-up and the measured run that follows never
    share a key, which would be answered as a cheap replay), the thread and a count."""
    listed = ", ".join(_lua_string(s) for s in skus)
    fulfilment = json.dumps({"type": "ship_to_home", "address": address}, ensure_ascii=False)
    body = '{"customer_id":%d,"lines":[{"sku":"%s","quantity":1}],"fulfilment":' + fulfilment + "}"
    return (
        _COMMON
        + f"local skus = {{{listed}}}\nlocal base = {_header_table(headers)}\n"
        + f"local body = {_lua_string(body)}\n"
        + f"local customer = {customer_id}\nlocal nthreads = {THREADS}\n"
        + """
function request()
  n = n + 1
  local h = {}
  for k, v in pairs(base) do h[k] = v end
  h["Content-Type"] = "application/json"
  h["Idempotency-Key"] = string.format("wrk-%s-%d-%d", run, tid, n)
  -- Threads take turns through the SKUs, so no two requests share one while SKUs last.
  local sku = skus[((n - 1) * nthreads + tid - 1) % #skus + 1]
  return wrk.format("POST", "/v1/orders", h, string.format(body, customer, sku))
end
"""
    )


def available() -> bool:
    return shutil.which(WRK) is not None


def _run(url: str, script: str, connections: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "load.lua"
        path.write_text(script)
        cmd = [WRK, f"-t{THREADS}", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
        cmd += ["--timeout", "30s", "-s", str(path), url, "--", uuid.uuid4().hex[:12]]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 90)
    for line in done.stdout.splitlines():
        if line.startswith("WRK-JSON "):
            return dict(json.loads(line.removeprefix("WRK-JSON ")))
    raise RuntimeError(f"wrk said no figures:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def throughput(
    url: str,
    script: str,
    *,
    connections: int = 8,
    seconds: float = 5.0,
    warmup_s: float = 1.0,
    expect: int = 200,
) -> dict[str, Any]:
    """`expect`-status answers per second over `seconds` after a warm-up run, with the
    client's p50/p95 (wrk's), the server's (Server-Timing) and every status seen."""
    if warmup_s > 0:
        _run(url, script, connections, warmup_s)
    raw = _run(url, script, connections, seconds)
    statuses: dict[str, int] = {}
    server: list[float] = []
    for thread in raw["threads"]:
        for k, v in thread["statuses"].items():
            statuses[k] = statuses.get(k, 0) + v
        server += thread["server"]
    ok = statuses.get(str(expect), 0)
    return {
        "rps": round(ok / raw["seconds"], 1),
        "ok": ok,
        "not_ok": raw["requests"] - ok,
        "server_p50_ms": rounded(percentile(server, 50)),
        "server_p95_ms": rounded(percentile(server, 95)),
        "client_p50_ms": rounded(raw["p50_us"] / 1000),
        "client_p95_ms": rounded(raw["p95_us"] / 1000),
        "requests": raw["requests"],
        "errors": raw["errors"],
        "statuses": dict(sorted(statuses.items())),
        "connections": connections,
        "seconds": round(raw["seconds"], 2),
        "generator": "wrk",
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.native_load")
    parser.add_argument("--url", required=True)
    parser.add_argument("--path", default="/bare")
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    script = get_script([args.path], {})
    figures = throughput(args.url, script, connections=args.connections, seconds=args.seconds)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
