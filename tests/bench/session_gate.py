"""What checking that a session is still open costs on the hot path (issue 11, finding 7).

Every authenticated request asks whether its session was ended (log-out, deactivation, a
revoked tablet). An API process remembers an open session for REYON_SESSION_RECHECK_SECONDS
(default 5); with 0 it asks the database on every request. The same availability request is
timed against two API processes over the same database, one of each, in interleaved rounds,
so machine noise falls on both alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from tests.bench.load import RequestFn, percentile, rounded, sequential
from tests.server import start_api

ROUNDS = 5


def figures(
    db_url: str,
    request: RequestFn,
    headers_for: Any,
    *,
    samples: int,
    log_dir: Path,
) -> dict[str, Any]:
    """headers_for(api_url) -> a logged-in associate's headers on that process."""
    apis = {
        "remembered": start_api(db_url, log_dir=log_dir, startup_timeout=120),
        "every_request": start_api(
            db_url,
            log_dir=log_dir,
            startup_timeout=120,
            extra_env={"REYON_SESSION_RECHECK_SECONDS": "0"},
        ),
    }
    client_ms: dict[str, list[float]] = {name: [] for name in apis}
    server_ms: dict[str, list[float]] = {name: [] for name in apis}
    try:
        clients = {
            name: httpx.Client(base_url=api.url, headers=headers_for(api.url), timeout=60)
            for name, api in apis.items()
        }
        for _ in range(ROUNDS):
            for name, client in clients.items():
                part = sequential(client, request, count=max(20, samples // ROUNDS), warmup=10)
                client_ms[name].append(part["client_p50_ms"])
                server_ms[name].append(part["server_p50_ms"])
        for client in clients.values():
            client.close()
    finally:
        for api in apis.values():
            api.stop()
    out: dict[str, Any] = {}
    for name in apis:
        out[name] = {
            "client_p50_ms": rounded(percentile(client_ms[name], 50)),
            "client_p95_ms": rounded(percentile(client_ms[name], 95)),
            "server_p50_ms": rounded(percentile(server_ms[name], 50)),
            "server_p95_ms": rounded(percentile(server_ms[name], 95)),
        }
    out["rounds"] = ROUNDS
    remembered = out["remembered"]["server_p50_ms"]
    every = out["every_request"]["server_p50_ms"]
    out["every_request_vs_remembered"] = rounded(every / remembered) if remembered else None
    return out
